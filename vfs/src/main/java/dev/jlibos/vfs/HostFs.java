package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.syscalls.Sysno;

/**
 * The host file tree passed through at "/": file operations forwarded to the host kernel on host fds,
 * which gives exact Linux semantics (errno, st_blocks, d_type, O_APPEND...) for free.
 *
 * <p>Marshalling is explicit: every path and buffer is copied into a scratch block this class owns, and
 * only that block's addresses reach the host. Relative paths are resolved by the host against the
 * guest's own directory fds (its cwd, or the dirfd it passed), never the JVM's working directory.
 */
public final class HostFs {
    /** Kept for callers outside vfs (bench/HotPaths); new code reads {@link dev.jlibos.core.abi.At#AT_FDCWD}. */
    public static final int AT_FDCWD = dev.jlibos.core.abi.At.AT_FDCWD;
    /**
     * Host x86-64 syscall numbers: the host is x86-64 Linux too, so they are the guest's ({@link Sysno}).
     * Kept as names here for HostFs's callers.
     */
    public static final int FCNTL = Sysno.FCNTL, FSYNC = Sysno.FSYNC, FDATASYNC = Sysno.FDATASYNC,
            FTRUNCATE = Sysno.FTRUNCATE, FCHMOD = Sysno.FCHMOD, FCHOWN = Sysno.FCHOWN, FALLOCATE = Sysno.FALLOCATE;
    private static final int PATH_SLOT = 8192;
    /** Largest single transfer; callers loop for more. */
    public static final int CHUNK = 1 << 20;

    private final HostSyscalls sys;
    private final HostMemory memory;
    /**
     * Marshalling buffers, one per host thread: every guest process runs on its own thread, and open
     * file descriptions are shared across fork, so a shared buffer would be raced. Host memory outside
     * the Java heap: nothing frees it when its thread ends, {@link #close()} must.
     */
    private final ThreadLocal<HostBlock> scratchPerThread = new ThreadLocal<>();

    public HostFs(HostSyscalls sys, HostMemory memory) {
        this.sys = sys;
        this.memory = memory;
    }

    /**
     * Frees the calling thread's buffer, if it has one (the next call on this thread takes a new one).
     * Every host thread that ran guest code calls it as it ends (Kernel.runThread): a forked process's
     * or a guest thread's host thread that did not would keep its 1 MiB block mapped for the JVM's life.
     */
    public void close() {
        HostBlock b = scratchPerThread.get();
        if (b != null) {
            scratchPerThread.remove();
            b.free();
        }
    }

    /**
     * The calling thread's marshalling block (2 * 8 KiB + 1 MiB), for host calls made outside this
     * class (host poll, host sockets); no HostFs method may run while a caller uses it.
     */
    public HostBlock scratch() {
        HostBlock b = scratchPerThread.get();
        if (b == null) {
            b = memory.allocate(2L * PATH_SLOT + CHUNK);
            scratchPerThread.set(b);
        }
        return b;
    }

    private long data() {
        return scratch().address() + 2L * PATH_SLOT;
    }

    static long check(long r) {
        if (r < 0) throw Errno.fromHost((int) -r).fail();
        return r;
    }

    /** Copies a path into scratch slot 0 or 1 with its NUL; Linux's PATH_MAX includes the NUL. */
    private long path(byte[] path, int slot) {
        if (path.length >= 4096) throw Errno.ENAMETOOLONG.fail();
        long off = (long) slot * PATH_SLOT;
        scratch().put(off, path, 0, path.length);
        scratch().putByte(off + path.length, (byte) 0);
        return scratch().address() + off;
    }

    public long raw(int nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return sys.call(nr, a1, a2, a3, a4, a5, a6);
    }

    public int openat(int dirfd, byte[] path, int flags, int mode, int umask) {
        java.util.function.LongSupplier open = () -> sys.call(Sysno.OPENAT, dirfd, path(path, 0), flags, mode, 0, 0);
        return (int) check(creates(flags) ? withUmask(umask, open) : open.getAsLong());
    }

