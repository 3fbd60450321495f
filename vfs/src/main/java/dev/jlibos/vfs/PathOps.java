package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.proc.ProcTask;

import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_REMOVEDIR;
import static dev.jlibos.core.abi.At.AT_SYMLINK_FOLLOW;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/**
 * Changing the file tree through paths: the cwd, mkdir, unlink, rename, links, modes, owners, times and
 * sizes. Each resolves its paths with {@link GuestPaths#locate} (host passthrough or the sandbox's walk,
 * whose checks -- read-only mounts, mount roots, cross-mount renames -- apply here) and then asks the host
 * to act on exactly what was found. Arguments arrive decoded and validated by the families.
 */
public final class PathOps {
    private PathOps() {
    }

    public static void chdir(ProcTask t, byte[] path) {
        FsContext fs = t.process().fs();
        if (fs.sandboxed()) {
            fs.changeDirectory(GuestPaths.locate(t, AT_FDCWD, path, true));
            return;
        }
        try (Location l = GuestPaths.locate(t, AT_FDCWD, path, true)) {
            if (l.synthetic != null) throw Errno.EACCES.fail(); // a directory of the kernel's /proc
            fs.changeDirectory(l.dirFd(), l.name());
        }
    }

    public static void fchdir(ProcTask t, int fd) {
        FsContext fs = t.process().fs();
        FileDescription d = t.process().files().get(fd);
        if (fs.sandboxed()) {
            fs.changeDirectory(GuestPaths.locate(t, fd, new byte[] {'.'}, true));
            return;
        }
        if (d.hostFd() < 0) throw Errno.ENOTDIR.fail();
        fs.changeDirectory(d.hostFd(), ".".getBytes(StandardCharsets.UTF_8));
    }

    public static void mkdir(ProcTask t, int dirfd, byte[] path, int mode) {
        try (Location l = GuestPaths.locate(t, dirfd, path, false)) {
            l.requireAbsent().requireWritable();
            host(t).mkdirat(l.dirFd(), l.name(), mode & 07777, t.process().fs().umask);
        }
    }

    /** mknodat; a sandbox never creates device nodes (as a container without CAP_MKNOD): EPERM. */
    public static void mknod(ProcTask t, int dirfd, byte[] path, int mode, long dev) {
        try (Location l = GuestPaths.locate(t, dirfd, path, false)) {
            l.requireAbsent().requireWritable();
            int type = mode & 0170000;
            if (l.sandboxed() && (type == 0020000 || type == 0060000)) throw Errno.EPERM.fail();
            host(t).mknodat(l.dirFd(), l.name(), mode, dev, t.process().fs().umask);
        }
    }

    public static void unlink(ProcTask t, int dirfd, byte[] path, int flags) {
        try (Location l = GuestPaths.locate(t, dirfd, path, false)) {
            l.requireExists();
            if (l.sandboxed() && (flags & AT_REMOVEDIR) != 0 && lastComponent(path).equals(".")) throw Errno.EINVAL.fail();
            l.requireNotMountRoot().requireWritable();
            host(t).unlinkat(l.dirFd(), l.name(), flags);
        }
    }

    public static void rename(ProcTask t, int oldDir, byte[] from, int newDir, byte[] to, int flags) {
        try (Location a = GuestPaths.locate(t, oldDir, from, false); Location b = GuestPaths.locate(t, newDir, to, false)) {
            a.requireExists();
            if (a.sandboxed()) Location.requireSameMount(a, b);
            a.requireNotMountRoot().requireWritable();
            b.requireNotMountRoot().requireWritable();
            host(t).renameat2(a.dirFd(), a.name(), b.dirFd(), b.name(), flags);
        }
    }

    public static void symlink(ProcTask t, byte[] target, int newDir, byte[] link) {
        try (Location l = GuestPaths.locate(t, newDir, link, false)) {
            l.requireAbsent().requireWritable();
            host(t).symlinkat(target, l.dirFd(), l.name());
        }
    }

    /** linkat; an empty {@code from} (AT_EMPTY_PATH) links the file {@code oldDir} refers to. */
    public static void link(ProcTask t, int oldDir, byte[] from, int newDir, byte[] to, int flags) {
        try (Location a = from.length == 0 ? GuestPaths.ofFd(t, oldDir)
                : GuestPaths.locate(t, oldDir, from, (flags & AT_SYMLINK_FOLLOW) != 0);
             Location b = GuestPaths.locate(t, newDir, to, false)) {
            a.requireExists();
            b.requireAbsent().requireWritable();
            if (b.sandboxed() && (a.sandboxed() ? a.mount != b.mount : t.process().files().get(oldDir).onReadOnlyMount())) {
                throw Errno.EXDEV.fail();
            }
            // A "/proc/self/fd/N" pair is linked by following it, as the walker already chose what to link.
            int hostFlags = a.sandboxed() && a.dirFd() == AT_FDCWD ? (flags | AT_SYMLINK_FOLLOW) : flags;
            host(t).linkat(a.dirFd(), a.name(), b.dirFd(), b.name(), hostFlags);
        }
    }

