package dev.jlibos.kernel.process;

import dev.jlibos.core.Blocking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The futex wait queues of one process, keyed by the futex word's guest address. Private and shared
 * futexes are keyed alike, so a shared futex on MAP_SHARED memory works between the threads of one
 * process but not between processes (each process has its own table; see README Quirks).
 *
 * <p>Queues change only under the process's execution lock (futex calls, thread exit), so they need no
 * lock of their own; a waiter sleeps on its own monitor with the execution lock released.
 */
public final class FutexTable {
    /** One sleeping thread. */
    public static final class Waiter {
        final GuestThread thread;
        final int bitset;
        long key;
        /** Dequeued by a waker: counts as woken even before the notification ({@link #markWoken}). */
        private boolean woken;
        /** The sleeper may go on: set with the notification, read by its spin without the monitor. */
        private volatile boolean notified;

        Waiter(GuestThread thread, long key, int bitset) {
            this.thread = thread;
            this.key = key;
            this.bitset = bitset;
        }

        public synchronized void wake() {
            woken = true;
            notified = true;
            notifyAll();
        }

        /** The first half of a deferred {@link #wake}: it counts as woken (timeouts and cancels see it) ... */
        synchronized void markWoken() {
            woken = true;
        }

        /** ... and the second half, once the waker has released the execution lock the sleeper needs. */
        synchronized void notifyWoken() {
            notified = true;
            notifyAll();
        }

        public synchronized boolean woken() {
            return woken;
        }

        /**
         * Sleeps until notified, the deadline ({@link System#nanoTime}) passes, or the host thread is
         * interrupted (a signal, the process's end); true if woken. A short spin first catches a wake
         * that comes within µs (a ping-pong between threads) without a host sleep (see HandOffSpin).
         */
        public boolean await(long deadline) throws InterruptedException {
            if (deadline - System.nanoTime() > dev.jlibos.core.HandOffSpin.SPIN_NANOS
                    && dev.jlibos.core.HandOffSpin.spinUntil(() -> notified)) {
                return true;
            }
            synchronized (this) {
                while (!notified) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return woken;
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                }
                return true;
            }
        }
    }

    private final Map<Long, List<Waiter>> queues = new HashMap<>();

    public Waiter enqueue(GuestThread thread, long key, int bitset) {
        Waiter w = new Waiter(thread, key, bitset);
        queues.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
        return w;
    }

    public void remove(Waiter w) {
        List<Waiter> q = queues.get(w.key);
        if (q != null && q.remove(w) && q.isEmpty()) queues.remove(w.key);
    }

    /**
     * Sleeps with the execution lock released; true if woken, false on timeout. Throws
     * InterruptedException when the host thread was interrupted; the waiter is dequeued either way
     * unless it was woken (then the waker already did).
     */
    public boolean sleep(Waiter w, long nanos) throws InterruptedException {
        long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
        try {
            return Blocking.run(() -> w.await(deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline));
        } finally {
            if (!w.woken()) remove(w);
        }
    }

    /** Wakes up to {@code count} waiters on {@code key} whose bitset meets {@code bitset}; returns how many. */
    public int wake(long key, int count, int bitset) {
        List<Waiter> q = queues.get(key);
        if (q == null) return 0;
        int n = 0;
        for (Iterator<Waiter> it = q.iterator(); it.hasNext() && n < count; ) {
            Waiter w = it.next();
            if ((w.bitset & bitset) == 0) continue;
            it.remove();
            wakeOne(w);
            n++;
        }
        if (q.isEmpty()) queues.remove(key);
        return n;
    }

    /**
     * Wakes one dequeued waiter. The waker holds the execution lock, which the sleeper needs before it can
     * do anything; notified now, it would wake, find the lock taken and sleep again on the lock's queue (two
     * more host futex calls per hand-off, measured by bench --macro's futex ping-pong). So the process
     * defers the notification to the moment the waker releases the lock (see GuestProcess#deferWake).
     */
    private static void wakeOne(Waiter w) {
        GuestProcess p = w.thread.process;
        if (!p.deferWake(w)) w.wake();
        p.madeReady(w.thread); // deterministic mode: its turn comes in wake order
    }

    /** Whether any thread sleeps on {@code key} (PI futexes keep FUTEX_WAITERS set while one does). */
    public boolean hasWaiters(long key) {
        return queues.containsKey(key);
    }

    /** FUTEX_UNLOCK_PI's hand-off: dequeues and wakes the first waiter on {@code key}; null if none. */
    public GuestThread wakeFirst(long key) {
        List<Waiter> q = queues.get(key);
        if (q == null) return null;
        Waiter w = q.remove(0);
        if (q.isEmpty()) queues.remove(key);
        wakeOne(w);
        return w.thread;
    }

    /** Wakes up to {@code wake} waiters on {@code from} and moves up to {@code move} others to {@code to}. */
    public int requeue(long from, long to, int wake, int move) {
        int n = wake(from, wake, -1);
        List<Waiter> q = queues.get(from);
        if (q == null || from == to) return n;
        int moved = 0;
        for (Iterator<Waiter> it = q.iterator(); it.hasNext() && moved < move; ) {
            Waiter w = it.next();
            it.remove();
            w.key = to;
            queues.computeIfAbsent(to, k -> new ArrayList<>()).add(w);
            moved++;
        }
        if (q.isEmpty()) queues.remove(from);
        return n + moved;
    }
}