    /** O_CREAT or O_TMPFILE: only an open that may create a file needs the guest's umask in force. */
    private static boolean creates(long flags) {
        return (flags & (dev.jlibos.core.abi.Fcntl.O_CREAT | dev.jlibos.core.abi.Fcntl.O_TMPFILE_BIT)) != 0;
    }

    /** openat2 with a 24-byte struct open_how {flags, mode, resolve}: the host applies RESOLVE_* itself. */
    public int openat2(int dirfd, byte[] path, long flags, long mode, long resolve, int umask) {
        java.nio.ByteBuffer how = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        how.putLong(flags).putLong(mode).putLong(resolve);
        scratch().put(2L * PATH_SLOT, how.array(), 0, 24);
        java.util.function.LongSupplier open = () -> sys.call(Sysno.OPENAT2, dirfd, path(path, 0), data(), 24, 0, 0);
        return (int) check(creates(flags) ? withUmask(umask, open) : open.getAsLong());
    }

    public int read(int fd, byte[] b, int off, int len) {
        int n = (int) check(sys.call(Sysno.READ, fd, data(), Math.min(len, CHUNK)));
        scratch().get(2L * PATH_SLOT, b, off, n);
        return n;
    }

    public int pread(int fd, byte[] b, int off, int len, long pos) {
        int n = (int) check(sys.call(Sysno.PREAD64, fd, data(), Math.min(len, CHUNK), pos, 0, 0));
        scratch().get(2L * PATH_SLOT, b, off, n);
        return n;
    }

    public int write(int fd, byte[] b, int off, int len) {
        int n = Math.min(len, CHUNK);
        scratch().put(2L * PATH_SLOT, b, off, n);
        return (int) check(sys.call(Sysno.WRITE, fd, data(), n));
    }

    public int pwrite(int fd, byte[] b, int off, int len, long pos) {
        int n = Math.min(len, CHUNK);
        scratch().put(2L * PATH_SLOT, b, off, n);
        return (int) check(sys.call(Sysno.PWRITE64, fd, data(), n, pos, 0, 0));
    }

    /**
     * preadv2(fd, one iovec, pos, flags): the host applies the RWF_* flags (and pos -1, the file position)
     * itself, so every file system answers as it does natively.
     */
    public int preadv2(int fd, byte[] b, int off, int len, long pos, int flags) {
        int n = Math.min(len, CHUNK);
        long iov = iovec(n);
        int got = (int) check(sys.call(Sysno.PREADV2, fd, iov, 1, pos, 0, flags));
        scratch().get(2L * PATH_SLOT, b, off, got);
        return got;
    }

    public int pwritev2(int fd, byte[] b, int off, int len, long pos, int flags) {
        int n = Math.min(len, CHUNK);
        scratch().put(2L * PATH_SLOT, b, off, n);
        return (int) check(sys.call(Sysno.PWRITEV2, fd, iovec(n), 1, pos, 0, flags));
    }

    /** One struct iovec in path slot 1 describing the first {@code n} bytes of the data area. */
    private long iovec(int n) {
        scratch().putLong(PATH_SLOT, data());
        scratch().putLong(PATH_SLOT + 8, n);
        return scratch().address() + PATH_SLOT;
    }

    public long lseek(int fd, long offset, int whence) {
        return check(sys.call(Sysno.LSEEK, fd, offset, whence));
    }

    /** inotify_add_watch on a host inotify fd; {@code path} is a host path (the mask is Linux's u32). */
    public int inotifyAddWatch(int fd, byte[] path, int mask) {
        return (int) check(sys.call(Sysno.INOTIFY_ADD_WATCH, fd, path(path, 0), mask & 0xffffffffL));
    }

    public void closeFd(int fd) {
        sys.call(Sysno.CLOSE, fd, 0, 0);
    }

    /** ftruncate of a host fd; shared mappings of the file lose their pages past a new, shorter end. */
    public long truncate(int fd, long length) {
        long r = check(sys.call(Sysno.FTRUNCATE, fd, length, 0));
        fileMayHaveShrunk(fd);
        return r;
    }

    /**
     * After a call that may have shortened the file open on {@code fd} (ftruncate, O_TRUNC): tells shared
     * mappings of it, if there are any (otherwise no host call is made).
     */
    public void fileMayHaveShrunk(int fd) {
        if (!memory.mapsFiles()) return;
        shrank(fstat(fd));
    }

