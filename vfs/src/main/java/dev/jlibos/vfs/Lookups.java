package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.SyntheticTree;
import dev.jlibos.vfs.proc.ProcSelf;
import dev.jlibos.vfs.proc.ProcTask;

import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_PATH;

/**
 * "Path -> what it is" for stat, statx, access, readlink and statfs: host passthrough, the sandbox's walk
 * or a synthetic tree (/proc, /sys, /dev), with the answer as the guest's struct bytes. The families only
 * decode and validate arguments and copy the bytes out.
 */
public final class Lookups {
    private static final int STATFS_SIZE = 120;
    public static final long PIPEFS_MAGIC = 0x50495045L;
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    private Lookups() {
    }

    /** struct stat of {@code path} relative to {@code dirfd} (an empty path: the dirfd itself, AT_EMPTY_PATH). */
    public static byte[] stat(ProcTask t, int dirfd, byte[] path, int flags) {
        FsContext fs = t.process().fs();
        if (path.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) throw Errno.ENOENT.fail();
            return dirfd == AT_FDCWD ? fs.host.fstat(fs.cwdFd()) : t.process().files().get(dirfd).stat();
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists();
            return isSynthetic(l) ? syntheticStat(l) : fs.host.fstatat(l.dirFd(), l.name(), l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
    }

    /** struct statx, as {@link #stat}. */
    public static byte[] statx(ProcTask t, int dirfd, byte[] path, int flags, int mask) {
        FsContext fs = t.process().fs();
        if (path.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) throw Errno.ENOENT.fail();
            return dirfd == AT_FDCWD ? fs.host.statx(fs.cwdFd(), path, flags, mask) : t.process().files().get(dirfd).statx(mask);
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists();
            return isSynthetic(l) ? StatLayout.statxFromStat(syntheticStat(l))
                    : fs.host.statx(l.dirFd(), l.name(), l.hostFlags(flags, AT_SYMLINK_NOFOLLOW), mask);
        }
    }

    /** faccessat2: returns normally when {@code mode} is allowed. */
    public static void access(ProcTask t, int dirfd, byte[] path, int mode, int flags) {
        FsContext fs = t.process().fs();
        if (path.length == 0 && dirfd != AT_FDCWD) {
            FileDescription d = t.process().files().get(dirfd);
            if (d.hostFd() < 0) throw Errno.EACCES.fail();
            fs.host.faccessat2(d.hostFd(), path, mode, flags);
            return;
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists();
            if ((mode & 2) != 0 && l.fileType != StatLayout.S_IFCHR) l.requireWritable();
            if (isSynthetic(l)) return;
            fs.host.faccessat2(l.dirFd(), l.name(), mode, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
    }

    /** The target of the symlink {@code path} names; the guest's own for /proc/self/{exe,cwd,root,fd/N}. */
    public static byte[] readlink(ProcTask t, int dirfd, byte[] path) {
        FsContext fs = t.process().fs();
        if (fs.sandboxed() || GuestPaths.isGuestProc(t, dirfd, path)) {
            try (Location l = GuestPaths.locate(t, dirfd, path, false)) {
                l.requireExists();
                if (l.synthetic instanceof SyntheticTree.Symlink s) return s.target().getBytes(StandardCharsets.UTF_8);
                if (l.synthetic == null && l.fileType == StatLayout.S_IFLNK) return fs.host.readlinkat(l.dirFd(), l.name());
                throw Errno.EINVAL.fail();
            }
        }
        String entry = GuestPaths.procEntry(t, dirfd, path);
        String link = entry == null ? null : ProcSelf.link(t, entry);
        if (link != null) return link.getBytes(StandardCharsets.UTF_8);
        return fs.host.readlinkat(GuestPaths.dirfd(t, dirfd, path), path);
    }

    /** struct statfs of the filesystem holding {@code path} (relative to the guest's cwd: no *at form). */
    public static byte[] statfs(ProcTask t, byte[] path) {
        HostFs host = t.process().fs().host;
        int fd;
        try (Location l = GuestPaths.locate(t, AT_FDCWD, path, true)) {
            l.requireExists();
            if (isSynthetic(l)) return pseudoStatfs(PROC_SUPER_MAGIC);
            // Opened O_PATH, then fstatfs'ed: statfs itself has no *at form to hand the walker's result to.
            fd = host.openat(l.dirFd(), l.name(), O_PATH | O_CLOEXEC, 0, 0);
        }
        try {
            return host.fstatfs(fd);
        } finally {
            host.closeFd(fd);
        }
    }

    /** struct statfs of the filesystem an fd is on; pipes and streams live on pipefs. */
    public static byte[] fstatfs(ProcTask t, int fd) {
        FileDescription d = t.process().files().get(fd);
        if (d.hostFd() < 0) return pseudoStatfs(PIPEFS_MAGIC);
        return t.process().fs().host.fstatfs(d.hostFd());
    }

    private static boolean isSynthetic(Location l) {
        return l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice);
    }

    /** struct statfs of a filesystem that lives in the kernel (pipefs, procfs): type, 4 KiB blocks, NAME_MAX. */
    private static byte[] pseudoStatfs(long magic) {
        byte[] b = new byte[STATFS_SIZE];
        Longs.put(b, 0, magic, 8);
        Longs.put(b, 8, 4096, 8);
        Longs.put(b, 64, 255, 8);
        return b;
    }

    /** struct stat of a /proc, /sys or /dev-link node: what procfs reports for its kind. */
    private static byte[] syntheticStat(Location l) {
        int mode = l.synthetic instanceof SyntheticTree.Directory ? StatLayout.S_IFDIR | 0555
                : l.synthetic instanceof SyntheticTree.Symlink ? StatLayout.S_IFLNK | 0777
                : l.synthetic instanceof SyntheticTree.Opened ? StatLayout.S_IFREG | 0600 : StatLayout.S_IFREG | 0444;
        return StatLayout.synthetic(StatLayout.PROC_DEV, Math.abs(l.guestPath().hashCode()) + 1L, mode, 0, 0, 0, 0,
                System.currentTimeMillis() * 1_000_000L);
    }
}
