package dev.jlibos.kernel.signal;

import dev.jlibos.kernel.GuestThread;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * ITIMER_REAL (setitimer, alarm): a host timer that posts SIGALRM and interrupts the guest CPU so the
 * signal is delivered even while the guest runs user code without making syscalls.
 */
final class IntervalTimer {
    private ScheduledFuture<?> next;
    private long deadline;
    private long interval;

    /** Remaining time and interval of the current setting, in nanoseconds ({0, 0} when disarmed). */
    synchronized long[] get() {
        if (next == null || next.isDone() && interval == 0) return new long[] {0, 0};
        return new long[] {Math.max(1, deadline - System.nanoTime()), interval};
    }

    /** Arms (value > 0) or disarms (value == 0) the timer; returns the previous setting. */
    synchronized long[] set(GuestThread thread, long value, long interval) {
        long[] old = get();
        if (next != null) next.cancel(false);
        next = null;
        this.interval = interval;
        if (value > 0) schedule(thread, value);
        return old;
    }

    private void schedule(GuestThread thread, long delay) {
        deadline = System.nanoTime() + delay;
        next = dev.jlibos.core.HostTimers.SCHEDULER.schedule(() -> fire(thread), delay, TimeUnit.NANOSECONDS);
    }

    private synchronized void fire(GuestThread thread) {
        if (thread.process.exited()) return;
        // Process-directed: any thread not blocking SIGALRM takes it; its CPU is stopped to deliver it.
        SignalCalls.post(thread.process, SigInfo.basic(Signal.SIGALRM, SigInfo.SI_KERNEL), false);
        if (interval > 0) schedule(thread, interval);
        else next = null;
    }

    void cancel() {
        set(null, 0, 0);
    }
}
