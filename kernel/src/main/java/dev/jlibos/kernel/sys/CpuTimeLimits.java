package dev.jlibos.kernel.sys;

import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.signals.CpuLimitSampler;

/** RLIMIT_CPU set by the guest (setrlimit, prlimit64): the machine's {@link CpuLimitSampler} enforces it. */
public final class CpuTimeLimits {
    private CpuTimeLimits() {
    }

    /** Called after {@code caller}'s process changed RLIMIT_CPU. */
    public static void limitChanged(GuestThread caller) {
        GuestProcess p = caller.process;
        if (!CpuLimitSampler.limited(p.limits)) return;
        if (!CpuLimitSampler.supported()) {
            caller.kernel().log().once("RLIMIT_CPU is not enforced: this JVM has no per-thread CPU time");
            return;
        }
        Kernel kernel = caller.kernel();
        // One sampler per machine, ending with it.
        kernel.machineState(CpuLimitSampler.class,
                () -> new CpuLimitSampler(kernel::processes, q -> ((GuestProcess) q).limits)).watch(p);
    }
}
