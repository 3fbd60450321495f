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
    public static final int CAPACITY = 65536;
    public static final int PIPE_BUF = 4096;
    private static final AtomicLong INODES = new AtomicLong(100_000);

    private final byte[] ring = new byte[CAPACITY];
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
            int mask = CAPACITY - count >= PIPE_BUF ? Poll.OUT : 0;
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
            for (int i = 0; i < n; i++) b[off + i] = ring[(head + i) % CAPACITY];
            head = (head + n) % CAPACITY;
            count -= n;
        }
        queue.wakeAll();
        return n;
    }

    /** Writes what fits now; a write of at most PIPE_BUF bytes is all or nothing (EAGAIN). */
    int write(byte[] b, int off, int len) {
        int n;
        synchronized (this) {
            if (readers == 0) throw Errno.EPIPE.fail();
            if (len == 0) return 0;
            int space = CAPACITY - count;
            if (space == 0 || (len <= PIPE_BUF && space < len)) throw Errno.EAGAIN.fail();
            n = Math.min(space, len);
            for (int i = 0; i < n; i++) ring[(head + count + i) % CAPACITY] = b[off + i];
            count += n;
        }
        queue.wakeAll();
        return n;
    }
}
