package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.Lookups;

import static dev.jlibos.core.abi.At.AT_EACCESS;
import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_NO_AUTOMOUNT;
import static dev.jlibos.core.abi.At.AT_STATX_SYNC_TYPE;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;

/** Reading metadata: the stat family, statx, access checks, readlink, directory listing. */
public final class StatCalls implements SyscallFamily {
    private static final int CHUNK = 1 << 20;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.STAT, (t, a) -> stat(t, AT_FDCWD, a.get(0), a.get(1), 0));
        r.full(Sysno.LSTAT, (t, a) -> stat(t, AT_FDCWD, a.get(0), a.get(1), AT_SYMLINK_NOFOLLOW));
        r.full(Sysno.FSTAT, (t, a) -> {
            t.process.memory().write(a.get(1), t.process.files.get(a.i32(0)).stat());
            return 0;
        });
        r.full(Sysno.NEWFSTATAT, (t, a) -> stat(t, a.i32(0), a.get(1), a.get(2), a.i32(3)))
                .coveredBy("CProgramsTest[malloc]");
        r.full(Sysno.STATX, this::statx);
        r.full(Sysno.ACCESS, (t, a) -> access(t, AT_FDCWD, a.get(0), a.i32(1), 0)).coveredBy("CProgramsTest[files]");
        r.full(Sysno.FACCESSAT, (t, a) -> access(t, a.i32(0), a.get(1), a.i32(2), 0));
        r.full(Sysno.FACCESSAT2, (t, a) -> access(t, a.i32(0), a.get(1), a.i32(2), a.i32(3)))
                .coveredBy("CProgramsTest[paths]");
        r.partial(Sysno.READLINK, "/proc/self/{exe,cwd,root,fd/N} are the guest's; the rest of /proc is the"
                + " host's (issue 3)", (t, a) -> readlink(t, AT_FDCWD, a.get(0), a.get(1), a.get(2)))
                        .coveredBy("CProgramsTest[stdio]");
        r.partial(Sysno.READLINKAT, "as readlink", (t, a) -> readlink(t, a.i32(0), a.get(1), a.get(2), a.get(3)));
        r.full(Sysno.GETDENTS64, this::getdents64).coveredBy("CProgramsTest[dirs]");
        r.full(Sysno.STATFS, this::statfs);
        r.full(Sysno.FSTATFS, (t, a) -> {
            t.process.memory().write(a.get(1), Lookups.fstatfs(t, a.i32(0)));
            return 0;
        });
    }

    private static long stat(GuestThread t, int dirfd, long pathAddress, long buf, int flags) {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] result = Lookups.stat(t, dirfd, GuestPaths.pathOrEmpty(t, pathAddress), flags);
        t.process.memory().write(buf, result);
        return 0;
    }

    private long statx(GuestThread t, SyscallArgs a) {
        int dirfd = a.i32(0), flags = a.i32(2), mask = a.i32(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) != 0
                || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) {
            throw Errno.EINVAL.fail();
        }
        byte[] result = Lookups.statx(t, dirfd, GuestPaths.pathOrEmpty(t, a.get(1)), flags, mask);
        t.process.memory().write(a.get(4), result);
        return 0;
    }

    private static long access(GuestThread t, int dirfd, long pathAddress, int mode, int flags) {
        if ((mode & ~7) != 0 || (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
            throw Errno.EINVAL.fail();
        }
        byte[] path = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, pathAddress) : GuestPaths.path(t, pathAddress);
        Lookups.access(t, dirfd, path, mode, flags);
        return 0;
    }

    private static long readlink(GuestThread t, int dirfd, long pathAddress, long buf, long size) {
        if (size <= 0) throw Errno.EINVAL.fail();
        byte[] target = Lookups.readlink(t, dirfd, GuestPaths.path(t, pathAddress));
        int n = (int) Math.min(size, target.length);
        t.process.memory().write(buf, target, 0, n);
        return n;
    }

    private long getdents64(GuestThread t, SyscallArgs a) {
        FileDescription dir = t.process.files.get(a.i32(0));
        long count = a.get(2) & 0xffffffffL;
        int want = (int) Math.min(count, CHUNK);
        // Linux copies entries out one by one and fails only when one faults, so a count larger than the
        // mapped buffer works while the entries fit (kfuzz: jlibos gave EFAULT for any unmapped byte in
        // the range). The entries are read into what is mapped; none fitting there is the fault.
        int usable = (int) t.process.memory().accessiblePrefix(a.get(1), want, true);
        if (usable == 0 && want > 0) throw Errno.EFAULT.fail();
        byte[] buf = new byte[usable];
        int n;
        try {
            n = dir.getdents64(buf);
        } catch (dev.jlibos.core.LinuxException e) {
            if (e.errno() == Errno.EINVAL && usable < want) throw Errno.EFAULT.fail(); // the first entry hit the unmapped part
            throw e;
        }
        t.process.memory().write(a.get(1), buf, 0, n);
        return n;
    }

    /** statfs has no *at form: the path is resolved relative to the guest's cwd. */
    private long statfs(GuestThread t, SyscallArgs a) {
        t.process.memory().write(a.get(1), Lookups.statfs(t, GuestPaths.path(t, a.get(0))));
        return 0;
    }
}
