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
 * 0 turns it off).
 */
public final class HandOffSpin {
    /** Upper bound of one spin, in ns. */
    public static final long SPIN_NANOS = Math.max(0, Long.getLong("jlibos.handoffSpinNanos", 30_000L));
    private static final boolean ENABLED = SPIN_NANOS > 0 && Runtime.getRuntime().availableProcessors() > 1;

    private HandOffSpin() {
    }

    /** Spins until {@code ready} or the spin budget is spent; returns {@code ready}'s last answer. */
    public static boolean spinUntil(BooleanSupplier ready) {
        if (ready.getAsBoolean()) return true;
        if (!ENABLED) return false;
        long end = System.nanoTime() + SPIN_NANOS;
        while (true) {
            for (int i = 0; i < 64; i++) {
                if (ready.getAsBoolean()) return true;
                Thread.onSpinWait();
            }
            if (System.nanoTime() - end >= 0 || Thread.currentThread().isInterrupted()) return ready.getAsBoolean();
        }
    }
}
