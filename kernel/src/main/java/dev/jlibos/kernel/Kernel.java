package dev.jlibos.kernel;

import dev.jlibos.core.cpu.CpuFactory;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.kernel.syscall.SyscallDispatcher;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.kernel.sys.Families;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state one guest "machine" shares across its processes: pid namespace, syscall table, engine and
 * memory factories, logging and tracing. Independent machines may run in one JVM at the same time.
 */
public final class Kernel {
    /** The first pid of the guest's own pid namespace (see README Quirks: not the host's pids). */
    public static final int FIRST_PID = 1000;

    private static final SyscallRegistry REGISTRY = new SyscallRegistry(Families.all());

    final CpuFactory cpus;
    final HostMemory hostMemory;
    private final KernelLog log;
    private final PrintStream strace;
    private final AtomicInteger nextPid = new AtomicInteger(FIRST_PID);
    private final SyscallDispatcher dispatcher;
    private final SignalHooks signals;
    private final long bootNanos = System.nanoTime();
    /** The vDSO every address space gets on the shim path; null on the hook path. */
    private final dev.jlibos.kml.Vdso vdso;
    /** Guards the process tree (parents, children, the table). */
    public final Object processLock = new Object();
    private final java.util.Map<Integer, GuestProcess> processes = new java.util.concurrent.ConcurrentHashMap<>();

    public Kernel(CpuFactory cpus, HostMemory hostMemory, KernelLog log, PrintStream strace) {
        this(cpus, hostMemory, log, strace, SyscallPath.HOOK);
    }

    public Kernel(CpuFactory cpus, HostMemory hostMemory, KernelLog log, PrintStream strace, SyscallPath path) {
        this.vdso = path == SyscallPath.SHIM ? VdsoSupport.get() : null;
        this.cpus = cpus;
        this.hostMemory = hostMemory;
        this.log = log;
        this.strace = strace;
        this.dispatcher = new SyscallDispatcher(this, REGISTRY);
        this.signals = new dev.jlibos.kernel.signal.SignalDelivery();
    }

    /** The vDSO mapped into every address space (shim path), or null (hook path). */
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

    public static SyscallRegistry registry() {
        return REGISTRY;
    }

    public HostMemory hostMemory() {
        return hostMemory;
    }

    public KernelLog log() {
        return log;
    }

    /** Where --strace lines go, or null when tracing is off. */
    public PrintStream strace() {
        return strace;
    }

    public SignalHooks signals() {
        return signals;
    }

    SyscallDispatcher dispatcher() {
        return dispatcher;
    }

    public int allocatePid() {
        return nextPid.getAndIncrement();
    }

    public java.util.Collection<GuestProcess> processes() {
        return processes.values();
    }

    public GuestProcess process(int pid) {
        return processes.get(pid);
    }

    public void register(GuestProcess p) {
        processes.put(p.pid, p);
    }

    /** Wires a thread's CPU to the syscall dispatcher. */
    public void bind(GuestThread thread) {
        thread.cpu.setEvents(c -> dispatcher.dispatch(thread));
    }

    public dev.jlibos.core.cpu.CpuFactory cpus() {
        return cpus;
    }

    /**
     * Runs a process's (only) thread to completion on the calling host thread, then releases its
     * resources and reports its end to its parent (SIGCHLD, wait4), as do_exit does.
     */
    public void runProcess(GuestThread thread, long pc) {
        GuestProcess p = thread.process;
        thread.hostThread = Thread.currentThread();
        try {
            thread.run(pc);
        } finally {
            p.release();
            finish(p);
        }
    }

    private void finish(GuestProcess p) {
        GuestProcess parent;
        synchronized (processLock) {
            p.finished = true;
            for (GuestProcess child : p.children) { // orphans: reparented to the namespace's init, reaped when they end
                child.parent = null;
                child.ppid = 1;
                if (child.parentDeathSignal != 0) { // PR_SET_PDEATHSIG
                    child.signals.post(dev.jlibos.signals.SigInfo.fromProcess(child.parentDeathSignal, 0, p.pid, 0));
                    for (GuestThread t : child.threads) t.interrupt();
                }
            }
            parent = p.parent;
            if (parent == null) processes.remove(p.pid);
        }
        if (parent != null) {
            ExitStatus s = p.exitStatus();
            byte[] info = dev.jlibos.signals.SigInfo.childEnded(p.pid, p.credentials.ruid, s.signalled(),
                    s.signalled() ? s.signal() : s.code());
            parent.signals.post(info);
            parent.signals.wake();
            // Interrupt the parent's user code only when it will run a handler.
            if (!parent.signals.ignored(dev.jlibos.signals.Signal.SIGCHLD)) {
                for (GuestThread t : parent.threads) t.cpu.stop();
            }
        }
    }

    /** Removes a reaped zombie. */
    public void forget(GuestProcess p) {
        processes.remove(p.pid);
    }

    /** Nanoseconds since this machine started, for CLOCK_BOOTTIME-like uses. */
    public long uptimeNanos() {
        return System.nanoTime() - bootNanos;
    }
}
