package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import static dev.jlibos.core.abi.Fcntl.O_RDONLY;

/**
 * A read-only file whose bytes the libOS generates when it is opened (procfs-style): a snapshot, like
 * Linux's seq_file buffers for a reader that reads from the start.
 */
public final class SyntheticFile extends FileDescription {
    private final byte[] content;
    private final String path;
    private long position;

    public SyntheticFile(String path, byte[] content) {
        super(O_RDONLY);
        this.path = path;
        this.content = content;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        int n = pread(buffer, offset, length, position);
        position += n;
        return n;
    }

    @Override
    public int pread(byte[] buffer, int offset, int length, long at) {
        if (at < 0) throw Errno.EINVAL.fail();
        if (at >= content.length) return 0;
        int n = (int) Math.min(length, content.length - at);
        System.arraycopy(content, (int) at, buffer, offset, n);
        return n;
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        throw Errno.EBADF.fail();
    }

    @Override
    public long seek(long offset, int whence) {
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> position;
            case 2 -> content.length;
            default -> throw Errno.EINVAL.fail();
        };
        long next = base + offset;
        if (next < 0) throw Errno.EINVAL.fail();
        position = next;
        return next;
    }

    /** Like procfs: a regular file of size 0, readable by everyone. */
    @Override
    public byte[] stat() {
        return StatLayout.synthetic(StatLayout.PROC_DEV, Math.abs(path.hashCode()), StatLayout.S_IFREG | 0444, 0, 0, 0, 0,
                System.currentTimeMillis() * 1_000_000L);
    }
}
