package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.SyntheticTree;
import dev.jlibos.vfs.proc.ProcSelf;

import java.nio.charset.StandardCharsets;


import static dev.jlibos.core.abi.At.AT_EACCESS;
import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_NO_AUTOMOUNT;
import static dev.jlibos.core.abi.At.AT_STATX_SYNC_TYPE;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/** Reading metadata: the stat family, statx, access checks, readlink, directory listing. */
public final class StatCalls implements SyscallFamily {
    private static final int CHUNK = 1 << 20;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.STAT, (t, a) -> stat(t, AT_FDCWD, a.get(0), a.get(1), 0));
        r.full(Sysno.LSTAT, (t, a) -> stat(t, AT_FDCWD, a.get(0), a.get(1), AT_SYMLINK_NOFOLLOW));
        r.full(Sysno.FSTAT, (t, a) -> {
            t.process.memory.write(a.get(1), t.process.files.get(a.i32(0)).stat());
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
            FileDescription d = t.process.files.get(a.i32(0));
            if (d.hostFd() < 0) { // pipes and streams live on pipefs
                t.process.memory.write(a.get(1), pseudoStatfs(PIPEFS_MAGIC));
                return 0;
            }
            t.process.memory.write(a.get(1), t.process.fs.host.fstatfs(d.hostFd()));
            return 0;
        });
    }

    private static long stat(GuestThread t, int dirfd, long pathAddress, long buf, int flags) {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) != 0) throw Errno.EINVAL.fail();
        byte[] path = GuestPaths.pathOrEmpty(t, pathAddress);
        byte[] result;
        if (path.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) throw Errno.ENOENT.fail();
            result = dirfd == AT_FDCWD ? t.process.fs.host.fstat(t.process.fs.cwdFd()) : t.process.files.get(dirfd).stat();
        } else {
            try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
                l.requireExists();
                result = l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice) ? syntheticStat(l)
                        : t.process.fs.host.fstatat(l.dirFd(), l.name(), l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
            }
        }
        t.process.memory.write(buf, result);
        return 0;
    }

    private long statx(GuestThread t, SyscallArgs a) {
        int dirfd = a.i32(0), flags = a.i32(2), mask = a.i32(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) != 0
                || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) {
            throw Errno.EINVAL.fail();
        }
        byte[] path = GuestPaths.pathOrEmpty(t, a.get(1));
        byte[] result;
        if (path.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) throw Errno.ENOENT.fail();
            result = dirfd == AT_FDCWD ? t.process.fs.host.statx(t.process.fs.cwdFd(), path, flags, mask)
                    : t.process.files.get(dirfd).statx(mask);
        } else {
            try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
                l.requireExists();
                result = l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice)
                        ? StatLayout.statxFromStat(syntheticStat(l))
                        : t.process.fs.host.statx(l.dirFd(), l.name(), l.hostFlags(flags, AT_SYMLINK_NOFOLLOW), mask);
            }
        }
        t.process.memory.write(a.get(4), result);
        return 0;
    }

    private static long access(GuestThread t, int dirfd, long pathAddress, int mode, int flags) {
        if ((mode & ~7) != 0 || (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
            throw Errno.EINVAL.fail();
        }
        byte[] path = (flags & AT_EMPTY_PATH) != 0 ? GuestPaths.pathOrEmpty(t, pathAddress) : GuestPaths.path(t, pathAddress);
        if (path.length == 0 && dirfd != AT_FDCWD) {
            t.process.fs.host.faccessat2(hostFdOf(t, dirfd), path, mode, flags);
            return 0;
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists();
            if ((mode & 2) != 0 && l.fileType != StatLayout.S_IFCHR) l.requireWritable();
            if (l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice)) return 0;
            t.process.fs.host.faccessat2(l.dirFd(), l.name(), mode, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
        return 0;
    }

    private static int hostFdOf(GuestThread t, int fd) {
        FileDescription d = t.process.files.get(fd);
        if (d.hostFd() < 0) throw Errno.EACCES.fail();
        return d.hostFd();
    }

    private static long readlink(GuestThread t, int dirfd, long pathAddress, long buf, long size) {
        if (size <= 0) throw Errno.EINVAL.fail();
        byte[] path = GuestPaths.path(t, pathAddress);
        if (t.process.fs.sandboxed() || GuestPaths.isGuestProc(t, dirfd, path)) {
            try (Location l = GuestPaths.locate(t, dirfd, path, false)) {
                l.requireExists();
                byte[] target;
                if (l.synthetic instanceof SyntheticTree.Symlink s) {
                    target = s.target().getBytes(StandardCharsets.UTF_8);
                } else if (l.synthetic == null && l.fileType == StatLayout.S_IFLNK) {
                    target = t.process.fs.host.readlinkat(l.dirFd(), l.name());
                } else {
                    throw Errno.EINVAL.fail();
                }
                int n = (int) Math.min(size, target.length);
                t.process.memory.write(buf, target, 0, n);
                return n;
            }
        }
        String entry = OpenCalls.procEntry(t, dirfd, path);
        String link = entry == null ? null : ProcSelf.link(t, entry);
        byte[] target = link == null ? null : link.getBytes(StandardCharsets.UTF_8);
        if (target == null) target = t.process.fs.host.readlinkat(GuestPaths.dirfd(t, dirfd, path), path);
        int n = (int) Math.min(size, target.length);
        t.process.memory.write(buf, target, 0, n);
        return n;
    }

    private long getdents64(GuestThread t, SyscallArgs a) {
        FileDescription dir = t.process.files.get(a.i32(0));
        long count = a.get(2) & 0xffffffffL;
        byte[] buf = new byte[(int) Math.min(count, CHUNK)];
        t.process.memory.requireAccess(a.get(1), buf.length, true);
        int n = dir.getdents64(buf);
        t.process.memory.write(a.get(1), buf, 0, n);
        return n;
    }

    private static final int STATFS_SIZE = 120;
    private static final long PIPEFS_MAGIC = 0x50495045L, PROC_SUPER_MAGIC = 0x9fa0;

    /** struct statfs of a filesystem that lives in the kernel (pipefs, procfs): type, 4 KiB blocks, NAME_MAX. */
    private static byte[] pseudoStatfs(long magic) {
        byte[] b = new byte[STATFS_SIZE];
        dev.jlibos.core.mem.Longs.put(b, 0, magic, 8);
        dev.jlibos.core.mem.Longs.put(b, 8, 4096, 8);
        dev.jlibos.core.mem.Longs.put(b, 64, 255, 8);
        return b;
    }

    /** struct stat of a /proc, /sys or /dev-link node: what procfs reports for its kind. */
    private static byte[] syntheticStat(Location l) {
        int mode = l.synthetic instanceof SyntheticTree.Directory ? StatLayout.S_IFDIR | 0555
                : l.synthetic instanceof SyntheticTree.Symlink ? StatLayout.S_IFLNK | 0777 : StatLayout.S_IFREG | 0444;
        return StatLayout.synthetic(StatLayout.PROC_DEV, Math.abs(l.guestPath().hashCode()) + 1L, mode, 0, 0, 0, 0,
                System.currentTimeMillis() * 1_000_000L);
    }

    /** statfs has no *at form: the path is opened O_PATH relative to the guest's cwd, then fstatfs'ed. */
    private long statfs(GuestThread t, SyscallArgs a) {
        byte[] path = GuestPaths.path(t, a.get(0));
        HostFs host = t.process.fs.host;
        int fd;
        try (Location l = GuestPaths.locate(t, AT_FDCWD, path, true)) {
            l.requireExists();
            if (l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice)) {
                t.process.memory.write(a.get(1), pseudoStatfs(PROC_SUPER_MAGIC));
                return 0;
            }
            fd = host.openat(l.dirFd(), l.name(), 0x200000 | 0x80000 /* O_PATH|O_CLOEXEC */, 0, 0);
        }
        try {
            t.process.memory.write(a.get(1), host.fstatfs(fd));
        } finally {
            host.closeFd(fd);
        }
        return 0;
    }

}
