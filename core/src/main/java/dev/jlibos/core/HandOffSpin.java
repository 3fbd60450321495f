package dev.jlibos.core;

import java.util.function.BooleanSupplier;

/**
 * A short busy-wait before a blocked guest thread goes to sleep in the host kernel.
 *
 * <p>Why: a guest hand-off (a pipe write that a reader waits for, a futex wake) is served inside this
 * JVM, so the waiter could see it without the host kernel's help; parking the waiter instead costs a
 * host futex wait, a wake from the waker, and a context switch on each side. On these VMs one host
 * futex call costs 1-2 µs and a wake-up tens of µs, so a two-thread or two-process ping-pong spent
 * more time in the host scheduler than in guest code. A waiter that spins for a few µs catches the
 * hand-offs that come quickly and parks for the rest, as glibc's adaptive mutexes and HotSpot's
 * monitors do. With one CPU, spinning only delays the thread that would make the condition true, so
 * there is none.
 *
 * <p>The spin lasts at most {@link #SPIN_NANOS} (system property {@code jlibos.handoffSpinNanos};
 * 0 turns it off), and adapts: on a machine whose other CPUs are busy (a shared VM under load) the
 * thread that would make the condition true cannot run while the waiter spins, so every spin times out
 * and only adds its length to the hand-off (measured: a futex ping-pong went from 20 µs to 75-80 µs per
 * round trip with a fixed 30 µs spin and one CPU taken). A spin that times out halves the budget, one
 * that succeeds restores it; below {@link #MIN_NANOS} waits park at once, and one in
 * {@link #PROBE_EVERY} spins the full budget to notice when CPUs are free again.
 */
public final class HandOffSpin {
    /** Upper bound of one spin, in ns. */
    public static final long SPIN_NANOS = Math.max(0, Long.getLong("jlibos.handoffSpinNanos", 30_000L));
    private static final boolean ENABLED = SPIN_NANOS > 0 && Runtime.getRuntime().availableProcessors() > 1;
    /** A budget below this is not worth a spin. */
    static final long MIN_NANOS = 1_000;
    /** With the budget below MIN_NANOS, one wait in this many (a power of two) probes with the full budget. */
    static final int PROBE_EVERY = 16;

    /** The current spin budget, shared by all waiters: updates race harmlessly (it is only a hint). */
    private static volatile long budget = SPIN_NANOS;
    private static final java.util.concurrent.atomic.AtomicInteger unspunWaits = new java.util.concurrent.atomic.AtomicInteger();

    private HandOffSpin() {
    }

    /** Spins until {@code ready} or the spin budget is spent; returns {@code ready}'s last answer. */
    public static boolean spinUntil(BooleanSupplier ready) {
        if (ready.getAsBoolean()) return true;
        if (!ENABLED) return false;
        long before = budget, spin = before;
        if (spin < MIN_NANOS) {
            if ((unspunWaits.incrementAndGet() & (PROBE_EVERY - 1)) != 0) return false;
            spin = SPIN_NANOS; // a probe: a failed one leaves the budget where it was
        }
        long end = System.nanoTime() + spin;
        while (true) {
            for (int i = 0; i < 64; i++) {
                if (ready.getAsBoolean()) {
                    budget = SPIN_NANOS;
                    return true;
                }
                Thread.onSpinWait();
            }
            if (System.nanoTime() - end >= 0 || Thread.currentThread().isInterrupted()) {
                boolean done = ready.getAsBoolean();
                budget = done ? SPIN_NANOS : Math.min(before, spin / 2);
                return done;
            }
        }
    }
}
