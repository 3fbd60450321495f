package dev.jlibos.signals;

import dev.jlibos.core.Errno;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A process's timers: ITIMER_REAL (alarm, setitimer) and its POSIX timers (timer_create). They belong
 * to the process object, so they end with it instead of living in a static map keyed by process.
 */
public final class ProcessTimers {
    /** Linux's per-process timer ids are small ints; the limit here is a sanity bound (EAGAIN past it). */
    private static final int MAX_TIMERS = 4096;

    private IntervalTimer real;
    private final Map<Integer, PosixTimer> posix = new HashMap<>();

    /** ITIMER_REAL, created disarmed on first use. */
    public synchronized IntervalTimer real() {
        if (real == null) real = new IntervalTimer();
        return real;
    }

    /**
     * Creates a POSIX timer under the lowest free id; {@code create} makes it from its id (and may fail,
     * e.g. with EFAULT writing the id back, before the timer exists).
     */
    public synchronized PosixTimer add(IntFunction<PosixTimer> create) {
        int id = 0;
        while (posix.containsKey(id)) id++;
        if (id >= MAX_TIMERS) throw Errno.EAGAIN.fail();
        PosixTimer timer = create.apply(id);
        posix.put(id, timer);
        return timer;
    }

    /** The POSIX timer with this id; EINVAL if there is none. */
    public synchronized PosixTimer posix(int id) {
        PosixTimer timer = posix.get(id);
        if (timer == null) throw Errno.EINVAL.fail();
        return timer;
    }

    /** timer_delete: EINVAL if there is no such timer. */
    public void delete(int id) {
        PosixTimer timer;
        synchronized (this) {
            timer = posix.remove(id);
        }
        if (timer == null) throw Errno.EINVAL.fail();
        timer.cancel();
    }

    /** execve: POSIX timers do not survive it (ITIMER_REAL does). */
    public void releasePosix() {
        PosixTimer[] timers;
        synchronized (this) {
            timers = posix.values().toArray(new PosixTimer[0]);
            posix.clear();
        }
        for (PosixTimer t : timers) t.cancel();
    }

    /** The process has exited: every timer stops. */
    public void releaseAll() {
        IntervalTimer r;
        synchronized (this) {
            r = real;
            real = null;
        }
        if (r != null) r.cancel();
        releasePosix();
    }
}
