package dev.jlibos.vfs.proc;

import dev.jlibos.core.cpu.Cpu;

/**
 * A guest thread as vfs sees it (see {@link ProcProcess}): the caller of path lookups ({@code GuestPaths},
 * the sandbox walk) and of the synthetic trees, which /proc describes.
 */
public interface ProcTask {
    int tid();

    /** comm: the program's file name until PR_SET_NAME changes it. */
    String name();

    int nice();

    ProcProcess process();

    /** Its engine: /proc/cpuinfo reports the CPUID the guest sees. */
    Cpu cpu();

    boolean exiting();

    /**
     * Waits one host-poll slice (a few ms) before the caller asks the host again about something the host
     * cannot announce (a FIFO's other end opening): gives up the process's execution lock meanwhile and
     * fails with EINTR, as Linux's interruptible waits do, when a signal is deliverable or the thread
     * must exit.
     */
    void pauseForHost();

    /** Thread-directed pending signals (SigPnd) and the mask (SigBlk). */
    long pendingSignals();

    long blockedSignals();

    /** NoNewPrivs, Seccomp (the mode) and Seccomp_filters of /proc/PID/status. */
    default boolean noNewPrivileges() {
        return false;
    }

    default int seccompMode() {
        return 0;
    }

    default int seccompFilters() {
        return 0;
    }

    /** Parked in a ptrace stop: state 't' (tracing stop) in stat and status. */
    default boolean traceStopped() {
        return false;
    }

    /** The pid of the process tracing this thread (TracerPid), 0 if none. */
    default int tracerPid() {
        return 0;
    }

    /**
     * Fails with EACCES unless this thread may ptrace-attach to {@code target} (its own process always
     * may): what opening /proc/PID/mem asks.
     */
    default void requireAttachRight(ProcProcess target) {
        if (target != process()) throw dev.jlibos.core.Errno.EACCES.fail();
    }

    /** The machine this thread runs in: the other processes /proc lists. */
    ProcSystem system();
}
