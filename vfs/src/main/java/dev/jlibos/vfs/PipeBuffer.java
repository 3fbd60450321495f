package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.event.Poll;
import dev.jlibos.vfs.event.WaitQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared buffer of a pipe, with Linux's rules: 64 KiB capacity, writes of at most PIPE_BUF (4096)
 * bytes are atomic, reads see end of file once no writer is left, and writes fail with EPIPE once no
 * reader is left. Nothing here blocks: an empty or full pipe fails with EAGAIN and the syscall layer
 * waits on {@link #queue} when the caller may block.
 */
public final class PipeBuffer {
    /** A new pipe's capacity (F_GETPIPE_SZ), Linux's 16 pages. */
    public static final int CAPACITY = 65536;
    /** /proc/sys/fs/pipe-max-size: the most F_SETPIPE_SZ grants. */
    public static final int MAX_SIZE = 1 << 20;
    public static final int PIPE_BUF = 4096;
    private static final AtomicLong INODES = new AtomicLong(100_000);

    private byte[] ring = new byte[CAPACITY];
    private int head, count;
    private int readers, writers;
    final long inode = nextInode();
    final WaitQueue queue = new WaitQueue();

    static long nextInode() {
        return INODES.incrementAndGet();
    }

    /** Creates the two ends of a new pipe: [read end, write end]. */
    public static FileDescription[] create(int extraFlags) {
        PipeBuffer p = new PipeBuffer();
        return new FileDescription[] {new PipeEnd(p, false, extraFlags), new PipeEnd(p, true, extraFlags)};
    }

    synchronized void open(boolean writer) {
        if (writer) writers++; else readers++;
    }

    void close(boolean writer) {
        synchronized (this) {
            if (writer) writers--; else readers--;
        }
        queue.wakeAll();
    }

    synchronized int available() {
        return count;
    }

    /** pipe_poll: readable with data, POLLHUP without writers; writable with PIPE_BUF free, POLLERR without readers. */
    synchronized int poll(boolean writer) {
        if (writer) {
            int mask = ring.length - count >= PIPE_BUF ? Poll.OUT : 0;
            return readers == 0 ? mask | Poll.POLLERR : mask;
        }
        int mask = count > 0 ? Poll.IN : 0;
        return writers == 0 ? mask | Poll.POLLHUP : mask;
    }

    int read(byte[] b, int off, int len) {
        int n;
        synchronized (this) {
            if (len == 0) return 0;
            if (count == 0) {
                if (writers == 0) return 0;
                throw Errno.EAGAIN.fail();
            }
            n = Math.min(len, count);
            for (int i = 0; i < n; i++) b[off + i] = ring[(head + i) % ring.length];
            head = (head + n) % ring.length;
            count -= n;
        }
        queue.wakeAll();
        return n;
    }

    synchronized int capacity() {
        return ring.length;
    }

    /**
     * F_SETPIPE_SZ (pipe_set_size): the capacity becomes {@code bytes} rounded up to a power of two of at least
     * a page; EBUSY when that cannot hold what the pipe holds, EPERM past pipe-max-size (1 MiB; Linux lets
     * CAP_SYS_RESOURCE go further, jlibos does not, as the ring is Java memory). Returns the new capacity.
     */
    int resize(long bytes) {
        if (bytes < 0 || bytes > 1L << 31) throw Errno.EINVAL.fail();
        int size = bytes <= 4096 ? 4096 : Integer.highestOneBit((int) Math.min(bytes - 1, Integer.MAX_VALUE)) << 1;
        if (bytes > MAX_SIZE) throw Errno.EPERM.fail();
        synchronized (this) {
            if (size < count) throw Errno.EBUSY.fail();
            if (size != ring.length) {
                byte[] next = new byte[size];
                for (int i = 0; i < count; i++) next[i] = ring[(head + i) % ring.length];
                ring = next;
                head = 0;
            }
        }
        queue.wakeAll(); // writers waiting for room may have it now
        return size;
    }

    /** Writes what fits now; a write of at most PIPE_BUF bytes is all or nothing (EAGAIN). */
    int write(byte[] b, int off, int len) {
        int n;
        synchronized (this) {
            if (readers == 0) throw Errno.EPIPE.fail();
            if (len == 0) return 0;
            int space = ring.length - count;
            if (space == 0 || (len <= PIPE_BUF && space < len)) throw Errno.EAGAIN.fail();
            n = Math.min(space, len);
            for (int i = 0; i < n; i++) ring[(head + count + i) % ring.length] = b[off + i];
            count += n;
        }
        queue.wakeAll();
        return n;
    }
}
