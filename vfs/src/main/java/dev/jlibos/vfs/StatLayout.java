package dev.jlibos.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The x86-64 layouts of {@code struct stat} (144 bytes) and {@code struct statx} (256 bytes). */
public final class StatLayout {
    public static final int STAT_SIZE = 144, STATX_SIZE = 256;
    public static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFDIR = 0040000, S_IFBLK = 0060000, S_IFREG = 0100000,
            S_IFLNK = 0120000, S_IFMT = 0170000;
    /** st_dev of pipes (pipefs, device 0:12 on Linux), also used for stream stdio that stands for a pipe. */
    public static final long PIPEFS_DEV = 0xc;
    /** st_dev of the kernel's own files (/proc, /sys, /dev links; procfs is device 0:22 on Linux). */
    public static final long PROC_DEV = 0x16;
    /** STATX_BASIC_STATS: every field struct stat also has. */
    public static final int STATX_BASIC_STATS = 0x7ff;

    private StatLayout() {
    }

    /** A struct stat for objects that live in the JVM (pipes, streams), timestamps from {@code nanos}. */
    public static byte[] synthetic(long dev, long ino, int mode, int uid, int gid, long rdev, long size, long nanos) {
        ByteBuffer b = ByteBuffer.allocate(STAT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev).putLong(8, ino).putLong(16, 1).putInt(24, mode).putInt(28, uid).putInt(32, gid)
                .putLong(40, rdev).putLong(48, size).putLong(56, 4096).putLong(64, 0);
        for (int t = 72; t <= 104; t += 16) {
            b.putLong(t, nanos / 1_000_000_000L).putLong(t + 8, nanos % 1_000_000_000L);
        }
        return b.array();
    }

    /** st_size of a 144-byte struct stat. */
    public static long size(byte[] stat) {
        return java.nio.ByteBuffer.wrap(stat, 48, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** st_blocks (512-byte units allocated) of a struct stat. */
    public static long blocks(byte[] stat) {
        return java.nio.ByteBuffer.wrap(stat, 64, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** st_dev and st_ino: which file a struct stat describes, as host memory keys file mappings. */
    public static dev.jlibos.core.mem.HostMemory.FileId fileId(byte[] stat) {
        ByteBuffer b = ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN);
        return new dev.jlibos.core.mem.HostMemory.FileId(b.getLong(0), b.getLong(8));
    }

    public static int mode(byte[] stat) {
        return ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
    }

    /** Builds a statx record carrying the same information as a struct stat. */
    public static byte[] statxFromStat(byte[] stat) {
        ByteBuffer s = ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer x = ByteBuffer.allocate(STATX_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        x.putInt(0, STATX_BASIC_STATS);
        x.putInt(4, (int) s.getLong(56));
        x.putInt(16, (int) s.getLong(16));
        x.putInt(20, s.getInt(28));
        x.putInt(24, s.getInt(32));
        x.putShort(28, (short) s.getInt(24));
        x.putLong(32, s.getLong(8));
        x.putLong(40, s.getLong(48));
        x.putLong(48, s.getLong(64));
        putTime(x, 64, s, 72);   // atime
        putTime(x, 96, s, 104);  // ctime
        putTime(x, 112, s, 88);  // mtime
        long rdev = s.getLong(40), dev = s.getLong(0);
        x.putInt(128, major(rdev)).putInt(132, minor(rdev)).putInt(136, major(dev)).putInt(140, minor(dev));
        return x.array();
    }

    private static void putTime(ByteBuffer x, int at, ByteBuffer s, int from) {
        x.putLong(at, s.getLong(from));
        x.putInt(at + 8, (int) s.getLong(from + 8));
    }

    /** glibc's gnu_dev_major/minor encoding of dev_t. */
    static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfff));
    }

    static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xff));
    }
}
