package dev.jlibos.core.abi;

/** open(2) flags, fcntl(2) commands and lseek(2) whences (asm-generic/fcntl.h, linux/fs.h). */
public final class Fcntl {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public static final int O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400,
            O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_ASYNC = 0x2000, O_DIRECT = 0x4000, O_LARGEFILE = 0x8000,
            O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000,
            O_SYNC = 0x101000, O_PATH = 0x200000;
    /** O_TMPFILE as userspace passes it includes O_DIRECTORY; this is the bit of its own (__O_TMPFILE). */
    public static final int O_TMPFILE_BIT = 0x400000;

    public static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
            F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_OFD_GETLK = 36, F_OFD_SETLK = 37,
            F_OFD_SETLKW = 38, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032,
            F_SETSIG = 10, F_GETSIG = 11, F_NOTIFY = 1026;
    /** The one fd flag (F_GETFD/F_SETFD). */
    public static final int FD_CLOEXEC = 1;

    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

    private Fcntl() {
    }
}
