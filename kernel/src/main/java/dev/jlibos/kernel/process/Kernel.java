package dev.jlibos.kernel.process;

import dev.jlibos.core.cpu.CpuFactory;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.signals.SignalHooks;

/**
 * The state one guest "machine" shares across its processes: the pid namespace ({@link ProcessTable}), its
 * limits ({@link MachineLimits}), the syscall layer serving it, engine and memory factories, logging, and
 * what families keep per machine. Independent machines may run in one JVM at the same time.
 */
public final class Kernel implements dev.jlibos.vfs.proc.ProcSystem {
    private final CpuFactory cpus;
    private final HostMemory hostMemory;
    private final KernelLog log;
    private final ProcessTable table = new ProcessTable();
    private final MachineLimits limits = new MachineLimits();
    private final SyscallService syscalls;
    private final SignalHooks signals;
    private final long bootNanos = System.nanoTime();
    /** The machine's initial UTS namespace: every process starts in it unless it unshares. */
    private final UtsNames rootUts = new UtsNames();
    /**
     * Whether guests may open AF_INET/AF_INET6 sockets (host sockets): on by default, off in a sandbox
     * unless the machine allows the host network.
     */
    private volatile boolean hostNetwork = true;

    /** Deterministic mode's settings, or null (set before the first process is created). */
    private volatile Determinism determinism;

    /** Machine.snapshot's watch on the first process's syscalls, or null. */
    private volatile java.util.function.BiPredicate<GuestThread, SyscallArgs> capture;

    /**
     * Machine.snapshot: {@code capture} sees every syscall entry and, at its point, takes the snapshot and
     * ends the process (then it answers true and the call is not served).
     */
    public void captureSnapshotWith(java.util.function.BiPredicate<GuestThread, SyscallArgs> capture) {
        this.capture = capture;
    }

    /**
     * At a syscall's entry: takes the snapshot Machine.snapshot asked for if this is its point, then ends
     * the process (the syscall is not served); true if it did.
     */
    public boolean captureSnapshot(GuestThread t, SyscallArgs args) {
        var c = capture;
        return c != null && c.test(t, args);
    }

    public Determinism determinism() {
        return determinism;
    }

    public void deterministic(Determinism d) {
        this.determinism = d;
        this.baton = d != null ? new DeterministicBaton() : null;
    }

    /**
     * Deterministic mode's one execution baton for every thread of every process (null otherwise): with
     * processes running side by side, what one sees of another (a child's exit, SIGCHLD, how much of a
     * pipe's data a read gets) would depend on host timing.
     */
    private volatile DeterministicBaton baton;

    DeterministicBaton baton() {
        return baton;
    }

    private volatile dev.jlibos.syscalls.offload.OffloadPolicy offloadPolicy = dev.jlibos.syscalls.offload.OffloadPolicy.NONE;

    /** Which calls go to the host kernel (Machine.Builder.offload; NONE for a bare kernel). */
    public dev.jlibos.syscalls.offload.OffloadPolicy offloadPolicy() {
        return offloadPolicy;
    }

    public void offloadPolicy(dev.jlibos.syscalls.offload.OffloadPolicy policy) {
        this.offloadPolicy = policy;
    }

    public boolean hostNetwork() {
        return hostNetwork;
    }

    public void hostNetwork(boolean allowed) {
        this.hostNetwork = allowed;
    }

    /** The vDSO every address space gets on the shim path; null on the hook and trap paths. */
    private final dev.jlibos.kml.Vdso vdso;
    /** TRAP: engines leave guest code at every syscall and the thread's run loop serves it (see bind). */
    private final boolean syscallExits;

