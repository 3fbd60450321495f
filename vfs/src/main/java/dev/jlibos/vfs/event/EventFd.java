package dev.jlibos.vfs.event;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * eventfd(2): a 64-bit counter. Reads take the whole count (or 1 with EFD_SEMAPHORE) and fail with
 * EAGAIN at zero; writes add and fail with EAGAIN when the sum would pass 0xfffffffffffffffe.
 */
public final class EventFd extends AnonFile {
    private static final long MAX = -2L; // 0xfffffffffffffffe, unsigned
    private final boolean semaphore;
    private long count;

    public EventFd(long initial, boolean semaphore, int statusFlags) {
        super("[eventfd]", O_RDWR | statusFlags);
        this.count = initial;
        this.semaphore = semaphore;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length < 8) throw Errno.EINVAL.fail();
        long value;
        synchronized (this) {
            if (count == 0) throw Errno.EAGAIN.fail();
            value = semaphore ? 1 : count;
            count -= value;
        }
        Longs.put(buffer, offset, value, 8);
        queue.wakeAll();
        return 8;
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        if (length < 8) throw Errno.EINVAL.fail();
        long value = Longs.fromBytes(buffer, offset);
        if (value == -1L) throw Errno.EINVAL.fail();
        synchronized (this) {
            if (Long.compareUnsigned(value, MAX - count) > 0) throw Errno.EAGAIN.fail();
            count += value;
        }
        if (value != 0) queue.wakeAll();
        return 8;
    }

    /** eventfd_read is read_iter (FMODE_NOWAIT); eventfd_write a plain write. */
    @Override
    public int rwFlags(boolean write) {
        return write ? dev.jlibos.core.abi.Rwf.LOOP : dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    @Override
    public synchronized int pollEvents() {
        int mask = count != 0 ? Poll.IN : 0;
        if (Long.compareUnsigned(count, MAX) < 0) mask |= Poll.OUT;
        return mask;
    }
}
