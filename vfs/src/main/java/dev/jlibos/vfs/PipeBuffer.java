package dev.jlibos.vfs;

import dev.jlibos.core.Blocking;
import dev.jlibos.core.Errno;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared buffer of a pipe, with Linux's rules: 64 KiB capacity, writes of at most PIPE_BUF (4096)
 * bytes are atomic, reads block until data or end of file (no writer left), writes fail with EPIPE once
 * no reader is left, and O_NONBLOCK turns waiting into EAGAIN.
 */
public final class PipeBuffer {
    public static final int CAPACITY = 65536;
    public static final int PIPE_BUF = 4096;
    private static final AtomicLong INODES = new AtomicLong(100_000);

    private final byte[] ring = new byte[CAPACITY];
    private int head, count;
    private int readers, writers;
    final long inode = nextInode();

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

    synchronized void close(boolean writer) {
        if (writer) writers--; else readers--;
        notifyAll();
    }

    synchronized int available() {
        return count;
    }

    int read(byte[] b, int off, int len, boolean nonBlocking) {
        if (len == 0) return 0;
        while (true) {
            synchronized (this) {
                if (count > 0) {
                    int n = Math.min(len, count);
                    for (int i = 0; i < n; i++) b[off + i] = ring[(head + i) % CAPACITY];
                    head = (head + n) % CAPACITY;
                    count -= n;
                    notifyAll();
                    return n;
                }
                if (writers == 0) return 0;
                if (nonBlocking) throw Errno.EAGAIN.fail();
            }
            await(() -> count == 0 && writers > 0);
        }
    }

    int write(byte[] b, int off, int len, boolean nonBlocking) {
        int written = 0;
        while (true) {
            synchronized (this) {
                while (written < len) {
                    if (readers == 0) {
                        if (written > 0) return written;
                        throw Errno.EPIPE.fail();
                    }
                    int space = CAPACITY - count;
                    int remaining = len - written;
                    // Writes up to PIPE_BUF are all-or-nothing; larger ones may be split.
                    boolean mustWaitForAll = len <= PIPE_BUF && space < remaining;
                    if (space == 0 || mustWaitForAll) {
                        if (nonBlocking) {
                            if (written > 0) return written;
                            throw Errno.EAGAIN.fail();
                        }
                        break;
                    }
                    int n = Math.min(space, remaining);
                    for (int i = 0; i < n; i++) ring[(head + count + i) % CAPACITY] = b[off + written + i];
                    count += n;
                    written += n;
                    notifyAll();
                }
                if (written == len) return written;
            }
            int need = len <= PIPE_BUF ? len - written : 1;
            await(() -> readers > 0 && CAPACITY - count < need);
        }
    }

    /**
     * Waits, with the guest's execution lock released (see {@link Blocking}), while {@code blocked} holds;
     * the caller re-checks under the monitor afterwards.
     */
    private void await(java.util.function.BooleanSupplier blocked) {
        Blocking.run(() -> {
            synchronized (this) {
                while (blocked.getAsBoolean()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Errno.EINTR.fail();
                    }
                }
            }
            return null;
        });
    }
}
