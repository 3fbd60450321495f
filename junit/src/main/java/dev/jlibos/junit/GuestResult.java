package dev.jlibos.junit;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.Limit;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.trace.SyscallRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a {@link Guest} run produced: how it ended, its output, the syscalls it made (all of them with
 * {@link Guest#traceAll()}, else the last few), the limits it ran into, jlibos's own diagnostics, and the
 * sandbox's files after the run ({@link #file}).
 *
 * <p>The sandbox's in-memory files live until {@link #close()}: a {@link GuestRunner} closes its results
 * after the test; otherwise they go when the result becomes unreachable, or at JVM exit at the latest.
 * Everything else is an immutable snapshot.
 */
public final class GuestResult implements AutoCloseable {
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    /** Machines whose sandbox files still exist; closed at JVM exit at the latest (no leftovers in /dev/shm). */
    private static final java.util.Set<dev.jlibos.kernel.Machine> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (dev.jlibos.kernel.Machine m : OPEN) release(m);
        }, "jlibos-sandbox-cleanup"));
    }

    private static void release(dev.jlibos.kernel.Machine m) {
        if (!OPEN.remove(m)) return;
        synchronized (m) {
            m.close();
        }
    }
    private static final int STDERR_TAIL_LINES = 10;

    private final List<String> argv;
    private final ExitStatus status;
    private final Set<Limit> limits;
    private final byte[] stdout, stderr;
    private final long stdoutDropped, stderrDropped;
    private final List<SyscallRecord> trace;
    private final long syscallCount;
    private final boolean traceComplete;
    private final String diagnostics;
    private final Duration elapsed;
    private final dev.jlibos.kernel.Machine machine;
    private final java.lang.ref.Cleaner.Cleanable cleanup;
    private final String isolatedJvmFailure;

    GuestResult(List<String> argv, ExitStatus status, Set<Limit> limits, byte[] stdout, long stdoutDropped,
                byte[] stderr, long stderrDropped, List<SyscallRecord> trace, long syscallCount, boolean traceComplete,
                String diagnostics, Duration elapsed, dev.jlibos.kernel.Machine machine) {
        this(argv, status, limits, stdout, stdoutDropped, stderr, stderrDropped, trace, syscallCount, traceComplete,
                diagnostics, elapsed, machine, null);
    }

    GuestResult(List<String> argv, ExitStatus status, Set<Limit> limits, byte[] stdout, long stdoutDropped,
                byte[] stderr, long stderrDropped, List<SyscallRecord> trace, long syscallCount, boolean traceComplete,
                String diagnostics, Duration elapsed, dev.jlibos.kernel.Machine machine, String isolatedJvmFailure) {
        this.isolatedJvmFailure = isolatedJvmFailure;
        this.argv = List.copyOf(argv);
        this.status = status;
        this.limits = Set.copyOf(limits);
        this.stdout = stdout;
        this.stdoutDropped = stdoutDropped;
        this.stderr = stderr;
        this.stderrDropped = stderrDropped;
        this.trace = trace;
        this.syscallCount = syscallCount;
        this.traceComplete = traceComplete;
        this.diagnostics = diagnostics;
        this.elapsed = elapsed;
        this.machine = machine;
        if (machine != null) OPEN.add(machine);
        this.cleanup = machine == null ? null : CLEANER.register(this, () -> release(machine));
    }

    /**
     * A file of the sandbox after the run (an in-memory file, a {@link Guest#tmpfs} file or one on a
     * writable mount), or null when it does not exist, the result was closed, or the guest ran on the
     * host file tree.
     */
    public byte[] file(String guestPath) {
        if (machine == null) return null;
        synchronized (machine) {
            return OPEN.contains(machine) ? machine.readGuestFile(guestPath) : null;
        }
    }

    /** {@link #file} decoded as UTF-8, or null. */
    public String fileText(String guestPath) {
        byte[] b = file(guestPath);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Deletes the sandbox's in-memory files; {@link #file} returns null afterwards. */
    @Override
    public void close() {
        if (cleanup != null) cleanup.clean();
    }

    public List<String> argv() {
        return argv;
    }

    /** The kernel's view of how the first process ended. */
    public ExitStatus status() {
        return status;
    }

    /** The exit code (0-255) of a normal exit; 0 after death by a signal (see {@link #signalled()}). */
    public int exitCode() {
        return status.code();
    }

    /** True when the guest called exit (as opposed to dying from a signal). */
    public boolean exited() {
        return !status.signalled();
    }

    public boolean signalled() {
        return status.signalled();
    }

    /** The fatal signal's number, 0 after a normal exit. */
    public int signal() {
        return status.signal();
    }

    /** What a shell reports: the exit code, or 128 + the signal number. */
    public int shellStatus() {
        return status.shellStatus();
    }

    /** True when the guest was killed because its {@link Guest#timeout} ran out. */
    public boolean timedOut() {
        return limits.contains(Limit.TIMEOUT);
    }

    /** The limits the guest ran into (timeout, memory, open files, processes). */
    public Set<Limit> exceededLimits() {
        return limits;
    }

    public byte[] stdout() {
        return stdout.clone();
    }

    /** stdout decoded as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public byte[] stderr() {
        return stderr.clone();
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Bytes the guest wrote beyond {@link Guest#maxOutput} (not kept), per stream. */
    public long stdoutDropped() {
        return stdoutDropped;
    }

    public long stderrDropped() {
        return stderrDropped;
    }

    /**
     * The syscalls of every process of the run in completion order, with strace-style
     * {@link SyscallRecord#text()}: all of them after {@link Guest#traceAll()}, else the last few.
     */
    public List<SyscallRecord> trace() {
        return trace;
    }

    /** The recorded calls named {@code name} ("openat", "write"...). */
    public List<SyscallRecord> syscalls(String name) {
        return trace.stream().filter(r -> r.name().equals(name)).toList();
    }

    /** How many syscalls the run made in total (0 when tracing was off). */
    public long syscallCount() {
        return syscallCount;
    }

    /** True when {@link #trace()} holds every call, not only the last ones. */
    public boolean traceComplete() {
        return traceComplete;
    }

    /** jlibos's own one-line messages during the run (unimplemented syscalls or flags...), usually empty. */
    public String diagnostics() {
        return diagnostics;
    }

    /**
     * For a {@link Guest#isolated} run whose child JVM died or was killed before reporting, why, in one line
     * ("the engine aborted the isolated JVM (exit 134, SIGABRT): tcg fatal error"); null otherwise. The
     * status then counts the guest as killed by the signal that ended the JVM.
     */
    public String isolatedJvmFailure() {
        return isolatedJvmFailure;
    }

    /** Wall-clock time of the run, loading included. */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * "exited with 0", "killed by SIGSEGV at 0x0", "killed by SIGKILL (wall-clock timeout reached...)", or the
     * {@link #isolatedJvmFailure()} line.
     */
    public String statusText() {
        if (isolatedJvmFailure != null) return isolatedJvmFailure;
        if (!status.signalled()) return "exited with " + status.code();
        String s = "killed by " + Signal.name(status.signal());
        if (status.faultAddress() >= 0) s += " at 0x" + Long.toHexString(status.faultAddress());
        if (timedOut()) s += " (" + Limit.TIMEOUT.description() + ")";
        else if (limits.contains(Limit.CPU_TIME)) s += " (" + Limit.CPU_TIME.description() + ")";
        return s;
    }

    /**
     * A multi-line report for test failures: the command, how it ended, limits, the tail of stderr, the
     * last syscalls and jlibos's diagnostics.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("guest: ").append(String.join(" ", argv)).append('\n');
        sb.append("status: ").append(statusText()).append(" after ").append(elapsed.toMillis()).append(" ms\n");
        for (Limit l : limits) if (l != Limit.TIMEOUT && l != Limit.CPU_TIME) sb.append("limit: ").append(l.description()).append('\n');
        sb.append("stdout: ").append(stdout.length).append(" bytes");
        if (stdoutDropped > 0) sb.append(" (and ").append(stdoutDropped).append(" more dropped past the output cap)");
        sb.append('\n');
        List<String> lines = stderrText().lines().toList();
        if (lines.isEmpty()) {
            sb.append("stderr: (empty)\n");
        } else {
            int from = Math.max(0, lines.size() - STDERR_TAIL_LINES);
            sb.append("stderr").append(from > 0 ? " (last " + STDERR_TAIL_LINES + " of " + lines.size() + " lines)" : "")
                    .append(":\n");
            for (String l : lines.subList(from, lines.size())) sb.append("  | ").append(l).append('\n');
        }
        if (!trace.isEmpty()) {
            sb.append(trace.size() < syscallCount ? "last " + trace.size() + " of " + syscallCount + " syscalls:\n"
                    : "syscalls (" + trace.size() + "):\n");
            for (SyscallRecord r : trace) sb.append("  [").append(r.pid()).append("] ").append(r.describe()).append('\n');
        }
        if (!diagnostics.isEmpty()) {
            sb.append("jlibos:\n");
            diagnostics.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return String.join(" ", argv) + ": " + statusText();
    }
}
