package dev.jlibos.signals;

/**
 * A process's job-control state (see {@link JobControl}), guarded by this object's monitor, on which
 * stopped threads park: whether the process is stopped, the stop signal not yet reported to wait
 * (0: none), and whether a continuation is waiting to be reported (WCONTINUED).
 */
public final class JobState {
    /** Volatile: the syscall return path reads it on every call without taking the monitor. */
    private volatile boolean stopped;
    private int stopReport;
    /** The signal that stopped the process (kept after wait reported it: a tracer that seizes it needs it). */
    private volatile int stopSignal;
    /** How many times the process has stopped: a tracee reports each group-stop once (ptrace). */
    private volatile int stops;
    private boolean continuedReport;

    public boolean stopped() {
        return stopped;
    }

    /** How many stops the process has had, the current one included. */
    public int stops() {
        return stops;
    }

    /** The signal of the current (or last) stop. */
    public int stopSignal() {
        return stopSignal;
    }

    /** Marks the process stopped by {@code sig}; false if it already was. */
    synchronized boolean stop(int sig) {
        if (stopped) return false;
        stopped = true;
        stopReport = sig;
        stopSignal = sig;
        stops++;
        continuedReport = false;
        return true;
    }

    /** Marks it continued and wakes its parked threads; false if it was not stopped. */
    synchronized boolean resume() {
        if (!stopped) return false;
        stopped = false;
        stopReport = 0;
        continuedReport = true;
        notifyAll();
        return true;
    }

    /**
     * The stop signal wait has not reported yet, or 0; {@code consume} clears it (wait without WNOWAIT).
     * A dying process is not reported as stopped: its end is what counts.
     */
    public synchronized int stopReport(boolean dying, boolean consume) {
        if (!stopped || stopReport == 0 || dying) return 0;
        int sig = stopReport;
        if (consume) stopReport = 0;
        return sig;
    }

    /** Whether a continuation awaits its report; {@code consume} clears it. */
    public synchronized boolean continuedReport(boolean consume) {
        boolean r = continuedReport;
        if (consume) continuedReport = false;
        return r;
    }

    /** Wakes parked threads so they see the process dying (SIGKILL of a stopped process). */
    public synchronized void wakeParked() {
        notifyAll();
    }

    /** Parks until the process is no longer stopped or {@code done} says to give up. */
    synchronized void awaitContinued(java.util.function.BooleanSupplier done) throws InterruptedException {
        while (stopped && !done.getAsBoolean()) wait();
    }
}
