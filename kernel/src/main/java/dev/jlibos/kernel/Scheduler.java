package dev.jlibos.kernel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Preemption for multi-threaded guest processes: one daemon timer thread for the whole JVM checks, every
 * {@link #SLICE_MILLIS}, each process that has more than one thread. A thread that has held the
 * execution lock for a full slice while others wait for it hands it over at its next syscall; a thread
 * spinning in user code without syscalls is let go of after {@link #SPIN_SLICES} slices (see
 * {@link GuestProcess#preemptIfDue} for why that is the last resort). Single-threaded processes are
 * never watched and pay nothing.
 */
final class Scheduler {
    static final long SLICE_MILLIS = 5;
    /** Slices (1 s) a thread may hold the lock without a syscall while others wait before it is let go of. */
    static final int SPIN_SLICES = 200;

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
