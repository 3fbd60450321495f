package dev.jlibos.kernel;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.signals.SignalState;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.StreamFile;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;

/**
 * A guest process frozen at a syscall ({@link Machine#snapshot}), from which many runs start cheaply — a
 * fork server for test suites and fuzzing. It holds what fork copies (registers, a private copy of the
 * address space, the fd table, cwd/umask, signal dispositions, credentials, limits) taken at the entry of
 * the chosen syscall, before it is served; each {@link #run} forks that state once more into a fresh
 * machine with its own stdio and re-executes the syscall, so the program goes on as if it had just got
 * there. Only single-threaded processes can be snapshotted. Engines are pooled: a finished run's engine
 * and memory are reset to the snapshot in place ({@link AddressSpace#resetTo}) for the next run, keeping
 * the code Unicorn translated.
 *
 * <p>Like fork, the runs share the open file descriptions other than stdio (a file opened before the
 * snapshot has one offset for all runs) and MAP_SHARED file mappings. They also share the first run's file
 * view (a sandbox's in-memory files written by one run are seen by the next) and the builder's trace
 * listeners, limits and timeout, which apply to each run. Thread-safe: runs may go on in
 * parallel, each in its own machine. {@link #close()} frees the copy and the file view.
 */
public final class Snapshot implements AutoCloseable {
    /** Where to stop the first run. */
    public static final class Point {
        final long syscalls;

        private Point(long syscalls) {
            this.syscalls = syscalls;
        }

        /** At the first read (read, readv, pread64) of fd 0: the program is initialised and waits for input. */
        public static Point firstReadOfStdin() {
            return new Point(-1);
        }

        /** At the entry of the {@code n}th syscall (1 = the first) of the first process. */
        public static Point syscall(long n) {
            if (n < 1) throw new IllegalArgumentException("syscalls are counted from 1");
            return new Point(n);
        }

        boolean matches(long count, SyscallArgs a) {
            if (syscalls > 0) return count == syscalls;
            int nr = a.number();
            return (nr == Sysno.READ || nr == Sysno.READV || nr == Sysno.PREAD64) && a.get(0) == 0;
        }
    }

    /** Set on the kernel by Machine.snapshot: watches the first process's syscalls and captures it. */
    static final class Capture {
        final Point point;
        final int pid;
        final FileDescription[] stdio;
        final Machine.Builder config;
        final Runnable releaseHost;
        long count;
        volatile Snapshot snapshot;

        Capture(Point point, int pid, FileDescription[] stdio, Machine.Builder config, Runnable releaseHost) {
            this.point = point;
            this.pid = pid;
            this.stdio = stdio;
            this.config = config;
            this.releaseHost = releaseHost;
        }

        /** Called at every syscall entry; true when it took the snapshot (the process is then ended). */
        boolean check(GuestThread t, SyscallArgs a) {
            if (snapshot != null || t.process.pid != pid) return false;
            if (!point.matches(++count, a)) return false;
            if (t.process.threads.size() != 1) {
                t.kernel().log().once("snapshot: the process has several threads; not taken");
                return false;
            }
            snapshot = new Snapshot(t, a.number(), stdio, config, releaseHost);
            t.process.exit(ExitStatus.exited(0));
            t.cpu.stop();
            return true;
        }
    }

    private final Machine.Builder config;
    private final Runnable releaseHost;
    private final Cpu registers;
    private final long rip;
    private final int syscallNumber;
    private final AddressSpace memory;
    private final FdTable files;
    private final FsContext fs;
    private final SignalState signals;
    private final long signalMask;
    private final GuestProcess frozen;
    private final FileDescription[] stdio;
    private final Determinism.ProcessState determinism;
    private final String threadName;
    /** The frozen thread's seccomp filters and no_new_privs, which each run's thread starts with. */
    private final dev.jlibos.core.seccomp.SeccompState seccomp = new dev.jlibos.core.seccomp.SeccompState();
    private boolean closed;
    /** Engines with a resettable copy of {@link #memory}, idle between runs: they keep their translated code. */
    private final java.util.ArrayDeque<Pooled> idle = new java.util.ArrayDeque<>();

    private record Pooled(Cpu cpu, AddressSpace memory) {
        void dispose() {
            memory.detach(cpu);
            cpu.close();
            memory.close();
        }
    }

