package dev.jlibos.vfs.event;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * timerfd_create(2): expirations are counted from the host's monotonic time when asked (read, poll),
 * so the count is exact however late the reader is; a host timer only wakes waiters at each expiry.
 * Times here are System.nanoTime() values: the syscall layer converts the guest's clock (absolute
 * CLOCK_REALTIME settings are converted once, so later changes of the wall clock are not followed).
 */
public final class TimerFd extends AnonFile {
    public final int clock;
    /** Next expiry (nanoTime), 0 when disarmed; the interval, 0 for one-shot. */
    private long next, interval;
    private long ticks;
    private ScheduledFuture<?> wake;

    public TimerFd(int clock, int statusFlags) {
        super("[timerfd]", O_RDWR | statusFlags);
        this.clock = clock;
    }

    /** Counts expirations up to now. */
    private void update() {
        if (next == 0) return;
        long now = System.nanoTime();
        if (now - next < 0) return;
        if (interval > 0) {
            long n = (now - next) / interval + 1;
            ticks += n;
            next += n * interval;
        } else {
            ticks++;
            next = 0;
        }
    }

    /** {remaining, interval} in nanoseconds; {0, 0} when disarmed. */
    public synchronized long[] get() {
        update();
        return next == 0 ? new long[] {0, interval} : new long[] {Math.max(1, next - System.nanoTime()), interval};
    }

    /** Arms (delay > 0) or disarms the timer; returns the previous {remaining, interval}. */
    public synchronized long[] set(long delay, long interval) {
        long[] old = get();
        if (wake != null) wake.cancel(false);
        wake = null;
        ticks = 0;
        this.interval = interval;
        next = 0;
        if (delay > 0) {
            next = System.nanoTime() + delay;
            if (next == 0) next = 1;
            schedule();
        }
        return old;
    }

    private void schedule() {
        wake = dev.jlibos.core.HostTimers.SCHEDULER.schedule(this::fire, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        synchronized (this) {
            update();
            wake = null;
            if (next != 0 && !released()) schedule();
        }
        queue.wakeAll();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length < 8) throw Errno.EINVAL.fail();
        long n;
        synchronized (this) {
            update();
            if (ticks == 0) throw Errno.EAGAIN.fail();
            n = ticks;
            ticks = 0;
        }
        Longs.put(buffer, offset, n, 8);
        return 8;
    }

    /** Read through read_iter (FMODE_NOWAIT); no write at all. */
    @Override
    public int rwFlags(boolean write) {
        return write ? dev.jlibos.core.abi.Rwf.KNOWN : dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    @Override
    public synchronized int pollEvents() {
        update();
        return ticks > 0 ? Poll.IN : 0;
    }

    @Override
    protected synchronized void release() {
        if (wake != null) wake.cancel(false);
        wake = null;
        next = 0;
    }
}