    /**
     * The wiring ({@code dev.jlibos.kernel.Kernels}) builds one for a syscall path and the registry.
     *
     * @param vdso          the vDSO mapped into every image (shim path), or null (hook and trap paths)
     * @param syscallExits  trap path: every syscall stops the engine and the thread's run loop serves it
     * @param syscalls      makes the syscall layer (the dispatcher) serving this kernel
     */
    public Kernel(CpuFactory cpus, HostMemory hostMemory, KernelLog log, dev.jlibos.kml.Vdso vdso,
                  boolean syscallExits, java.util.function.Function<Kernel, SyscallService> syscalls) {
        this.vdso = vdso;
        this.syscallExits = syscallExits;
        this.cpus = cpus;
        this.hostMemory = hostMemory;
        this.log = log;
        this.syscalls = syscalls.apply(this);
        this.signals = new dev.jlibos.signals.SignalDelivery(dev.jlibos.kml.SyscallShim::inEntryPage);
    }

    /** The vDSO mapped into every address space (shim path), or null (hook and trap paths). */
    public dev.jlibos.kml.Vdso vdso() {
        return vdso;
    }

    /**
     * The clock the vDSO serves, when it is on and calibrated: the syscall path then reads the same
     * line, so both paths give the same times. Null otherwise.
     */
    public dev.jlibos.kml.VdsoClock vdsoClock() {
        return vdso != null && vdso.clock().calibrated() ? vdso.clock() : null;
    }

    public HostMemory hostMemory() {
        return hostMemory;
    }

    public KernelLog log() {
        return log;
    }

    /** The {@link System#nanoTime()} at which this machine started. */
    public long bootNanos() {
        return bootNanos;
    }

    public SignalHooks signals() {
        return signals;
    }

    public UtsNames rootUts() {
        return rootUts;
    }

