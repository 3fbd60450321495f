package dev.jlibos.kernel;

import dev.jlibos.core.cpu.CpuExit;

/**
 * Signal delivery without handlers: a fault ends the process with the fault's signal, as it would with
 * the default action. Replaced by the full signal implementation when it is installed.
 */
final class DefaultSignalHooks implements SignalHooks {
    @Override
    public void afterSyscall(GuestThread thread) {
    }

    @Override
    public void onFault(GuestThread thread, CpuExit fault) {
        if (fault.kind() == CpuExit.Kind.ENGINE_ERROR) {
            thread.kernel().log().error("engine error at 0x" + Long.toHexString(fault.address()) + ": " + fault.detail(), null);
        }
        FaultSignals s = FaultSignals.of(fault);
        thread.process.exit(ExitStatus.killed(s.signal(), s.address()));
    }
}
