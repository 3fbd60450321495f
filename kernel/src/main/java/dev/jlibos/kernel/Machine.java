package dev.jlibos.kernel;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.host.memory.MmapHostMemory;
import dev.jlibos.host.syscall.LibcHostSyscalls;
import dev.jlibos.host.unicorn.UnicornCpu;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.KernelLog;
import dev.jlibos.kernel.process.Limit;
import dev.jlibos.kernel.sys.ProgramImage;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.syscalls.trace.SyscallListener;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.FileViews;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.mount.MountTable;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The public way to run a guest program: configure with {@link #builder()}, then {@link #run()}.
 *
 * <pre>{@code
 * ExitStatus s = Machine.builder().program("/bin/busybox").args(List.of("busybox", "echo", "hi"))
 *         .stdout(out).build().run();
 * }</pre>
 *
 * A machine runs on the calling thread; independent machines may run concurrently in one JVM.
 */
public final class Machine implements AutoCloseable {
    /** How long run() waits for killed processes to return their host resources (see awaitTeardown). */
    private static final long TEARDOWN_WAIT_NANOS = 2_000_000_000L;
    private final Builder config;
    /** The limits the last run ran into. */
    private volatile java.util.Set<Limit> exceeded = java.util.Set.of();
    /** The sandbox's file tree, kept after the run so its in-memory files can be read; null otherwise. */
    private MountTable mounts;
    /** Passthrough mode: the host root with the kernel's /proc on it, closed after the run. */
    private MountTable hostView;

    private Machine(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The kernel of the current (or last) run, for {@link #signalForeground}. */
    private volatile Kernel running;

    /**
     * Sends {@code sig} to the guest's foreground process group, as a terminal does for ^C (SIGINT);
     * false if no guest process is in it (not running yet, or ended).
     */
    public boolean signalForeground(int sig) {
        Kernel k = running;
        return k != null && k.processTable().signalGroup(k.processTable().foregroundGroup(), sig) > 0;
    }

    /**
     * Loads the program and runs it until its process exits.
     *
     * @throws LoadException when the program cannot be executed (missing, not an x86-64 ELF, malformed,
     *                       missing interpreter); the message is one line meant for users
     */
    public ExitStatus run() throws LoadException {
        return run(null);
    }

    /**
     * Runs the program until it reaches {@code at} and returns a {@link Snapshot} of its process there, from
     * which {@link Snapshot#run} starts many runs cheaply (a fork server). The first run's stdin, stdout and
     * stderr are this builder's; each snapshot run has its own. Close the snapshot when done.
     *
     * @throws IllegalStateException when the program ended (or became multi-threaded) before the point
     */
    public Snapshot snapshot(Snapshot.Point at) throws LoadException {
        Snapshot.Capture[] capture = new Snapshot.Capture[1];
        ExitStatus status = run(at == null ? null : (kernel, process, release) -> {
            FileDescription[] stdio = {process.files.get(0), process.files.get(1), process.files.get(2)};
            capture[0] = new Snapshot.Capture(at, process.pid, stdio, config, release);
            kernel.captureSnapshotWith(capture[0]::check);
            return capture[0];
        });
        Snapshot s = capture[0] == null ? null : capture[0].snapshot;
        if (s == null) throw new IllegalStateException("the program ended (" + status + ") before the snapshot point");
        return s;
    }

    /** How snapshot() hooks into a run: it gets the host resources to release when the snapshot closes. */
    private interface CaptureFactory {
        Snapshot.Capture install(Kernel kernel, GuestProcess process, Runnable releaseHost);
    }

    /** A kernel configured as the builder says (engines, log, trace, determinism). */
    static Kernel newKernel(Builder config) {
        GuestOptions options = config.options();
        KernelLog log = new KernelLog(config.diagnostics, options.debug());
        Kernel kernel = Kernels.create(UnicornCpu::new, new MmapHostMemory(), log, config.strace,
                SyscallListener.all(config.traceListeners), syscallPath(options));
        if (options.seed() != null) kernel.deterministic(new Determinism(options.seed()));
        kernel.offloadPolicy(options.offload() != null ? options.offload()
                : dev.jlibos.syscalls.offload.OffloadPolicy.defaultFor(config.sandbox));
        return kernel;
    }

    /** The syscall path a run takes. */
    private static SyscallPath syscallPath(GuestOptions options) {
        // The vDSO's clocks are the host's: deterministic mode keeps every clock read in the hook.
        return options.seed() != null ? SyscallPath.HOOK
                : options.syscallPath() != null ? options.syscallPath() : SyscallPath.defaultPath();
    }

    /**
     * The engine pool this run's first program starts through, or null: snapshot runs start cold, since the
     * snapshot pools its engines itself. Deterministic runs may be warm: their virtual clock counts blocks
     * executed, not translated, so cached translations do not move it (DeterminismTest compares warm runs
     * with a cold one); their images are kept apart (imageSettings), as their engines count blocks.
     */
    private EnginePool enginePool(boolean snapshot) {
        EnginePool pool = config.enginePool != null ? config.enginePool : EnginePool.shared();
        return snapshot || !pool.enabled() ? null : pool;
    }

    /**
     * What besides the files shapes a pooled image: the vDSO and the kml-shim's pages (none when tracing), and
     * deterministic mode (whose engines have the counting block hook).
     */
    private Object imageSettings() {
        return List.of(syscallPath(config.options()), config.strace != null || !config.traceListeners.isEmpty(),
                config.options().seed() != null);
    }

    private ExitStatus run(CaptureFactory captureFactory) throws LoadException {
        Kernel kernel = newKernel(config);
        running = kernel;
        HostFs host = new HostFs(LibcHostSyscalls.INSTANCE, kernel.hostMemory());
        Cpu cpu = kernel.cpus().create();
        AddressSpace memory = new AddressSpace(kernel.hostMemory());
        memory.attach(cpu);
        // Guest pids are the host tids of the threads that run them, unique on the host, except where the
        // guest has its own fixed namespace: deterministic runs and sandboxes keep counting from 1000.
        if (!config.sandbox && config.options().seed() == null) kernel.processTable().useHostTids(LibcHostSyscalls.INSTANCE);
        GuestProcess process = Launch.createProcess(kernel, memory, host, config);
        applyLimits(config, kernel, process);
        GuestThread thread = new GuestThread(process, process.pid, cpu);
        process.threads.add(thread);
        kernel.processTable().register(process);
        kernel.bind(thread);
        LoadedProgram program;
        EnginePool pool = enginePool(captureFactory != null);
        EnginePool.Lease lease = null;
        try {
            String path = config.program;
            if (config.sandbox) {
                kernel.hostNetwork(config.options().hostNetwork());
                path = enterSandbox(host, thread);
            } else {
                hostView = FileViews.passthrough(host);
                process.fs().useGuestProc(hostView);
            }
            // execve inside the run may start warm too; not in deterministic runs, whose block-counted clock
            // is kept to engines that ran exactly the run's own history.
            if (pool != null && config.options().seed() == null) kernel.poolExecs(pool, imageSettings());
            if (pool == null || !pool.poolsFirstPrograms()) {
                program = ProgramImage.load(thread, path, config.argv, config.envp);
            } else {
                ProgramImage.Started started = ProgramImage.loadPooled(thread, path, config.argv, config.envp, pool, imageSettings());
                program = started.program();
                lease = started.lease();
                kernel.bind(thread); // the thread may have taken a pooled engine
            }
        } catch (LoadException | RuntimeException e) {
            process.exit(ExitStatus.killed(9, -1));
            kernel.runProcess(thread, 0);
            if (hostView != null) hostView.close();
            host.close();
            throw e;
        }
        thread.cpu.set(Reg.RSP, program.stackPointer());
        MountTable view = hostView;
        Snapshot.Capture capture = captureFactory == null ? null : captureFactory.install(kernel, process, () -> {
            if (view != null) view.close();
            host.close();
        });
        GuestOptions options = config.options();
        Watchdog watchdog = options.timeout() == null ? null : Watchdog.start(kernel, options.timeout());
        Watchdog cpuBudget = options.cpuTimeLimit() == null ? null : Watchdog.cpuBudget(kernel, options.cpuTimeLimit());
        try {
            kernel.runProcess(thread, program.entry());
        } finally {
            if (watchdog != null) watchdog.cancel();
            if (cpuBudget != null) cpuBudget.cancel();
            // Processes still running when the first one ends are killed, as when a container's init exits.
            for (GuestProcess p : kernel.processes()) p.exit(ExitStatus.killed(9, -1));
            if (capture == null) awaitTeardown(kernel);
            // The engine and memory go back to the pool if the first process still ran the image (no execve).
            if (lease != null && process.finished()) pool.giveBack(lease, process.memory() == lease.memory());
            // A snapshot keeps the file view its copies of the fd table and cwd refer to, until it closes.
            if (capture == null || capture.snapshot == null) {
                if (hostView != null) hostView.close();
                host.close();
            }
            exceeded = kernel.limits().exceeded();
        }
        if (config.strace != null) config.strace.println(describe(process.exitStatus()));
        return process.exitStatus();
    }

    /**
     * Waits, for a bounded time, until the processes killed above have stopped and returned their fds and
     * host memory: each does so on its own host thread at its next boundary, and an embedder that looks
     * right after run() (a test counting its open fds, a caller deleting the scratch tree) must find them
     * gone. A thread stuck in a host call past the bound is left to finish on its own.
     */
    private static void awaitTeardown(Kernel kernel) {
        long deadline = System.nanoTime() + TEARDOWN_WAIT_NANOS;
        try {
            for (GuestProcess p : kernel.processes()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.awaitEnd(left)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The embedder's limits: machine-wide in the kernel, and as the first process's rlimits (inherited by fork). */
    static void applyLimits(Builder config, Kernel kernel, GuestProcess process) {
        GuestOptions o = config.options();
        kernel.limits().set(o.memoryLimit(), o.committedMemory(), o.maxOpenFiles(), o.maxProcesses());
        if (o.memoryLimit() > 0) process.limits.restrict(ResourceLimits.AS, o.memoryLimit());
        if (o.maxOpenFiles() > 0) {
            process.limits.restrict(ResourceLimits.NOFILE, o.maxOpenFiles());
            process.files.setLimit(o.maxOpenFiles());
        }
        if (o.maxProcesses() > 0) process.limits.restrict(ResourceLimits.NPROC, o.maxProcesses());
    }

    /**
     * The limits the last {@link #run()} of this machine ran into (empty if none, or before a run): why a
     * guest was killed ({@link Limit#TIMEOUT}) or saw ENOMEM, EMFILE or EAGAIN from jlibos's own limits.
     */
    public java.util.Set<Limit> exceededLimits() {
        return exceeded;
    }

    /**
     * Builds the sandbox's mount table and gives the process its view: synthetic /proc, /dev and /sys,
     * then the configured mounts in order, then in-memory files; the program itself is mounted read-only
     * at its own path when no mount shows it. Returns the guest path to load.
     */
    private String enterSandbox(HostFs host, GuestThread thread) throws LoadException {
        MountTable table = FileViews.sandbox(host);
        mounts = table;
        try {
            long defaultSize = config.options().tmpfsSize();
            Kernel kernel = thread.process.kernel;
            Runnable full = () -> kernel.exceeded(dev.jlibos.kernel.process.Limit.TMPFS,
                    "tmpfs size limit reached: a write or truncate was cut short or failed with ENOSPC");
            if (defaultSize > 0) table.capInMemory(table.root(), defaultSize, full);
            for (Builder.MountSpec m : config.mounts) {
                if (m.hostPath() != null) {
                    table.mountHost(m.hostPath(), m.guestPath(), m.readOnly());
                    continue;
                }
                var tmpfs = table.mountTmpfs(m.guestPath());
                long size = m.tmpfsSize() > 0 ? m.tmpfsSize() : defaultSize;
                if (size > 0) table.capInMemory(tmpfs, size, full);
            }
            for (var f : config.files.entrySet()) table.putFile(f.getKey(), f.getValue(), isExecutable(f.getValue()));
        } catch (IllegalArgumentException e) {
            throw new LoadException(Errno.EINVAL, e.getMessage());
        }
        String program = config.program;
        if (program.contains("/") && !config.files.containsKey(program)) {
            program = FileViews.showProgram(host, table, program, thread);
        }
        try {
            thread.process.useFs(FsContext.sandbox(host, table, config.sandboxCwd, thread));
        } catch (dev.jlibos.core.LinuxException e) {
            throw new LoadException(e.errno(), config.sandboxCwd + ": cannot change to this directory in the sandbox");
        }
        return program;
    }

    private static boolean isExecutable(byte[] content) {
        return content.length >= 4 && ((content[0] == 0x7f && content[1] == 'E' && content[2] == 'L' && content[3] == 'F')
                || (content[0] == '#' && content[1] == '!'));
    }

    /**
     * A file of the sandbox after (or before) the run, read from the host side: in-memory files and
     * read-write mounts. Null if it does not exist or the machine is not sandboxed.
     */
    public byte[] readGuestFile(String guestPath) {
        return mounts == null ? null : mounts.readFile(guestPath);
    }

    /** Deletes the sandbox's in-memory files. */
    @Override
    public void close() {
        if (mounts != null) mounts.close();
        mounts = null;
    }

    /** strace's closing line. */
    private static String describe(ExitStatus status) {
        return status.signalled() ? "+++ killed by signal " + status.signal() + " +++"
                : "+++ exited with " + status.code() + " +++";
    }

    /** Configuration of one guest run. */
    public static final class Builder {
        String program;
        List<String> argv;
        List<String> envp = List.of();
        String cwd = System.getProperty("user.dir");
        InputStream stdin;
        OutputStream stdout;
        OutputStream stderr;
        boolean hostStdio;
        PrintStream strace;
        PrintStream diagnostics = System.err;
        final List<SyscallListener> traceListeners = new ArrayList<>();
        boolean sandbox;
        /** Limits, determinism, syscall path, offload, network: see {@link GuestOptions}. */
        private GuestOptions.Builder options = GuestOptions.builder();
        String sandboxCwd = "/";
        final List<MountSpec> mounts = new ArrayList<>();
        final java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        /** Null: {@link EnginePool#shared()}. */
        EnginePool enginePool;

        /** A host directory or file mounted into the sandbox; a null host path is an in-memory tmpfs. */
        record MountSpec(String hostPath, String guestPath, boolean readOnly, long tmpfsSize) {
        }

        private Builder() {
        }

        /**
         * Runs the guest in a sandbox: its root is an empty in-memory directory with synthetic /proc,
         * /dev and /sys, and only what is mounted (plus the program itself) is visible. {@link #cwd}
         * then names a guest directory ("/" by default).
         */
        public Builder sandbox() {
            this.sandbox = true;
            return this;
        }

        /**
         * Lets a sandboxed guest use the host network (AF_INET/AF_INET6 sockets); without it, socket()
         * for those families fails with EACCES. Unsandboxed guests always have it (as with qemu-user).
         */
        public Builder hostNetwork(boolean allowed) {
            options.hostNetwork(allowed);
            return this;
        }

        /** Mounts host directory or file {@code hostPath} at {@code guestPath} (implies {@link #sandbox()}). */
        public Builder mount(Path hostPath, String guestPath, boolean readOnly) {
            sandbox();
            mounts.add(new MountSpec(hostPath.toAbsolutePath().toString(), guestPath(guestPath), readOnly, 0));
            return this;
        }

        /**
         * An empty in-memory directory at {@code guestPath} (implies {@link #sandbox()}), holding at most
         * {@link GuestOptions#tmpfsSize} bytes.
         */
        public Builder tmpfs(String guestPath) {
            sandbox();
            mounts.add(new MountSpec(null, guestPath(guestPath), false, 0));
            return this;
        }

        /** The same, holding at most {@code sizeBytes} (tmpfs's {@code size=}): ENOSPC beyond. */
        public Builder tmpfs(String guestPath, long sizeBytes) {
            if (sizeBytes < 4096) throw new IllegalArgumentException("tmpfs size must be at least one page (4096)");
            sandbox();
            mounts.add(new MountSpec(null, guestPath(guestPath), false, sizeBytes));
            return this;
        }

        /**
         * An in-memory file at {@code guestPath}, created before the program starts (implies
         * {@link #sandbox()}); ELF and "#!" contents are made executable.
         */
        public Builder file(String guestPath, byte[] content) {
            sandbox();
            files.put(guestPath(guestPath), content.clone());
            return this;
        }

        private static String guestPath(String p) {
            if (!p.startsWith("/")) throw new IllegalArgumentException("guest paths are absolute: " + p);
            return p;
        }

        /**
         * Deterministic mode: time, randomness, identity and thread scheduling come from {@code seed} and the
         * guest's own work instead of the host (see {@link Determinism}), so the same program with the same
         * input gives the same output and syscall trace every run. The clock starts at 2024-01-01T00:00:00Z
         * and advances with syscalls, executed blocks and sleeps (which return at once).
         */
        public Builder deterministic(long seed) {
            options.seed(seed);
            return this;
        }

        /**
         * Replaces every option {@link GuestOptions} holds (limits, determinism, syscall path, offload,
         * network, debug) with {@code options}; the setters below change one of them.
         */
        public Builder options(GuestOptions options) {
            this.options = options.toBuilder();
            return this;
        }

        /** The options as set so far. */
        public GuestOptions options() {
            return options.build();
        }

        /** Path of the executable; the host file tree is visible at / (as with qemu-user). */
        public Builder program(String path) {
            this.program = Objects.requireNonNull(path);
            return this;
        }

        /** The complete argv, argv[0] included; defaults to just the program path. */
        public Builder args(List<String> argv) {
            this.argv = new ArrayList<>(argv);
            return this;
        }

        /** The environment as "NAME=value" strings; empty by default. */
        public Builder env(List<String> envp) {
            this.envp = new ArrayList<>(envp);
            return this;
        }

        /** The working directory: a host directory, or in a sandbox a guest one. */
        public Builder cwd(String dir) {
            this.cwd = Objects.requireNonNull(dir);
            this.sandboxCwd = dir;
            return this;
        }

        /** Guest stdin; an empty stream by default. */
        public Builder stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        /** Guest stdout; discarded by default. */
        public Builder stdout(OutputStream out) {
            this.stdout = out;
            return this;
        }

        /** Guest stderr; discarded by default. */
        public Builder stderr(OutputStream err) {
            this.stderr = err;
            return this;
        }

        /** Connect the guest's fds 0, 1 and 2 to the JVM's own (what the CLI does). */
        public Builder hostStdio() {
            this.hostStdio = true;
            return this;
        }

        /**
         * Which syscalls are forwarded to the host kernel: NONE, AUTO (unimplemented but allowlisted calls)
         * or ALL (every allowlisted call, even those jlibos serves). Null (the default) means NONE in a
         * sandbox and AUTO otherwise.
         */
        public Builder offload(dev.jlibos.syscalls.offload.OffloadPolicy policy) {
            options.offload(policy);
            return this;
        }

        /** Print every syscall strace-style to {@code sink}; null turns tracing off. */
        public Builder strace(PrintStream sink) {
            this.strace = sink;
            return this;
        }

        /**
         * Delivers a {@link dev.jlibos.syscalls.trace.SyscallRecord} for every syscall of every process of the
         * run to {@code listener} (called on the guests' threads: see {@link SyscallListener}). May be called
         * several times; listeners are called in the order they were added. Without one, tracing costs nothing.
         */
        public Builder traceListener(SyscallListener listener) {
            this.traceListeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /** Where jlibos's own one-line diagnostics go (unimplemented calls...); stderr by default. */
        public Builder diagnostics(PrintStream sink) {
            this.diagnostics = Objects.requireNonNull(sink);
            return this;
        }

        /**
         * How syscalls reach the libOS: {@link SyscallPath#HOOK} (no vDSO), {@link SyscallPath#SHIM}
         * (a vDSO serves the clock calls in guest code) or {@link SyscallPath#TRAP} (no vDSO; every syscall
         * stops and restarts the engine, for comparison). Default: {@link SyscallPath#defaultPath()}.
         */
        public Builder syscallPath(SyscallPath path) {
            options.syscallPath(Objects.requireNonNull(path));
            return this;
        }

        public Builder debug(boolean debug) {
            options.debug(debug);
            return this;
        }

        /**
         * Caps each guest process's address space at {@code bytes} (every mapping counts: the executable, the
         * 8 MiB stack, heap and mmap): an mmap, brk or mremap beyond it fails with ENOMEM, as with
         * RLIMIT_AS, which the guest sees set to this value and cannot raise past it. Reported as
         * {@link Limit#MEMORY}.
         */
        public Builder memoryLimit(long bytes) {
            options.memoryLimit(bytes);
            return this;
        }

        /**
         * At most {@code n} file descriptors per process (RLIMIT_NOFILE, stdio included): opening more
         * fails with EMFILE. Reported as {@link Limit#OPEN_FILES}.
         */
        public Builder maxOpenFiles(int n) {
            options.maxOpenFiles(n);
            return this;
        }

        /** See {@link GuestOptions.Builder#committedMemory}: writable private memory of all processes together. */
        public Builder committedMemory(long bytes) {
            options.committedMemory(bytes);
            return this;
        }

        /**
         * At most {@code n} processes alive at once in this machine, zombies included (as RLIMIT_NPROC
         * counts them): fork, vfork and clone beyond it fail with EAGAIN. Reported as {@link Limit#PROCESSES}.
         */
        public Builder maxProcesses(int n) {
            options.maxProcesses(n);
            return this;
        }

        /**
         * Kills any guest process that has used more than {@code limit} of CPU time with SIGKILL (RLIMIT_CPU's
         * hard limit, checked every 20 ms); sleeping and blocking do not count. Reported as {@link Limit#CPU_TIME}.
         */
        public Builder cpuTimeLimit(java.time.Duration limit) {
            options.cpuTimeLimit(limit);
            return this;
        }

        /**
         * The pool of engines the first program starts through ({@link EnginePool}): a program this pool has
         * run before starts on an engine that keeps its translated code. By default the JVM's
         * {@link EnginePool#shared()}; {@code EnginePool.create(0, 0)} runs cold.
         */
        public Builder enginePool(EnginePool pool) {
            this.enginePool = Objects.requireNonNull(pool);
            return this;
        }

        /** Kills the guest with SIGKILL if it is still running after {@code limit} of wall-clock time. */
        public Builder timeout(java.time.Duration limit) {
            options.timeout(limit);
            return this;
        }

        public Machine build() {
            if (program == null) throw new IllegalStateException("program not set");
            if (argv == null) argv = List.of(program);
            return new Machine(this);
        }
    }
}
