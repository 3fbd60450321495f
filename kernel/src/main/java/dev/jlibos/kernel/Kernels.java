package dev.jlibos.kernel;

import dev.jlibos.core.cpu.CpuFactory;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.host.syscall.LibcHostSyscalls;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.KernelLog;
import dev.jlibos.kernel.sys.HostOffload;
import dev.jlibos.kernel.syscall.SyscallDispatcher;
import dev.jlibos.syscalls.trace.SyscallListener;

import java.io.PrintStream;

/**
 * Builds a {@link Kernel} wired to the one registry of {@link Families}: the process model below does not
 * know the dispatcher or the families, so the wiring that lists them assembles it.
 */
public final class Kernels {
    private Kernels() {
    }

    /**
     * @param traceListener receives every syscall of every process of this machine, or null
     * @param path          HOOK: every syscall traps into Java; SHIM: the vDSO serves the clock calls;
     *                      TRAP: every syscall stops and restarts the engine
     */
    public static Kernel create(CpuFactory cpus, HostMemory hostMemory, KernelLog log, PrintStream strace,
                                SyscallListener traceListener, SyscallPath path) {
        HostOffload offload = new HostOffload(LibcHostSyscalls.INSTANCE);
        return new Kernel(cpus, hostMemory, log, path == SyscallPath.SHIM ? VdsoSupport.get() : null,
                path == SyscallPath.TRAP,
                kernel -> new SyscallDispatcher(kernel, Families.registry(), offload, strace, traceListener));
    }

    /** A kernel on the hook path with no trace listener (benchmarks, tests). */
    public static Kernel create(CpuFactory cpus, HostMemory hostMemory, KernelLog log, PrintStream strace) {
        return create(cpus, hostMemory, log, strace, null, SyscallPath.HOOK);
    }
}