    /** The same for a file named by a NUL-terminated host path at {@code pathAddress} (forwarded truncate). */
    public void pathMayHaveShrunk(long pathAddress) {
        if (!memory.mapsFiles()) return;
        long r = sys.call(Sysno.NEWFSTATAT, AT_FDCWD, pathAddress, data(), 0, 0, 0);
        if (r < 0) return; // renamed or removed since: its mappings keep what the next truncation finds
        shrank(bytes(StatLayout.STAT_SIZE));
    }

    /** Tells host memory the file {@code stat} describes now has its st_size. */
    private void shrank(byte[] stat) {
        memory.fileShrank(StatLayout.fileId(stat), StatLayout.size(stat));
    }

    /** fallocate's mode bit that removes a range and shortens the file. */
    public static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;

    public byte[] fstat(int fd) {
        check(sys.call(Sysno.FSTAT, fd, data(), 0));
        return bytes(StatLayout.STAT_SIZE);
    }

    /**
     * The xattr getters and listers: {@code target} is a host path (byte[]) or a host fd (Integer),
     * {@code name} is null for the list calls; the result is copied into {@code out} (size 0 asks for
     * the length only, as in the syscalls).
     */
    public int xattr(int nr, Object target, byte[] name, byte[] out) {
        long t = target instanceof Integer fd ? fd : path((byte[]) target, 0);
        long n;
        if (name == null) {
            n = check(sys.call(nr, t, data(), out.length));
        } else {
            n = check(sys.call(nr, t, path(name, 1), data(), out.length, 0, 0));
        }
        scratch().get(2L * PATH_SLOT, out, 0, (int) Math.min(n, out.length));
        return (int) n;
    }

    /** setxattr/lsetxattr/fsetxattr: {@code target} as for {@link #xattr}; the value is copied in. */
    public void setxattr(int nr, Object target, byte[] name, byte[] value, int flags) {
        long t = target instanceof Integer fd ? fd : path((byte[]) target, 0);
        scratch().put(2L * PATH_SLOT, value, 0, value.length);
        check(sys.call(nr, t, path(name, 1), data(), value.length, flags, 0));
    }

    /** removexattr/lremovexattr/fremovexattr. */
    public void removexattr(int nr, Object target, byte[] name) {
        long t = target instanceof Integer fd ? fd : path((byte[]) target, 0);
        check(sys.call(nr, t, path(name, 1), 0));
    }

    /** fstatfs: the 120-byte struct statfs. */
    public byte[] fstatfs(int fd) {
        check(sys.call(138, fd, data(), 0));
        return bytes(120);
    }

    public byte[] fstatat(int dirfd, byte[] path, int flags) {
        check(sys.call(Sysno.NEWFSTATAT, dirfd, path(path, 0), data(), flags, 0, 0));
        return bytes(StatLayout.STAT_SIZE);
    }

    public byte[] statx(int dirfd, byte[] path, int flags, int mask) {
        check(sys.call(Sysno.STATX, dirfd, path(path, 0), flags, mask, data(), 0));
        return bytes(StatLayout.STATX_SIZE);
    }

    public int getdents64(int fd, byte[] b) {
        int n = (int) check(sys.call(Sysno.GETDENTS64, fd, data(), Math.min(b.length, CHUNK)));
        scratch().get(2L * PATH_SLOT, b, 0, n);
        return n;
    }

    public byte[] readlinkat(int dirfd, byte[] path) {
        int n = (int) check(sys.call(Sysno.READLINKAT, dirfd, path(path, 0), data(), 4096, 0, 0));
        return bytes(n);
    }

    public void mkdirat(int dirfd, byte[] path, int mode, int umask) {
        check(withUmask(umask, () -> sys.call(Sysno.MKDIRAT, dirfd, path(path, 0), mode)));
    }

    public void mknodat(int dirfd, byte[] path, int mode, long dev, int umask) {
        check(withUmask(umask, () -> sys.call(Sysno.MKNODAT, dirfd, path(path, 0), mode, dev, 0, 0)));
    }

