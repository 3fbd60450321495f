package dev.jlibos.signals;

import dev.jlibos.core.cpu.Cpu;

/** A guest thread as the signal model sees it (see {@link SignalProcess}). */
public interface SignalThread {
    SignalProcess process();

    /** The thread id, which tgkill and tkill address. */
    int tid();

    /** Mask, thread-directed pending signals, alternate stack. */
    ThreadSignals signals();

    /** The engine: its registers get the handler frame, and it is asked to stop to take a signal. */
    Cpu cpu();

    /** The host thread emulating it (null before it starts): timers charge its CPU time. */
    Thread hostThread();

    /** exit(2) of this thread alone is under way. */
    boolean exiting();

    /**
     * Deterministic mode: whether a guest thread has queued this (sleeping) thread's next turn, so its
     * wait must end and come back for it; clears the flag. Called with the process's signal state held.
     */
    default boolean takeKick() {
        return false;
    }

    /** As {@link #takeKick} without clearing: for a spin outside the monitor. */
    default boolean kicked() {
        return false;
    }

    /** Stops the engine at its next block boundary and wakes the host thread from a blocking wait. */
    void interrupt();

    // ptrace (the kernel's Tracee): a traced thread reports its signals and stops to its tracer first.

    /** Whether a tracer is attached to this thread. */
    default boolean traced() {
        return false;
    }

    /** Signal-delivery-stop: the siginfo to deliver after the tracer saw it, or null if it suppressed it. */
    default byte[] traceSignal(byte[] info) {
        return info;
    }

    /** Group-stop of a traced thread: reported to the tracer, which decides when the thread goes on. */
    default void traceGroupStop(int sig) {
    }

    /** At a point where a tracee may stop: the stop PTRACE_INTERRUPT asked for. */
    default void traceCheckpoint() {
    }
}