    @Override
    public String hostname(dev.jlibos.vfs.proc.ProcTask caller) {
        GuestProcess p = ((GuestThread) caller).process;
        return new String(p.uts().hostname(defaultHostname(p)), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The node name a process sees before any guest sets one: fixed in deterministic mode, else the host's. */
    public static String defaultHostname(GuestProcess p) {
        return p.determinism() != null ? Determinism.HOSTNAME : HostSystem.hostname();
    }

    @Override
    public String osRelease(dev.jlibos.vfs.proc.ProcTask caller) {
        return ((GuestThread) caller).process.determinism() != null ? Determinism.RELEASE
                : HostSystem.osRelease();
    }

    /** State a family keeps per machine (the AF_UNIX namespace, the RLIMIT_CPU sampler), by type. */
    private final java.util.Map<Class<?>, Object> machineState = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The machine's one instance of {@code type}, created on first use: families keep machine-wide state
     * here rather than in static maps keyed by kernel, so it ends with the machine.
     */
    public <T> T machineState(Class<T> type, java.util.function.Supplier<T> create) {
        return type.cast(machineState.computeIfAbsent(type, k -> create.get()));
    }

    /** The syscall layer serving this machine's threads. */
    public SyscallService syscalls() {
        return syscalls;
    }

    /** The pid namespace: processes by pid, pids, the foreground group and the process tree's lock. */
    public ProcessTable processTable() {
        return table;
    }

    /** The embedder's limits on this machine and the ones its guests ran into. */
    public MachineLimits limits() {
        return limits;
    }

    /** A guest ran into {@code limit}: recorded for {@code Machine.exceededLimits()}, and logged once. */
    public void exceeded(Limit limit, String message) {
        limits.exceeded(limit);
        log().once(message);
    }

    @Override
    public java.util.Collection<GuestProcess> processes() {
        return table.all();
    }

    @Override
    public GuestProcess process(int pid) {
        return table.get(pid);
    }

    /**
     * Wires a thread's CPU to the syscall dispatcher: called from the engine's hook, or on the trap path
     * from {@link GuestThread}'s run loop after the engine stopped at the syscall.
     */
    public void bind(GuestThread thread) {
        thread.cpu.setEvents(c -> syscalls.dispatch(thread));
        thread.cpu.setSyscallExits(syscallExits);
    }

    private volatile EnginePool execPool;
    private volatile Object imageSettings;

    /** Lets execve start programs through {@code pool}, with images keyed by their files and {@code settings}. */
    public void poolExecs(EnginePool pool, Object settings) {
        execPool = pool;
        imageSettings = settings;
    }

    /** The pool execve starts programs through, or null. */
    public EnginePool execPool() {
        return execPool;
    }

    /** What besides the files shapes a pooled image in this machine (see Machine's imageSettings). */
    public Object imageSettings() {
        return imageSettings;
    }

    public dev.jlibos.core.cpu.CpuFactory cpus() {
        return cpus;
    }

    /**
     * Runs a process's first thread on the calling host thread and returns once the whole process has
     * ended (all its threads), released its resources and told its parent (SIGCHLD, wait4).
     */
    public void runProcess(GuestThread thread, long pc) {
        runThread(thread, pc);
        GuestProcess p = thread.process;
        while (true) {
            try {
                p.awaitEnd();
                return;
            } catch (InterruptedException e) {
                // A leftover interrupt meant for the guest thread (a signal, execve ending the other
                // threads) is not a reason to stop waiting; the watchdog's is: it has killed the process.
                if (p.exited()) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Runs one thread to its end on the calling host thread; the last thread of a process releases it
     * and reports its end, as do_exit does.
     */
    public void runThread(GuestThread thread, long pc) {
        GuestProcess p = thread.process;
        thread.runOn(Thread.currentThread());
        boolean last = true;
        try {
            last = thread.run(pc);
        } finally {
            Tracee.threadEnded(thread); // ptrace: a traced thread's own end, before its process's (if the run did not)
            if (last) {
                // Deterministic mode: the last thread still holds the baton, so its files close (EOF
                // on pipes), its parent learns of the end and the next turn starts in a fixed order.
                try {
                    p.release();
                    finish(p);
                } finally {
                    thread.leave();
                }
                p.markEnded();
            }
            // A thread's id is free once it ends; the leader's (the pid) stays taken until the reap.
            if (thread.tid() != p.pid) table.release(thread.tid());
            // This host thread's HostFs marshalling block (host memory, not heap): forked processes and
            // guest threads each run on a host thread of their own that ends here.
            if (p.fs() != null) p.fs().host.close();
        }
    }

    private void finish(GuestProcess p) {
        GuestProcess parent;
        synchronized (table.lock()) {
            p.markFinished();
            for (GuestProcess child : p.children) { // orphans: reparented to the namespace's init, reaped when they end
                child.orphaned();
                int deathSignal = child.prctl().parentDeathSignal();
                if (deathSignal != 0) { // PR_SET_PDEATHSIG
                    dev.jlibos.signals.SignalSender.send(child,
                            dev.jlibos.signals.SigInfo.fromProcess(deathSignal, 0, p.pid, 0));
                }
            }
            parent = p.parent();
            if (parent == null) table.forget(p);
        }
        // ptrace: a tracer that is not the parent is told first; the parent when the tracer has reaped it.
        if (parent != null && !Tracee.exitOwedToTracer(p)) tellParentOfEnd(p, parent);
        Tracee.processEnded(p); // ptrace: its tracees let go, its tracer told
    }

    /** SIGCHLD (CLD_EXITED/KILLED) to the parent of ended process {@code p}, whose wait is woken. */
    public void tellParentOfEnd(GuestProcess p, GuestProcess parent) {
        ExitStatus s = p.exitStatus();
        byte[] info = dev.jlibos.signals.SigInfo.childEnded(p.pid, p.credentials.ruid, s.signalled(),
                s.signalled() ? s.signal() : s.code());
        parent.signals().post(info);
        parent.signals().wake();
        // Interrupt the parent's user code only when it will run a handler.
        if (!parent.signals().ignored(dev.jlibos.signals.Signal.SIGCHLD)) {
            for (GuestThread t : parent.threads) t.cpu.requestStop();
        }
    }
}
