package dev.jlibos.signals;

import dev.jlibos.core.HostTimers;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * ITIMER_REAL (setitimer, alarm): a host timer that posts SIGALRM and interrupts the guest CPU so the
 * signal is delivered even while the guest runs user code without making syscalls.
 */
public final class IntervalTimer {
    private ScheduledFuture<?> next;
    private long deadline;
    private long interval;

    /** Remaining time and interval of the current setting, in nanoseconds ({0, 0} when disarmed). */
    public synchronized long[] get() {
        if (next == null || next.isDone() && interval == 0) return new long[] {0, 0};
        return new long[] {Math.max(1, deadline - System.nanoTime()), interval};
    }

    /** Arms (value > 0) or disarms (value == 0) the timer; returns the previous setting. */
    public synchronized long[] set(SignalProcess process, long value, long interval) {
        long[] old = get();
        if (next != null) next.cancel(false);
        next = null;
        this.interval = interval;
        if (value > 0) schedule(process, value);
        return old;
    }

    private void schedule(SignalProcess process, long delay) {
        deadline = System.nanoTime() + delay;
        next = HostTimers.SCHEDULER.schedule(() -> fire(process), delay, TimeUnit.NANOSECONDS);
    }

    private synchronized void fire(SignalProcess process) {
        if (process.exited()) return;
        // Process-directed: any thread not blocking SIGALRM takes it; its CPU is stopped to deliver it.
        SignalSender.post(process, SigInfo.basic(Signal.SIGALRM, SigInfo.SI_KERNEL), false);
        if (interval > 0) schedule(process, interval);
        else next = null;
    }

    public void cancel() {
        set(null, 0, 0);
    }
}
