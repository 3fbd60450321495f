package dev.jlibos.junit;

import dev.jlibos.kernel.GuestOptions;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.Snapshot;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.loader.LoadException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One guest program to run under jlibos, configured fluently, then {@link #run()} for a {@link GuestResult}:
 *
 * <pre>{@code
 * GuestResult r = Guest.program("/bin/busybox").args("sha256sum").stdin("abc").run();
 * assertEquals(0, r.exitCode());
 * }</pre>
 *
 * Each {@link #run()} is an independent machine (its own processes, pid namespace, memory and files
 * table), running on the calling thread; runs of different guests, or of the same guest, may happen on
 * several threads at once. A {@code Guest} is a mutable description: do not change it while it runs.
 *
 * <p>Hermetic by default: the guest runs in a sandbox whose root is an empty in-memory directory with
 * synthetic /proc, /dev and /sys; it sees only what is given to it ({@link #mount}, {@link #tmpfs},
 * {@link #file}) plus the program itself, read-only at its own path. Static programs (busybox-static,
 * {@code gcc -static}) need nothing else; a dynamically linked one needs its loader and libraries mounted
 * (e.g. {@code /lib}, {@code /usr/lib}), or {@link #hostFilesystem()}.
 *
 * <p>Defaults: an empty environment, cwd "/", empty stdin, a 60 s timeout, output captured up to 16 MiB
 * per stream, and the last {@value #DEFAULT_TRACE_TAIL} syscalls kept for failure messages.
 */
public final class Guest implements java.io.Serializable {
    /**
     * An {@link #isolated} run carries the whole builder to the child JVM by serialization: a new field must
     * be serializable, or transient and refused (or handled) in {@link #run} when isolated.
     */
    private static final long serialVersionUID = 1L;
    public static final int DEFAULT_TRACE_TAIL = 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final long DEFAULT_MAX_OUTPUT = 16L << 20;
    /** A guest that allocates without end stops here instead of eating the host's memory. */
    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;
    /** An isolated JVM gets this long beyond the guest's timeout to start and report before it is killed. */
    static final Duration DEFAULT_ISOLATION_GRACE = Duration.ofSeconds(30);

    private final String program;
    private String argv0;
    private List<String> args = List.of();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String cwd;
    private byte[] stdin = new byte[0];
    /** Limits and deterministic mode: what the machine gets, with this class's defaults (timeout, memory). */
    private GuestOptions options = GuestOptions.builder().timeout(DEFAULT_TIMEOUT).memoryLimit(DEFAULT_MEMORY_LIMIT).build();
    private int traceTail = DEFAULT_TRACE_TAIL;
    private boolean traceAll;
    private long maxOutput = DEFAULT_MAX_OUTPUT;
    private boolean hostFilesystem;
    private final List<Mount> mounts = new ArrayList<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    /** A host directory the runner gives each test: mounted at {@link GuestRunner#WORK_DIR} (or the cwd on the host view). */
    private String workDir;
    private boolean isolated;
    private Duration isolationGrace = DEFAULT_ISOLATION_GRACE;

    /**
     * A host path (null for tmpfs) shown at a guest path; a String because an isolated run serialises it.
     * {@code tmpfsSize}: a tmpfs's own size cap, or 0 for the options' default.
     */
    private record Mount(String host, String guest, boolean readOnly, long tmpfsSize) implements java.io.Serializable {
    }

    /** Told about every result (the JUnit extension keeps them for failure reports); it stays in this JVM. */
    private transient java.util.function.Consumer<GuestResult> observer;

    private Guest(String program) {
        this.program = Objects.requireNonNull(program, "program");
    }

    /**
     * The executable's host path (absolute, or relative to {@link #cwd}); argv[0] is this path unless
     * {@link #argv0} says otherwise.
     */
    public static Guest program(String path) {
        return new Guest(path);
    }

    /** A copy to vary without changing this one. */
    public Guest copy() {
        Guest g = new Guest(program);
        g.argv0 = argv0;
        g.args = args;
        g.env.putAll(env);
        g.cwd = cwd;
        g.stdin = stdin;
        g.options = options;
        g.traceTail = traceTail;
        g.traceAll = traceAll;
        g.maxOutput = maxOutput;
        g.observer = observer;
        g.hostFilesystem = hostFilesystem;
        g.mounts.addAll(mounts);
        g.files.putAll(files);
        g.workDir = workDir;
        g.isolated = isolated;
        g.isolationGrace = isolationGrace;
        return g;
    }

    /** The arguments after argv[0] (replacing earlier ones). */
    public Guest args(String... args) {
        return args(Arrays.asList(args));
    }

    public Guest args(List<String> args) {
        this.args = List.copyOf(args);
        return this;
    }

    /** argv[0], when it must differ from the program path (busybox applets, login shells). */
    public Guest argv0(String name) {
        this.argv0 = Objects.requireNonNull(name);
        return this;
    }

    /** Sets one environment variable (the environment starts empty). */
    public Guest env(String name, String value) {
        if (name.isEmpty() || name.indexOf('=') >= 0) throw new IllegalArgumentException("bad variable name: " + name);
        env.put(name, Objects.requireNonNull(value));
        return this;
    }

    public Guest env(Map<String, String> variables) {
        variables.forEach(this::env);
        return this;
    }

    /**
     * The guest's working directory: a guest path ("/" by default), or with {@link #hostFilesystem()} a
     * host path (the JVM's working directory by default).
     */
    public Guest cwd(String dir) {
        this.cwd = Objects.requireNonNull(dir);
        return this;
    }

    /** Shows host directory (or file) {@code host} at {@code guestPath}, writable. */
    public Guest mount(java.nio.file.Path host, String guestPath) {
        return addMount(new Mount(host.toString(), guestPath, false, 0));
    }

    /** Shows host directory (or file) {@code host} at {@code guestPath}, read-only (EROFS on writes). */
    public Guest mountReadOnly(java.nio.file.Path host, String guestPath) {
        return addMount(new Mount(host.toString(), guestPath, true, 0));
    }

    /** An empty in-memory directory at {@code guestPath}; read its files from {@link GuestResult#file}. */
    public Guest tmpfs(String guestPath) {
        return addMount(new Mount(null, guestPath, false, 0));
    }

    /** The same, holding at most {@code sizeBytes} (tmpfs's {@code size=}): writes past it get ENOSPC (Limit.TMPFS). */
    public Guest tmpfs(String guestPath, long sizeBytes) {
        if (sizeBytes < 4096) throw new IllegalArgumentException("tmpfs size must be at least one page (4096)");
        return addMount(new Mount(null, guestPath, false, sizeBytes));
    }

    private Guest addMount(Mount m) {
        if (!m.guest().startsWith("/")) throw new IllegalArgumentException("guest paths are absolute: " + m.guest());
        mounts.add(m);
        return this;
    }

    /**
     * An in-memory file at {@code guestPath} (its directories are created), in the sandbox root or a
     * {@link #tmpfs}; an ELF or "#!" content is made executable.
     */
    public Guest file(String guestPath, byte[] content) {
        if (!guestPath.startsWith("/")) throw new IllegalArgumentException("guest paths are absolute: " + guestPath);
        files.put(guestPath, content.clone());
        return this;
    }

    /** An in-memory UTF-8 text file. */
    public Guest file(String guestPath, String text) {
        return file(guestPath, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An in-memory file with the bytes of classpath resource {@code resource} (from a directory or a jar). */
    public Guest fileFromClasspath(String guestPath, String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = Guest.class.getClassLoader();
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (java.io.InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no classpath resource " + resource);
            return file(guestPath, in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading classpath resource " + resource, e);
        }
    }

    /** What dynamically linked host programs load from (Debian/Ubuntu's merged /usr and its links). */
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/alternatives");

    /**
     * Mounts the host's program and library directories read-only ({@code /usr}, {@code /lib},
     * {@code /lib64}, {@code /bin}, {@code /sbin}, {@code /etc/alternatives}, those that exist), so that
     * dynamically linked programs such as {@code /bin/ls} or {@code python3} run in the sandbox; the rest of
     * the host (home directories, {@code /etc}, {@code /tmp}) stays invisible.
     */
    public Guest hostSystemDirs() {
        for (String dir : SYSTEM_DIRS) {
            java.nio.file.Path p = java.nio.file.Path.of(dir);
            if (java.nio.file.Files.exists(p)) mountReadOnly(p, dir);
        }
        return this;
    }

    /**
     * No sandbox: the guest sees the host's whole file tree at / with the JVM's permissions (as with
     * qemu-user), and {@link #cwd} is a host path. Cannot be combined with mounts or in-memory files.
     */
    public Guest hostFilesystem() {
        this.hostFilesystem = true;
        return this;
    }

    Guest workDir(java.nio.file.Path dir) {
        this.workDir = dir.toString();
        return this;
    }

    /**
     * Runs the guest in a child JVM (same java, same class path), so that an engine bug the guest triggers
     * cannot take this JVM down: Unicorn 2.0.1 aborts its whole process on some invalid instructions
     * (unicorn-engine/unicorn#1716), before jlibos can turn them into SIGILL. Costs a JVM start (about a
     * second) per run. Use it for untrusted or fuzzed programs, or any guest that crashed the test JVM.
     *
     * <p>Everything set on this builder is carried to the child; the result is the same as in-process except
     * that {@link GuestResult#file} returns null (the sandbox is gone with the child: use a {@link #mount} or
     * the runner's work directory for output files), and {@link #snapshot} is refused. When the child JVM
     * dies (engine abort, JVM crash) or overruns the guest's {@link #timeout} by 30 s and is killed, the result
     * says so: {@link GuestResult#isolatedJvmFailure()} is one line such as "the engine aborted the isolated
     * JVM (exit 134, SIGABRT): ./qemu/tcg/tcg.c:3073: tcg fatal error", {@link GuestResult#statusText()} shows
     * it, and the guest counts as killed by the signal that killed the JVM (SIGKILL, and
     * {@link GuestResult#timedOut()}, for the timeout); the guest's output up to that moment is kept. With no
     * timeout the parent waits as long as the child runs.
     */
    public Guest isolated() {
        this.isolated = true;
        return this;
    }

    /**
     * How long past the guest's timeout an isolated JVM may take before it is killed (30 s by default). A
     * guest stuck inside the engine (where the timeout cannot stop it) costs timeout + grace; suites that run
     * such a guest on purpose shorten it.
     */
    public Guest isolationGrace(Duration grace) {
        this.isolationGrace = Objects.requireNonNull(grace);
        return this;
    }

    public Guest stdin(byte[] input) {
        this.stdin = input.clone();
        return this;
    }

    /** stdin as UTF-8 text. */
    public Guest stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Kill the guest (SIGKILL, reported as {@link GuestResult#timedOut()}) after {@code limit}; null for none. */
    public Guest timeout(Duration limit) {
        options = options.toBuilder().timeout(limit).build();
        return this;
    }

    /**
     * Replaces the limits, deterministic mode and the other {@link GuestOptions} (this class's defaults are
     * a 60 s timeout and a 1 GiB memory limit, see {@link #options()}); the setters here change one of them.
     */
    public Guest options(GuestOptions options) {
        this.options = Objects.requireNonNull(options);
        return this;
    }

    /** The options the machine will get. */
    public GuestOptions options() {
        return options;
    }

    /**
     * Keep every syscall in {@link GuestResult#trace()}, not only the last {@value #DEFAULT_TRACE_TAIL}
     * (each costs a few hundred bytes of heap until the result is dropped).
     */
    public Guest traceAll() {
        this.traceAll = true;
        return this;
    }

    /**
     * How many of the last syscalls to keep; 0 turns tracing off. Recording formats every call
     * strace-style, which adds roughly half a microsecond to each syscall: turn it off for syscall-heavy
     * runs whose failure reports do not need it.
     */
    public Guest traceTail(int records) {
        if (records < 0) throw new IllegalArgumentException("negative trace tail");
        this.traceTail = records;
        this.traceAll = false;
        return this;
    }

    /**
     * Address space per guest process ({@value #DEFAULT_MEMORY_LIMIT} bytes by default; the 8 MiB stack and
     * the executable count): mmap/brk beyond it fail with ENOMEM and the result reports
     * {@link dev.jlibos.kernel.process.Limit#MEMORY}.
     */
    public Guest memoryLimit(long bytes) {
        options = options.toBuilder().memoryLimit(bytes).build();
        return this;
    }

    /**
     * CPU time per guest process (sleeping and blocking do not count): past it the process is killed with
     * SIGKILL and the result reports {@link dev.jlibos.kernel.process.Limit#CPU_TIME}; null for none (the default).
     */
    public Guest cpuTimeLimit(Duration limit) {
        options = options.toBuilder().cpuTimeLimit(limit).build();
        return this;
    }

    /**
     * Deterministic mode ({@link Machine.Builder#deterministic}): a virtual clock starting at
     * 2024-01-01T00:00:00Z that advances with guest work and sleeps, seeded AT_RANDOM, getrandom and
     * /dev/urandom, fixed uid/gid/hostname/uname, and thread turns in a guest-defined order, so two runs of
     * the same guest give the same stdout and syscall trace.
     */
    public Guest deterministic(long seed) {
        options = options.toBuilder().seed(seed).build();
        return this;
    }

    /** At most {@code n} descriptors per process, stdio included (EMFILE beyond; Limit.OPEN_FILES). */
    public Guest maxOpenFiles(int n) {
        options = options.toBuilder().maxOpenFiles(n).build();
        return this;
    }

    /**
     * At most {@code bytes} of writable private memory in all the guest's processes together (reservations
     * excluded): mmap, brk, mremap or mprotect past it fail with ENOMEM (Limit.MEMORY).
     */
    public Guest committedMemory(long bytes) {
        options = options.toBuilder().committedMemory(bytes).build();
        return this;
    }

    /** At most {@code n} processes at once, the first included (fork fails with EAGAIN; Limit.PROCESSES). */
    public Guest maxProcesses(int n) {
        options = options.toBuilder().maxProcesses(n).build();
        return this;
    }

    /**
     * Bytes the guest may write to stdout and stderr together: past them a write is cut short, and the next
     * raises SIGXFSZ and fails with EFBIG (Limit.OUTPUT). Unlike {@link #maxOutput}, the guest notices.
     */
    public Guest outputLimit(long bytes) {
        options = options.toBuilder().maxOutput(bytes).build();
        return this;
    }

    /** Bytes of stdout and of stderr kept (the rest is counted and dropped; the guest does not notice). */
    public Guest maxOutput(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative output cap");
        this.maxOutput = bytes;
        return this;
    }

    Guest observer(java.util.function.Consumer<GuestResult> observer) {
        this.observer = observer;
        return this;
    }

    /** The complete argv the guest will get. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(argv0 != null ? argv0 : program);
        argv.addAll(args);
        return argv;
    }

    /**
     * Runs the program to completion on the calling thread.
     *
     * @throws GuestLaunchException when the program cannot be started at all
     */
    public GuestResult run() {
        GuestResult result = isolated ? Isolation.run(this, argv(), options.timeout(), isolationGrace, maxOutput) : runHere(null, null);
        if (observer != null) observer.accept(result);
        return result;
    }

    /**
     * Runs in this JVM; an isolated child passes {@code outCopy}/{@code errCopy} (files) so that the output
     * kept so far survives the child dying.
     */
    GuestResult runHere(OutputStream outCopy, OutputStream errCopy) {
        List<String> argv = argv();
        CappedOutput out = new CappedOutput(maxOutput, outCopy), err = new CappedOutput(maxOutput, errCopy);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TraceRecorder trace = traceAll || traceTail > 0 ? new TraceRecorder(traceAll ? -1 : traceTail) : null;
        Machine machine = builder(argv, out, err, log, trace).build();
        long start = System.nanoTime();
        ExitStatus status;
        try {
            status = machine.run();
        } catch (LoadException | RuntimeException e) {
            machine.close();
            if (e instanceof LoadException le) throw new GuestLaunchException(le.getMessage(), le);
            throw (RuntimeException) e;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new GuestResult(argv, status, machine.exceededLimits(), out.bytes(), out.dropped(),
                err.bytes(), err.dropped(), trace == null ? List.of() : trace.records(), trace == null ? 0 : trace.total(),
                traceAll, log.toString(StandardCharsets.UTF_8), elapsed, hostFilesystem ? null : machine);
    }

    /**
     * Runs the program up to {@code at} (typically {@link Snapshot.Point#firstReadOfStdin()}: initialised and
     * waiting for input) and returns a snapshot from which {@link GuestSnapshot#run} starts runs cheaply, each
     * with its own stdin (a fork server for test suites and fuzzing; see {@link Snapshot} for what runs share).
     * Output before the point is discarded.
     *
     * @throws GuestLaunchException when the program cannot be started at all
     * @throws IllegalStateException when it ends before the point, or the guest is {@link #isolated}
     */
    public GuestSnapshot snapshot(Snapshot.Point at) {
        if (isolated) throw new IllegalStateException("an isolated guest cannot be snapshotted: the snapshot would live in the child JVM");
        List<String> argv = argv();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Machine machine = builder(argv, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), log, null).build();
        try {
            return new GuestSnapshot(argv, machine.snapshot(at), machine, maxOutput);
        } catch (LoadException e) {
            machine.close();
            throw new GuestLaunchException(e.getMessage(), e);
        } catch (RuntimeException e) {
            machine.close();
            throw e;
        }
    }

    private Machine.Builder builder(List<String> argv, OutputStream out, OutputStream err, ByteArrayOutputStream log,
                                    TraceRecorder trace) {
        List<String> envp = new ArrayList<>();
        env.forEach((k, v) -> envp.add(k + "=" + v));
        Machine.Builder builder = Machine.builder()
                .program(program)
                .args(argv)
                .env(envp)
                .stdin(new ByteArrayInputStream(stdin))
                .stdout(out)
                .stderr(err)
                .diagnostics(new PrintStream(log, true, StandardCharsets.UTF_8))
                .options(options);
        if (hostFilesystem) {
            if (!mounts.isEmpty() || !files.isEmpty()) {
                throw new IllegalStateException("mounts and in-memory files need the sandbox, not hostFilesystem()");
            }
            if (cwd != null) builder.cwd(cwd);
            else if (workDir != null) builder.cwd(workDir);
        } else {
            builder.sandbox();
            if (workDir != null) builder.mount(java.nio.file.Path.of(workDir), GuestRunner.WORK_DIR, false);
            for (Mount m : mounts) {
                if (m.host() == null && m.tmpfsSize() > 0) builder.tmpfs(m.guest(), m.tmpfsSize());
                else if (m.host() == null) builder.tmpfs(m.guest());
                else builder.mount(java.nio.file.Path.of(m.host()), m.guest(), m.readOnly());
            }
            files.forEach(builder::file);
            builder.cwd(cwd != null ? cwd : workDir != null ? GuestRunner.WORK_DIR : "/");
        }
        if (trace != null) builder.traceListener(trace);
        return builder;
    }

    @Override
    public String toString() {
        return String.join(" ", argv());
    }
}
