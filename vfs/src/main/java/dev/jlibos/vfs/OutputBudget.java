package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a machine's guests may still write to its stdout and stderr, all processes together: an endless
 * printer is stopped before it fills the embedder's memory or the user's disk. Past the budget a write is cut
 * short, and the next fails with EFBIG, on which the syscall layer raises SIGXFSZ: RLIMIT_FSIZE's contract,
 * the nearest Linux has for "this output may not grow".
 */
public final class OutputBudget {
    private final AtomicLong left;
    private final Runnable onExhausted;

    /** {@code onExhausted}: told at every refused write (the machine's log line and exceeded-limit record). */
    public OutputBudget(long bytes, Runnable onExhausted) {
        this.left = new AtomicLong(bytes);
        this.onExhausted = onExhausted;
    }

    /** How many of {@code count} bytes may be written (all, or what is left); EFBIG when nothing is. */
    int admit(int count) {
        while (true) {
            long now = left.get();
            if (now <= 0) {
                onExhausted.run();
                throw Errno.EFBIG.fail();
            }
            int granted = (int) Math.min(count, now);
            if (left.compareAndSet(now, now - granted)) return granted;
        }
    }

    /** Gives back what a write was granted but did not write (a short or failed host write). */
    void refund(int bytes) {
        if (bytes > 0) left.addAndGet(bytes);
    }
}
