package dev.jlibos.core.abi;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;

/**
 * struct timespec, struct itimerspec and struct timeval in guest memory, as nanoseconds in Java. Every
 * family that takes a timeout or a timer setting reads them here, so the validation (EINVAL for an
 * out-of-range field, as Linux's timespec64_valid) is the same everywhere.
 */
public final class Timespec {
    public static final long NANOS = 1_000_000_000L;
    private static final long MICROS = 1_000L;

    private Timespec() {
    }

    /** Reads a struct timespec; EINVAL if tv_nsec is out of range or tv_sec negative (as nanosleep). */
    public static long read(AddressSpace m, long address) {
        long sec = m.readLong(address), nsec = m.readLong(address + 8);
        if (nsec < 0 || nsec >= NANOS || sec < 0) throw Errno.EINVAL.fail();
        if (sec > Long.MAX_VALUE / NANOS - 1) return Long.MAX_VALUE;
        return sec * NANOS + nsec;
    }

    /**
     * One timespec of a struct itimerspec: EINVAL for a negative or out-of-range value; a huge one is
     * clamped to half the range so that adding it to a clock reading cannot overflow.
     */
    public static long readItimerspecPart(AddressSpace m, long address) {
        long sec = m.readLong(address), nsec = m.readLong(address + 8);
        if (sec < 0 || nsec < 0 || nsec >= NANOS) throw Errno.EINVAL.fail();
        return sec > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE / 2 : sec * NANOS + nsec;
    }

    /** Writes a struct timespec; a negative time keeps tv_nsec in [0, 1e9) as Linux's does. */
    public static void write(AddressSpace m, long address, long nanos) {
        m.writeLong(address, Math.floorDiv(nanos, NANOS));
        m.writeLong(address + 8, Math.floorMod(nanos, NANOS));
    }

    /**
     * struct itimerspec (it_interval, then it_value) from {value, interval} in ns, written in one piece
     * (EFAULT before any byte changes): timer_settime/gettime and timerfd_settime/gettime share it.
     */
    public static void writeItimerspec(AddressSpace m, long address, long[] valueAndInterval) {
        byte[] b = new byte[32];
        Longs.put(b, 0, valueAndInterval[1] / NANOS, 8);
        Longs.put(b, 8, valueAndInterval[1] % NANOS, 8);
        Longs.put(b, 16, valueAndInterval[0] / NANOS, 8);
        Longs.put(b, 24, valueAndInterval[0] % NANOS, 8);
        m.write(address, b);
    }

    /** Reads a struct timeval (setitimer's); EINVAL for a negative field or tv_usec out of range. */
    public static long readTimeval(AddressSpace m, long address) {
        long sec = m.readLong(address), usec = m.readLong(address + 8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000) throw Errno.EINVAL.fail();
        return sec * NANOS + usec * MICROS;
    }

    /** struct itimerval (it_interval, then it_value, each a timeval) from {value, interval} in ns. */
    public static void writeItimerval(AddressSpace m, long address, long[] valueAndInterval) {
        long value = valueAndInterval[0], interval = valueAndInterval[1];
        m.writeLong(address, interval / NANOS);
        m.writeLong(address + 8, (interval % NANOS) / MICROS);
        m.writeLong(address + 16, value / NANOS);
        m.writeLong(address + 24, (value % NANOS) / MICROS);
    }
}
