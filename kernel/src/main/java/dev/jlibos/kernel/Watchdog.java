package dev.jlibos.kernel;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Enforces a wall-clock limit on a guest: at the deadline the process dies as if sent SIGKILL. */
final class Watchdog {
    private static final int SIGKILL = 9;
    private static final ScheduledExecutorService TIMER = timer();

    private final ScheduledFuture<?> task;

    private Watchdog(ScheduledFuture<?> task) {
        this.task = task;
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "jlibos-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    static Watchdog start(Kernel kernel, Duration limit) {
        Thread guestThread = Thread.currentThread();
        return new Watchdog(TIMER.schedule(() -> {
            // exit() stops every engine (uc_emu_stop is safe from another thread); the interrupt wakes a
            // guest blocked in a host read or sleep.
            for (GuestProcess p : kernel.processes()) {
                if (!p.exited()) kernel.limitExceeded(Limit.TIMEOUT); // not a guest that had just ended
                p.exit(ExitStatus.killed(SIGKILL, -1));
                p.signals.wake();
            }
            guestThread.interrupt();
        }, limit.toNanos(), TimeUnit.NANOSECONDS));
    }

    void cancel() {
        task.cancel(false);
        Thread.interrupted(); // clear a late interrupt so it does not leak into the caller
    }
}
