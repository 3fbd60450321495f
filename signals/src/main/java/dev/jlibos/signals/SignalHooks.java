package dev.jlibos.signals;

import dev.jlibos.core.cpu.CpuExit;

/**
 * Where the kernel hands control to signal delivery: after every syscall (pending signals are delivered
 * on the way back to user mode, as in Linux) and when the CPU faults.
 */
public interface SignalHooks {
    /** Delivers pending, unblocked signals to {@code thread} before it returns to user code. */
    void afterSyscall(SignalThread thread);

    /** The CPU was stopped from outside (a signal arrived while the guest ran user code): deliver it. */
    void onInterrupted(SignalThread thread);

    /** Turns a CPU fault into its signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) for {@code thread}. */
    void onFault(SignalThread thread, CpuExit fault);
}
