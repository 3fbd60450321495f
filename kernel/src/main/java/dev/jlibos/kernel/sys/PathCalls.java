package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.PathOps;

import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_REMOVEDIR;
import static dev.jlibos.core.abi.At.AT_SYMLINK_FOLLOW;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;
import static dev.jlibos.kernel.syscall.Trait.GROWS_FILES;

/**
 * Changing the file tree and its metadata: cwd, mkdir, unlink, rename, links, modes, owners, times, sizes.
 * Argument decoding and flag validation; {@link PathOps} (vfs) resolves the paths and acts.
 */
public final class PathCalls implements SyscallFamily {
    private static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.GETCWD, this::getcwd).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.CHDIR, (t, a) -> {
            PathOps.chdir(t, GuestPaths.path(t, a.get(0)));
            return 0;
        }).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.FCHDIR, (t, a) -> {
            PathOps.fchdir(t, a.i32(0));
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
        r.full(Sysno.FCHMOD, (t, a) -> host(t).simple(HostFs.FCHMOD, PathOps.writableFd(t, a.i32(0)), a.i32(1) & 07777, 0));
        r.full(Sysno.CHOWN, (t, a) -> chown(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2), 0));
        r.full(Sysno.LCHOWN, (t, a) -> chown(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2), AT_SYMLINK_NOFOLLOW));
        r.full(Sysno.FCHOWNAT, (t, a) -> chown(t, a.i32(0), a.get(1), a.i32(2), a.i32(3), a.i32(4)));
        r.full(Sysno.FCHOWN, (t, a) -> host(t).simple(HostFs.FCHOWN, PathOps.writableFd(t, a.i32(0)), a.i32(1), a.i32(2)));
        r.full(Sysno.UTIMENSAT, this::utimensat);
        r.full(Sysno.UTIMES, (t, a) -> utimes(t, a.get(0), a.get(1), 8, 1000));
        r.full(Sysno.UTIME, (t, a) -> utimes(t, a.get(0), a.get(1), 0, 0));
        r.full(Sysno.TRUNCATE, this::truncate).traits(GROWS_FILES).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FTRUNCATE, (t, a) -> {
            if (a.get(1) < 0) throw Errno.EINVAL.fail();
            int fd = PathOps.hostFd(t, a.i32(0), Errno.EINVAL);
            if (t.process.files.get(a.i32(0)) instanceof dev.jlibos.vfs.HostFile f && f.quota() != null) {
                f.quota().admitLength(host(t), fd, a.get(1));
            }
            return host(t).truncate(fd, a.get(1));
        }).traits(GROWS_FILES).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FSYNC, (t, a) -> host(t).simple(HostFs.FSYNC, PathOps.hostFd(t, a.i32(0), Errno.EINVAL), 0, 0));
        r.full(Sysno.FDATASYNC, (t, a) -> host(t).simple(HostFs.FDATASYNC, PathOps.hostFd(t, a.i32(0), Errno.EINVAL), 0, 0));
        r.partial(Sysno.SYNC, "returns at once: guest writes already reach the host page cache", (t, a) -> 0);
        r.full(Sysno.UMASK, (t, a) -> {
            int old = t.process.fs().umask;
            t.process.fs().umask = a.i32(0) & 0777;
            return old;
        });
    }

    private static HostFs host(GuestThread t) {
        return t.process.fs().host;
    }

    private long getcwd(GuestThread t, SyscallArgs a) {
        byte[] cwd = t.process.fs().cwdPath().getBytes(StandardCharsets.UTF_8);
        if (a.get(1) < cwd.length + 1) throw Errno.ERANGE.fail();
        byte[] out = java.util.Arrays.copyOf(cwd, cwd.length + 1);
        t.process.memory().write(a.get(0), out);
        return out.length;
    }

    private static long mkdir(GuestThread t, int dirfd, long pathAddress, int mode) {
        PathOps.mkdir(t, dirfd, GuestPaths.path(t, pathAddress), mode);
        return 0;
    }

    private static long mknod(GuestThread t, int dirfd, long pathAddress, int mode, long dev) {
        byte[] p = GuestPaths.path(t, pathAddress);
        int type = mode & 0170000;
        try {
            PathOps.mknod(t, dirfd, p, mode, dev);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EPERM && t.process.fs().sandboxed() && (type == 0020000 || type == 0060000)) {
                t.kernel().log().once("mknod: device nodes cannot be created in a sandbox (EPERM)");
            }
            throw e;
        }
        return 0;
    }

    private static long unlink(GuestThread t, int dirfd, long pathAddress, int flags) {
        if ((flags & ~AT_REMOVEDIR) != 0) throw Errno.EINVAL.fail();
        PathOps.unlink(t, dirfd, GuestPaths.path(t, pathAddress), flags);
        return 0;
    }

    private static long rename(GuestThread t, int oldDir, long oldAddress, int newDir, long newAddress, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) throw Errno.EINVAL.fail();
        PathOps.rename(t, oldDir, GuestPaths.path(t, oldAddress), newDir, GuestPaths.path(t, newAddress), flags);
        return 0;
    }

    private static long symlink(GuestThread t, long targetAddress, int newDir, long linkAddress) {
        PathOps.symlink(t, GuestPaths.path(t, targetAddress), newDir, GuestPaths.path(t, linkAddress));
        return 0;
    }

    private static long link(GuestThread t, int oldDir, long oldAddress, int newDir, long newAddress, int flags) {
        if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] from = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, oldAddress) : GuestPaths.path(t, oldAddress);
        PathOps.link(t, oldDir, from, newDir, GuestPaths.path(t, newAddress), flags);
        return 0;
    }

    private static long chmod(GuestThread t, int dirfd, long pathAddress, int mode) {
        PathOps.chmod(t, dirfd, GuestPaths.path(t, pathAddress), mode);
        return 0;
    }

    private static long chown(GuestThread t, int dirfd, long pathAddress, int uid, int gid, int flags) {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] p = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, pathAddress) : GuestPaths.path(t, pathAddress);
        PathOps.chown(t, dirfd, p, uid, gid, flags);
        return 0;
    }

    private long utimensat(GuestThread t, SyscallArgs a) {
        int dirfd = a.i32(0), flags = a.i32(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] times = a.get(2) == 0 ? null : t.process.memory().read(a.get(2), 32);
        if (times != null) {
            for (int i = 0; i < 2; i++) {
                long nsec = Longs.fromBytes(times, 16 * i + 8);
                if (nsec != UTIME_NOW && nsec != UTIME_OMIT && (nsec < 0 || nsec > 999_999_999L)) throw Errno.EINVAL.fail();
            }
        }
        // A NULL path is futimens: the file dirfd refers to.
        PathOps.utimens(t, dirfd, a.get(1) == 0 ? null : GuestPaths.path(t, a.get(1)), times, flags);
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
            AddressSpace m = t.process.memory();
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
        PathOps.utimens(t, AT_FDCWD, p, times, 0);
        return 0;
    }

    private long truncate(GuestThread t, SyscallArgs a) {
        if (a.get(1) < 0) throw Errno.EINVAL.fail();
        PathOps.truncate(t, GuestPaths.path(t, a.get(0)), a.get(1));
        return 0;
    }
}
