package dev.jlibos.kernel.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Preemption for multi-threaded guest processes: one daemon timer thread for the whole JVM checks, every
 * {@link #SLICE_MILLIS}, each process that has more than one thread. A thread that has held the
 * execution lock for a full slice while others wait for it hands it over at its next syscall, or, if it
 * makes none (a loop in user code), when its engine is stopped at a block boundary one slice later
 * (see {@link GuestProcess#preemptIfDue}). Single-threaded processes are never watched.
 */
final class Scheduler {
    static final long SLICE_MILLIS = 5;

    private static final Set<GuestProcess> WATCHED = ConcurrentHashMap.newKeySet();
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jlibos-scheduler");
        t.setDaemon(true);
        return t;
    });
    private static ScheduledFuture<?> ticking;

    private Scheduler() {
    }

    static synchronized void watch(GuestProcess p) {
        WATCHED.add(p);
        if (ticking == null) {
            ticking = TIMER.scheduleAtFixedRate(Scheduler::tick, SLICE_MILLIS, SLICE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    static synchronized void forget(GuestProcess p) {
        if (WATCHED.remove(p) && WATCHED.isEmpty() && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    private static void tick() {
        for (GuestProcess p : WATCHED) p.preemptIfDue();
    }
}