    private Snapshot(GuestThread t, int syscallNumber, FileDescription[] stdio, Machine.Builder config, Runnable releaseHost) {
        GuestProcess p = t.process;
        this.config = config;
        this.releaseHost = releaseHost;
        this.syscallNumber = syscallNumber;
        this.stdio = stdio;
        // A spare engine only holds the registers; each run gets its own engine.
        this.registers = t.kernel().cpus().create();
        dev.jlibos.core.cpu.Cpu.copyRegisters(t.cpu, registers);
        this.rip = t.cpu.get(Reg.RIP) - 2; // back onto the syscall instruction, to run it again
        this.memory = p.memory().copyForFork();
        this.files = p.files.copyForFork();
        this.fs = p.fs().copyForFork();
        this.signals = p.signals().copyForFork();
        this.signalMask = t.signals.blocked();
        this.determinism = p.determinism() != null ? p.determinism().fork() : null;
        this.frozen = p;
        this.threadName = t.name();
        this.seccomp.inheritFrom(t.seccomp);
    }

    /**
     * Runs the program on from the snapshot with {@code stdin}, writing to {@code stdout} and {@code stderr}
     * (null: discarded), until its process ends, on the calling thread.
     */
    public ExitStatus run(InputStream stdin, OutputStream stdout, OutputStream stderr) {
        Kernel kernel;
        FdTable table;
        FsContext cwd;
        Pooled pooled;
        synchronized (this) {
            if (closed) throw new IllegalStateException("snapshot closed");
            kernel = Machine.newKernel(config);
            table = files.copyForFork();
            cwd = fs.copyForFork();
            pooled = idle.poll();
        }
        // A pooled engine's memory is reset in place, so the guest code it translated last time is
        // reused: most of a short run's cost on a fresh engine is translating code again.
        if (pooled == null) {
            AddressSpace copy = AddressSpace.resettableCopy(memory);
            Cpu engine = kernel.cpus().create();
            copy.attach(engine);
            pooled = new Pooled(engine, copy);
        } else {
            pooled.memory().resetTo(memory);
        }
        AddressSpace copy = pooled.memory();
        Cpu cpu = pooled.cpu();
        FileDescription[] fresh = {
                new StreamFile(stdin != null ? stdin : InputStream.nullInputStream(), null, "/dev/stdin"),
                new StreamFile(null, stdout != null ? stdout : OutputStream.nullOutputStream(), "/dev/stdout"),
                new StreamFile(null, stderr != null ? stderr : OutputStream.nullOutputStream(), "/dev/stderr")};
        // Every descriptor that was the first run's stdio (0-2, or a dup of them) becomes this run's.
        for (int fd : new ArrayList<>(table.openDescriptors())) {
            FileDescription f = table.get(fd);
            for (int k = 0; k < 3; k++) {
                if (f == stdio[k]) table.installAt(fd, fresh[k], table.closeOnExec(fd));
            }
        }
        dev.jlibos.core.cpu.Cpu.copyRegisters(registers, cpu);
        cpu.set(Reg.RAX, syscallNumber);
        GuestProcess p = new GuestProcess(kernel, kernel.processTable().allocatePid(), frozen.ppid(), copy, table, frozen.credentials.copy());
        p.inheritImageFrom(frozen);
        p.useUts(frozen.uts().copy());
        p.useFs(cwd);
        p.useSignals(signals.copyForFork());
        p.useDeterminism(determinism != null ? determinism.fork() : null);
        p.joinGroup(p.pid);
        p.retainForSnapshot(cpu, copy);
        Machine.applyLimits(config, kernel, p);
        GuestThread thread = new GuestThread(p, p.pid, cpu);
        thread.rename(threadName);
        thread.seccomp.inheritFrom(seccomp);
        thread.signals.setBlocked(signalMask);
        p.threads.add(thread);
        thread.kernel().syscalls().imageCopied(thread); // the image's data page answers getpid with the frozen process's pid
        kernel.processTable().register(p);
        kernel.bind(thread);
        java.time.Duration timeout = config.options().timeout();
        Watchdog watchdog = timeout == null ? null : Watchdog.start(kernel, timeout);
        try {
            kernel.runProcess(thread, rip);
        } finally {
            if (watchdog != null) watchdog.cancel();
            for (GuestProcess other : kernel.processes()) other.exit(ExitStatus.killed(9, -1));
            if (p.memory() == copy) { // not replaced by execve (which closed it)
                synchronized (this) {
                    if (closed) pooled.dispose();
                    else idle.push(pooled);
                }
            } else {
                cpu.close();
            }
        }
        return p.exitStatus();
    }

    /** Frees the snapshot's memory copy and registers and closes the file view of the first run. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Pooled p : idle) p.dispose();
        idle.clear();
        registers.close();
        memory.close();
        files.closeAll();
        fs.close();
        releaseHost.run();
    }
}
