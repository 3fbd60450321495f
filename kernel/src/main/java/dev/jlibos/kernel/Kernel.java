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
    private SignalHooks signals;
    private final long bootNanos = System.nanoTime();

    public Kernel(CpuFactory cpus, HostMemory hostMemory, KernelLog log, PrintStream strace) {
        this.cpus = cpus;
        this.hostMemory = hostMemory;
        this.log = log;
        this.strace = strace;
        this.dispatcher = new SyscallDispatcher(this, REGISTRY);
        this.signals = new dev.jlibos.kernel.signal.SignalDelivery();
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

    public void setSignals(SignalHooks signals) {
        this.signals = signals;
    }

    SyscallDispatcher dispatcher() {
        return dispatcher;
    }

    int allocatePid() {
        return nextPid.getAndIncrement();
    }

    /** Nanoseconds since this machine started, for CLOCK_BOOTTIME-like uses. */
    public long uptimeNanos() {
        return System.nanoTime() - bootNanos;
    }
}