    public void unlinkat(int dirfd, byte[] path, int flags) {
        check(sys.call(Sysno.UNLINKAT, dirfd, path(path, 0), flags));
    }

    public void renameat2(int olddir, byte[] oldPath, int newdir, byte[] newPath, int flags) {
        check(sys.call(Sysno.RENAMEAT2, olddir, path(oldPath, 0), newdir, path(newPath, 1), flags, 0));
    }

    public void linkat(int olddir, byte[] oldPath, int newdir, byte[] newPath, int flags) {
        check(sys.call(Sysno.LINKAT, olddir, path(oldPath, 0), newdir, path(newPath, 1), flags, 0));
    }

    public void symlinkat(byte[] target, int newdir, byte[] linkPath) {
        check(sys.call(Sysno.SYMLINKAT, path(target, 0), newdir, path(linkPath, 1)));
    }

    public void fchmodat(int dirfd, byte[] path, int mode) {
        check(sys.call(Sysno.FCHMODAT, dirfd, path(path, 0), mode));
    }

    public void fchownat(int dirfd, byte[] path, int uid, int gid, int flags) {
        check(sys.call(Sysno.FCHOWNAT, dirfd, path(path, 0), uid, gid, flags, 0));
    }

    public void faccessat2(int dirfd, byte[] path, int mode, int flags) {
        check(sys.call(Sysno.FACCESSAT2, dirfd, path(path, 0), mode, flags, 0, 0));
    }

    /** utimensat with {@code times} = two struct timespec (32 bytes) or null for "now". */
    public void utimensat(int dirfd, byte[] path, byte[] times, int flags) {
        long t = 0;
        if (times != null) {
            scratch().put(2L * PATH_SLOT, times, 0, times.length);
            t = data();
        }
        check(sys.call(Sysno.UTIMENSAT, dirfd, path == null ? 0 : path(path, 0), t, flags, 0, 0));
    }

    public long simple(int nr, long a1, long a2, long a3) {
        return check(sys.call(nr, a1, a2, a3));
    }

    /** truncate(2) of a host path; shared mappings of the file lose their pages past a new, shorter end. */
    public void truncate(byte[] path, long length) {
        long address = path(path, 0);
        check(sys.call(Sysno.TRUNCATE, address, length, 0));
        pathMayHaveShrunk(address);
    }

    /** An ioctl whose argument is a buffer of {@code in.length} bytes, copied in and back out. */
    public byte[] ioctlBuffer(int fd, long request, byte[] in) {
        scratch().put(2L * PATH_SLOT, in, 0, in.length);
        check(sys.call(Sysno.IOCTL, fd, request, data()));
        return bytes(in.length);
    }

    /** fcntl with a struct argument (record locks), copied in and back out. */
    public byte[] fcntlBuffer(int fd, int cmd, byte[] in) {
        scratch().put(2L * PATH_SLOT, in, 0, in.length);
        check(sys.call(FCNTL, fd, cmd, data()));
        return bytes(in.length);
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        scratch().get(2L * PATH_SLOT, out, 0, n);
        return out;
    }

    /** The JVM has one umask for all its threads, so every swap of it is serialised. */
    private static final Object UMASK_LOCK = new Object();

    /**
     * Runs a creating call with the guest's umask in force. The host applies the JVM's umask to every
     * file it creates, so it is set to the guest's for the duration of the call; guest processes on
     * other threads wait, or one could restore the other's value and leave the JVM with it.
     */
    private long withUmask(int umask, java.util.function.LongSupplier call) {
        synchronized (UMASK_LOCK) {
            long old = sys.call(Sysno.UMASK, umask, 0, 0);
            try {
                return call.getAsLong();
            } finally {
                sys.call(Sysno.UMASK, old, 0, 0);
            }
        }
    }

    /** The host's current umask, read without changing it (for the first guest process). */
    public int hostUmask() {
        synchronized (UMASK_LOCK) {
            long old = sys.call(Sysno.UMASK, 022, 0, 0);
            sys.call(Sysno.UMASK, old, 0, 0);
            return (int) old;
        }
    }
}