    public static void chmod(ProcTask t, int dirfd, byte[] path, int mode) {
        try (Location l = GuestPaths.locate(t, dirfd, path, true)) {
            l.requireExists().requireWritable();
            host(t).fchmodat(l.dirFd(), l.name(), mode & 07777);
        }
    }

    /** fchownat; an empty path (AT_EMPTY_PATH) changes the file {@code dirfd} refers to. */
    public static void chown(ProcTask t, int dirfd, byte[] path, int uid, int gid, int flags) {
        if (path.length == 0) {
            host(t).fchownat(writableFd(t, dirfd), path, uid, gid, flags);
            return;
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists().requireWritable();
            host(t).fchownat(l.dirFd(), l.name(), uid, gid, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
    }

    /** utimensat with {@code times} (two struct timespec, null: now); a null path is futimens on {@code dirfd}. */
    public static void utimens(ProcTask t, int dirfd, byte[] path, byte[] times, int flags) {
        if (path == null) {
            host(t).utimensat(writableFd(t, dirfd), null, times, 0);
            return;
        }
        try (Location l = GuestPaths.locate(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0)) {
            l.requireExists().requireWritable();
            host(t).utimensat(l.dirFd(), l.name(), times, l.hostFlags(flags, AT_SYMLINK_NOFOLLOW));
        }
    }

    /**
     * truncate(2) by path. In passthrough the host's own truncate is given the path (a relative one through
     * the cwd's /proc/self/fd link): it opens nothing, so inotify watchers see only its IN_MODIFY, and a FIFO
     * is EINVAL without any open. In a sandbox the file is opened from the walker's result (the host call
     * has no dirfd) and truncated through that fd, which also lets a tmpfs quota see the new length.
     */
    public static void truncate(ProcTask t, byte[] path, long length) {
        int fd;
        TmpfsQuota quota;
        try (Location l = GuestPaths.locate(t, AT_FDCWD, path, true)) {
            if (!l.sandboxed() && l.synthetic == null) {
                int dir = l.dirFd();
                byte[] p = dir == AT_FDCWD ? l.name()
                        : ("/proc/self/fd/" + dir + "/" + l.nameString()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                host(t).truncate(p, length);
                return;
            }
            l.requireExists().requireWritable();
            quota = l.mount != null ? l.mount.quota() : null;
            // O_NONBLOCK: an O_WRONLY open of a FIFO without a reader blocks the host thread for good (and
            // HostFs's umask lock with it, so every machine in the JVM); kfuzz hung there. Linux's truncate
            // of a FIFO is EINVAL, which the host's ENXIO becomes.
            try {
                fd = host(t).openat(l.dirFd(), l.name(), O_WRONLY | O_CLOEXEC | dev.jlibos.core.abi.Fcntl.O_NONBLOCK, 0,
                        t.process().fs().umask);
            } catch (dev.jlibos.core.LinuxException e) {
                if (e.errno() == dev.jlibos.core.Errno.ENXIO) throw dev.jlibos.core.Errno.EINVAL.fail();
                throw e;
            }
        }
        try {
            if (quota != null) quota.admitLength(host(t), fd, length);
            host(t).truncate(fd, length);
        } finally {
            host(t).closeFd(fd);
        }
    }

    /** The host fd of a descriptor whose metadata is about to change: EROFS on a read-only mount. */
    public static int writableFd(ProcTask t, int fd) {
        if (t.process().files().get(fd).onReadOnlyMount()) throw Errno.EROFS.fail();
        return hostFd(t, fd, Errno.EBADF);
    }

    /** The host fd of a descriptor; JVM-side objects (pipes, streams) fail with {@code otherwise}. */
    public static int hostFd(ProcTask t, int fd, Errno otherwise) {
        FileDescription d = t.process().files().get(fd);
        if (d.hostFd() < 0) throw otherwise.fail();
        return d.hostFd();
    }

    private static HostFs host(ProcTask t) {
        return t.process().fs().host;
    }

    private static String lastComponent(byte[] path) {
        String s = GuestPaths.string(path);
        while (s.endsWith("/") && s.length() > 1) s = s.substring(0, s.length() - 1);
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
