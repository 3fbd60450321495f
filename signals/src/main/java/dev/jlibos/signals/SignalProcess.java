package dev.jlibos.signals;

import dev.jlibos.core.mem.AddressSpace;

import java.util.List;

/**
 * A guest process as the signal model sees it: the narrow interface through which delivery, job control,
 * sending and timers reach the kernel's process (which implements it), so that the model lives here and
 * not in the kernel.
 */
public interface SignalProcess {
    int pid();

    /** The process group, which kill(0) and kill(-pgid) address. */
    int pgid();

    /** The real uid: what si_uid reports for signals this process sends. */
    int ruid();

    /** Dispositions and process-directed pending signals (shared by the threads). */
    SignalState signals();

    AddressSpace memory();

    /** The live threads, oldest first (the leader before the others), as complete_signal walks them. */
    List<? extends SignalThread> threads();

    boolean exited();

    /** Ends the whole process as killed by {@code sig}; {@code faultAddress} is -1 unless a CPU fault. */
    void killedBy(int sig, long faultAddress);

    /** Stopped/continued state, with the reports wait owes the parent. */
    JobState job();

    /** The parent, or null (init's children, or the parent has been reaped). */
    SignalProcess parentProcess();

    /** ITIMER_REAL and the POSIX timers: per process, released when it exits. */
    ProcessTimers timers();

    /** Whether some thread is traced: then a stop signal is not acted on when generated, but delivered (ptrace). */
    default boolean traced() {
        for (SignalThread t : threads()) if (t.traced()) return true;
        return false;
    }
}
