package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.mount.Location;

import java.nio.charset.StandardCharsets;


import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_REMOVEDIR;
import static dev.jlibos.core.abi.At.AT_SYMLINK_FOLLOW;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;
import static dev.jlibos.kernel.syscall.Trait.GROWS_FILES;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/** Changing the file tree and its metadata: cwd, mkdir, unlink, rename, links, modes, owners, times, sizes. */
public final class PathCalls implements SyscallFamily {
    private static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.GETCWD, this::getcwd).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.CHDIR, (t, a) -> {
            byte[] p = GuestPaths.path(t, a.get(0));
            if (fs(t).sandboxed()) {
                fs(t).changeDirectory(GuestPaths.locate(t, AT_FDCWD, p, true));
                return 0;
            }
            try (Location l = GuestPaths.locate(t, AT_FDCWD, p, true)) {
                if (l.synthetic != null) throw Errno.EACCES.fail(); // a directory of the kernel's /proc
                fs(t).changeDirectory(l.dirFd(), l.name());
            }
            return 0;
        }).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.FCHDIR, (t, a) -> {
            FileDescription d = t.process.files.get(a.i32(0));
            if (fs(t).sandboxed()) {
                fs(t).changeDirectory(GuestPaths.locate(t, a.i32(0), new byte[] {'.'}, true));
                return 0;
            }
            if (d.hostFd() < 0) throw Errno.ENOTDIR.fail();
            fs(t).changeDirectory(d.hostFd(), ".".getBytes(StandardCharsets.UTF_8));
            return 0;
        }).coveredBy("CProgramsTest[paths]");
        r.full(Sysno.MKDIR, (t, a) -> mkdir(t, AT_FDCWD, a.get(0), a.i32(1))).coveredBy("CProgramsTest[files]");
        r.full(Sysno.MKDIRAT, (t, a) -> mkdir(t, a.i32(0), a.get(1), a.i32(2))).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.MKNOD, (t, a) -> mknod(t, AT_FDCWD, a.get(0), a.i32(1), a.get(2)));
        r.full(Sysno.MKNODAT, (t, a) -> mknod(t, a.i32(0), a.get(1), a.i32(2), a.get(3)));
        r.full(Sysno.RMDIR, (t, a) -> unlink(t, AT_FDCWD, a.get(0), AT_REMOVEDIR)).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.UNLINK, (t, a) -> unlink(t, AT_FDCWD, a.get(0), 0)).coveredBy("CProgramsTest[files]");
        r.full(Sysno.UNLINKAT, (t, a) -> unlink(t, a.i32(0), a.get(1), a.i32(2))).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.RENAME, (t, a) -> rename(t, AT_FDCWD, a.get(0), AT_FDCWD, a.get(1), 0))
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.RENAMEAT, (t, a) -> rename(t, a.i32(0), a.get(1), a.i32(2), a.get(3), 0))
                .coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.RENAMEAT2, (t, a) -> rename(t, a.i32(0), a.get(1), a.i32(2), a.get(3), a.i32(4)))
                .coveredBy("CProgramsTest[paths]");
        r.full(Sysno.SYMLINK, (t, a) -> symlink(t, a.get(0), AT_FDCWD, a.get(1))).coveredBy("CProgramsTest[files]");
        r.full(Sysno.SYMLINKAT, (t, a) -> symlink(t, a.get(0), a.i32(1), a.get(2)));
        r.full(Sysno.LINK, (t, a) -> link(t, AT_FDCWD, a.get(0), AT_FDCWD, a.get(1), 0))
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.LINKAT, (t, a) -> link(t, a.i32(0), a.get(1), a.i32(2), a.get(3), a.i32(4)));
        r.full(Sysno.CHMOD, (t, a) -> chmod(t, AT_FDCWD, a.get(0), a.i32(1))).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FCHMODAT, (t, a) -> chmod(t, a.i32(0), a.get(1), a.i32(2)));
        r.full(Sysno.FCHMOD, (t, a) -> host(t).simple(HostFs.FCHMOD, writableFd(t, a.i32(0)), a.i32(1) & 07777, 0));
        r.full(Sysno.CHOWN, (t, a) -> chown(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2), 0));
        r.full(Sysno.LCHOWN, (t, a) -> chown(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2), AT_SYMLINK_NOFOLLOW));
        r.full(Sysno.FCHOWNAT, (t, a) -> chown(t, a.i32(0), a.get(1), a.i32(2), a.i32(3), a.i32(4)));
        r.full(Sysno.FCHOWN, (t, a) -> host(t).simple(HostFs.FCHOWN, writableFd(t, a.i32(0)), a.i32(1), a.i32(2)));
        r.full(Sysno.UTIMENSAT, this::utimensat);
        r.full(Sysno.UTIMES, (t, a) -> utimes(t, a.get(0), a.get(1), 8, 1000));
        r.full(Sysno.UTIME, (t, a) -> utimes(t, a.get(0), a.get(1), 0, 0));
        r.full(Sysno.TRUNCATE, this::truncate).traits(GROWS_FILES).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FTRUNCATE, (t, a) -> {
            if (a.get(1) < 0) throw Errno.EINVAL.fail();
            return host(t).simple(HostFs.FTRUNCATE, hostFd(t, a.i32(0), Errno.EINVAL), a.get(1), 0);
        }).traits(GROWS_FILES).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FSYNC, (t, a) -> host(t).simple(HostFs.FSYNC, hostFd(t, a.i32(0), Errno.EINVAL), 0, 0));
        r.full(Sysno.FDATASYNC, (t, a) -> host(t).simple(HostFs.FDATASYNC, hostFd(t, a.i32(0), Errno.EINVAL), 0, 0));
        r.partial(Sysno.SYNC, "returns at once: guest writes already reach the host page cache", (t, a) -> 0);
        r.full(Sysno.UMASK, (t, a) -> {
            int old = fs(t).umask;
            fs(t).umask = a.i32(0) & 0777;
            return old;
        });
    }

    private static FsContext fs(GuestThread t) {
        return t.process.fs;
    }

    private static HostFs host(GuestThread t) {
        return t.process.fs.host;
    }

    private static int hostFd(GuestThread t, int fd) {
        return hostFd(t, fd, Errno.EBADF);
    }

    /** The host fd of a descriptor whose metadata is about to change: EROFS on a read-only mount. */
    private static int writableFd(GuestThread t, int fd) {
        if (t.process.files.get(fd).onReadOnlyMount()) throw Errno.EROFS.fail();
        return hostFd(t, fd);
    }

    /** The host fd of a descriptor; JVM-side objects (pipes, streams) fail with {@code otherwise}. */
    private static int hostFd(GuestThread t, int fd, Errno otherwise) {
        FileDescription d = t.process.files.get(fd);
        if (d.hostFd() < 0) throw otherwise.fail();
        return d.hostFd();
    }

    private long getcwd(GuestThread t, SyscallArgs a) {
        byte[] cwd = fs(t).cwdPath().getBytes(StandardCharsets.UTF_8);
        if (a.get(1) < cwd.length + 1) throw Errno.ERANGE.fail();
        byte[] out = java.util.Arrays.copyOf(cwd, cwd.length + 1);
        t.process.memory.write(a.get(0), out);
        return out.length;
    }

    private static long mkdir(GuestThread t, int dirfd, long pathAddress, int mode) {
        byte[] p = GuestPaths.path(t, pathAddress);
        try (Location l = GuestPaths.locate(t, dirfd, p, false)) {
            l.requireAbsent().requireWritable();
            host(t).mkdirat(l.dirFd(), l.name(), mode & 07777, fs(t).umask);
        }
        return 0;
    }

    private static long mknod(GuestThread t, int dirfd, long pathAddress, int mode, long dev) {
        byte[] p = GuestPaths.path(t, pathAddress);
        try (Location l = GuestPaths.locate(t, dirfd, p, false)) {
            l.requireAbsent().requireWritable();
            int type = mode & 0170000;
            if (l.sandboxed() && (type == 0020000 || type == 0060000)) {
                // As in a container without CAP_MKNOD: a sandboxed guest never creates device nodes.
                t.kernel().log().once("mknod: device nodes cannot be created in a sandbox (EPERM)");
                throw Errno.EPERM.fail();
            }
            host(t).mknodat(l.dirFd(), l.name(), mode, dev, fs(t).umask);
        }
        return 0;
    }

    private static long unlink(GuestThread t, int dirfd, long pathAddress, int flags) {
        if ((flags & ~AT_REMOVEDIR) != 0) throw Errno.EINVAL.fail();
        byte[] p = GuestPaths.path(t, pathAddress);
        try (Location l = GuestPaths.locate(t, dirfd, p, false)) {
            l.requireExists();
            if (l.sandboxed() && (flags & AT_REMOVEDIR) != 0 && lastComponent(p).equals(".")) throw Errno.EINVAL.fail();
            l.requireNotMountRoot().requireWritable();
            host(t).unlinkat(l.dirFd(), l.name(), flags);
        }
        return 0;
    }

    private static long rename(GuestThread t, int oldDir, long oldAddress, int newDir, long newAddress, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) throw Errno.EINVAL.fail();
        byte[] from = GuestPaths.path(t, oldAddress), to = GuestPaths.path(t, newAddress);
        try (Location a = GuestPaths.locate(t, oldDir, from, false); Location b = GuestPaths.locate(t, newDir, to, false)) {
            a.requireExists();
            if (a.sandboxed()) Location.requireSameMount(a, b);
            a.requireNotMountRoot().requireWritable();
            b.requireNotMountRoot().requireWritable();
            host(t).renameat2(a.dirFd(), a.name(), b.dirFd(), b.name(), flags);
        }
        return 0;
    }

    private static long symlink(GuestThread t, long targetAddress, int newDir, long linkAddress) {
        byte[] target = GuestPaths.path(t, targetAddress), link = GuestPaths.path(t, linkAddress);
        try (Location l = GuestPaths.locate(t, newDir, link, false)) {
            l.requireAbsent().requireWritable();
            host(t).symlinkat(target, l.dirFd(), l.name());
        }
        return 0;
    }

    private static long link(GuestThread t, int oldDir, long oldAddress, int newDir, long newAddress, int flags) {
        if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] from = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, oldAddress) : GuestPaths.path(t, oldAddress);
        byte[] to = GuestPaths.path(t, newAddress);
        try (Location a = from.length == 0 ? GuestPaths.ofFd(t, oldDir)
                : GuestPaths.locate(t, oldDir, from, (flags & AT_SYMLINK_FOLLOW) != 0);
             Location b = GuestPaths.locate(t, newDir, to, false)) {
            a.requireExists();
            b.requireAbsent().requireWritable();
            if (b.sandboxed() && (a.sandboxed() ? a.mount != b.mount : t.process.files.get(oldDir).onReadOnlyMount())) {
                throw Errno.EXDEV.fail();
            }
            // A "/proc/self/fd/N" pair is linked by following it, as the walker already chose what to link.
            int hostFlags = a.sandboxed() && a.dirFd() == AT_FDCWD ? (flags | AT_SYMLINK_FOLLOW) : flags;
            host(t).linkat(a.dirFd(), a.name(), b.dirFd(), b.name(), hostFlags);
        }
        return 0;
    }

    private static long chmod(GuestThread t, int dirfd, long pathAddress, int mode) {
        byte[] p = GuestPaths.path(t, pathAddress);
        try (Location l = GuestPaths.locate(t, dirfd, p, true)) {
            l.requireExists().requireWritable();
            host(t).fchmodat(l.dirFd(), l.name(), mode & 07777);
        }
        return 0;
    }

    private static long chown(GuestThread t, int dirfd, long pathAddress, int uid, int gid, int flags) {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] p = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, pathAddress) : GuestPaths.path(t, pathAddress);
        if (p.length == 0) {
            host(t).fchownat(writableFd(t, dirfd), p, uid, gid, flags);
            return 0;
        }
        try (Location l = GuestPaths.locate(t, dirfd, p, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists().requireWritable();
            host(t).fchownat(l.dirFd(), l.name(), uid, gid, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
        return 0;
    }

    private long utimensat(GuestThread t, SyscallArgs a) {
        int dirfd = a.i32(0), flags = a.i32(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] times = a.get(2) == 0 ? null : t.process.memory.read(a.get(2), 32);
        if (times != null) {
            for (int i = 0; i < 2; i++) {
                long nsec = Longs.fromBytes(times, 16 * i + 8);
                if (nsec != UTIME_NOW && nsec != UTIME_OMIT && (nsec < 0 || nsec > 999_999_999L)) throw Errno.EINVAL.fail();
            }
        }
        if (a.get(1) == 0) { // futimens: the file dirfd refers to
            host(t).utimensat(writableFd(t, dirfd), null, times, 0);
            return 0;
        }
        byte[] p = GuestPaths.path(t, a.get(1));
        try (Location l = GuestPaths.locate(t, dirfd, p, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists().requireWritable();
            host(t).utimensat(l.dirFd(), l.name(), times, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
        return 0;
    }

    /**
     * utimes (struct timeval[2]) and utime (struct utimbuf {actime, modtime}): converted to utimensat's
     * timespecs; a NULL pointer means "now".
     */
    private static long utimes(GuestThread t, long pathAddress, long timesAddress, int stride, long nanosPerUnit) {
        byte[] p = GuestPaths.path(t, pathAddress);
        byte[] times = null;
        if (timesAddress != 0) {
            AddressSpace m = t.process.memory;
            times = new byte[32];
            for (int i = 0; i < 2; i++) {
                long base = timesAddress + (stride == 0 ? 8L * i : 16L * i);
                long sec = m.readLong(base);
                long frac = stride == 0 ? 0 : m.readLong(base + 8);
                if (frac < 0 || frac >= 1_000_000) throw Errno.EINVAL.fail();
                Longs.put(times, 16 * i, sec, 8);
                Longs.put(times, 16 * i + 8, frac * nanosPerUnit, 8);
            }
        }
        try (Location l = GuestPaths.locate(t, AT_FDCWD, p, true)) {
            l.requireExists().requireWritable();
            host(t).utimensat(l.dirFd(), l.name(), times, 0);
        }
        return 0;
    }

    /** truncate(2) by path: opened relative to the guest's cwd, since the host call has no dirfd. */
    private long truncate(GuestThread t, SyscallArgs a) {
        if (a.get(1) < 0) throw Errno.EINVAL.fail();
        byte[] p = GuestPaths.path(t, a.get(0));
        int fd;
        try (Location l = GuestPaths.locate(t, AT_FDCWD, p, true)) {
            l.requireExists().requireWritable();
            fd = host(t).openat(l.dirFd(), l.name(), O_WRONLY | O_CLOEXEC, 0, fs(t).umask);
        }
        try {
            host(t).simple(HostFs.FTRUNCATE, fd, a.get(1), 0);
        } finally {
            host(t).closeFd(fd);
        }
        return 0;
    }

    private static String lastComponent(byte[] path) {
        String s = GuestPaths.string(path);
        while (s.endsWith("/") && s.length() > 1) s = s.substring(0, s.length() - 1);
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
