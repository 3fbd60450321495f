package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.jlibos.core.abi.Fcntl.O_RDONLY;

/**
 * An open directory of a synthetic tree (/proc, /dev, /sys): its entries are a snapshot taken at the
 * first getdents64 (so /proc/self/fd lists the descriptor reading it, as on Linux), returned as
 * linux_dirent64 records with "." and ".." first, as procfs does.
 */
public final class SyntheticDirectory extends FileDescription {
    private static final int DT_DIR = 4, DT_UNKNOWN = 0;
    private final String path;
    private final java.util.function.Supplier<List<String>> lister;
    private List<String> entries;
    private int next;

    public SyntheticDirectory(String path, java.util.function.Supplier<List<String>> lister) {
        super(O_RDONLY | 0x10000 /* O_DIRECTORY */);
        this.path = path;
        this.lister = lister;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        throw Errno.EISDIR.fail();
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        throw Errno.EBADF.fail();
    }

    @Override
    public long seek(long offset, int whence) {
        if (whence != 0 || offset < 0) throw Errno.EINVAL.fail();
        if (offset == 0) entries = null; // rewinddir: a fresh snapshot, as procfs regenerates
        next = (int) offset;
        return next;
    }

    @Override
    public synchronized int getdents64(byte[] buffer) {
        if (entries == null) entries = List.copyOf(lister.get());
        ByteBuffer out = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        int used = 0;
        while (next < entries.size() + 2L) {
            String name = next == 0 ? "." : next == 1 ? ".." : entries.get(next - 2);
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            int reclen = (19 + n.length + 1 + 7) & ~7;
            if (used + reclen > buffer.length) {
                if (used == 0) throw Errno.EINVAL.fail();
                break;
            }
            out.putLong(used, Math.abs((path + "/" + name).hashCode()) + 1L);
            out.putLong(used + 8, next + 1L);
            out.putShort(used + 16, (short) reclen);
            out.put(used + 18, (byte) (next < 2 ? DT_DIR : DT_UNKNOWN));
            out.put(used + 19, n);
            for (int i = used + 19 + n.length; i < used + reclen; i++) buffer[i] = 0;
            used += reclen;
            next++;
        }
        return used;
    }

    @Override
    public byte[] stat() {
        return StatLayout.synthetic(StatLayout.PROC_DEV, Math.abs(path.hashCode()) + 1L, StatLayout.S_IFDIR | 0555, 0, 0, 0, 0,
                System.currentTimeMillis() * 1_000_000L);
    }
}
