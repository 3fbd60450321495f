package dev.jlibos.core;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The JVM-wide timer thread that fires guest timers (alarm/setitimer, POSIX timers, timerfd) and samples
 * CPU-time limits: one daemon thread for every machine, so a guest's timers cost no host thread of their
 * own. Tasks run here must only post a signal, wake a waiter or kill a process; anything that could block
 * would delay every other guest's timers.
 */
public final class HostTimers {
    public static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jlibos-timers");
        t.setDaemon(true);
        return t;
    });

    static {
        SCHEDULER.setRemoveOnCancelPolicy(true); // disarmed timers do not pile up in the queue
    }

    private HostTimers() {
    }
}
