package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.PathWalker;
import dev.jlibos.vfs.mount.SyntheticTree;
import dev.jlibos.vfs.proc.ProcTask;

import java.util.List;

import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_CREAT;
import static dev.jlibos.core.abi.Fcntl.O_DIRECTORY;
import static dev.jlibos.core.abi.Fcntl.O_EXCL;
import static dev.jlibos.core.abi.Fcntl.O_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_TRUNC;

/**
 * "Path -> open file" for open, openat, creat and openat2: host passthrough (the host file tree is visible
 * at "/", like qemu-user), the sandbox's walk, or a synthetic tree (/proc, /sys, /dev), installed in the
 * caller's fd table. The families only decode arguments.
 */
public final class Opener {
    /** Flags the kernel keeps as file status flags (visible to F_GETFL). */
    public static final int STATUS_FLAGS = 0x3 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x40000 | 0x8000 | 0x200000;

    private Opener() {
    }

    /** Opens {@code path} relative to {@code dirfd}; returns the new guest fd. */
    public static long open(ProcTask t, int dirfd, byte[] path, int flags, int mode) {
        FsContext fs = t.process().fs();
        // A sandbox walks every path; passthrough walks only paths about guest processes (the host's
        // /proc would describe the JVM).
        if (fs.sandboxed()) return openSandboxed(t, dirfd, path, flags, mode);
        if (GuestPaths.isGuestProc(t, dirfd, path)) return openSandboxed(t, dirfd, path, flags, mode);
        int host = GuestPaths.dirfd(t, dirfd, path);
        // The host fd is always close-on-exec on the host; the guest's own FD_CLOEXEC lives in the fd table.
        var opened = FifoOpens.open(t, fs.host, flags,
                () -> fs.host.openat(host, path, flags | O_CLOEXEC | O_NONBLOCK, mode & 07777, fs.umask),
                () -> FifoOpens.isFifo(fs.host, host, path));
        return install(t, hostFile(fs, opened, GuestPaths.string(path), flags), opened.fd(), flags);
    }

    /**
     * A description of a host fd opened non-blocking by {@link FifoOpens}, the guest's flags kept. Every
     * host open ends here, so this is also where an O_TRUNC open tells the file's shared mappings.
     */
    private static HostFile hostFile(FsContext fs, FifoOpens.Opened opened, String path, int flags) {
        if ((flags & O_TRUNC) != 0) fs.host.fileMayHaveShrunk(opened.fd());
        return new HostFile(fs.host, opened.fd(), path, flags & STATUS_FLAGS, true, opened.stat());
    }

    /** openat2 with RESOLVE_* {@code limits} (already validated; non-zero). */
    public static long openLimited(ProcTask t, int dirfd, byte[] path, int flags, int mode, int limits) {
        FsContext fs = t.process().fs();
        if (fs.sandboxed()) return openSandboxed(t, dirfd, path, flags, mode, limits);
        // The limits are relative to the start directory even for absolute paths (RESOLVE_IN_ROOT), so
        // the guest's cwd fd is passed explicitly: the JVM's own cwd means nothing to the guest.
        int host = GuestPaths.dirfd(t, dirfd, new byte[] {'.'});
        var opened = FifoOpens.open(t, fs.host, flags,
                () -> fs.host.openat2(host, path, flags | O_CLOEXEC | O_NONBLOCK, mode, limits, fs.umask),
                () -> FifoOpens.isFifo(fs.host, host, path));
        return install(t, hostFile(fs, opened, GuestPaths.string(path), flags), opened.fd(), flags);
    }

    /**
     * open in a sandbox: the walker resolves the path (following a final symlink unless O_NOFOLLOW, or
     * O_CREAT|O_EXCL which never follows), then the host opens exactly what it found.
     */
    private static long openSandboxed(ProcTask t, int dirfd, byte[] path, int flags, int mode) {
        return openSandboxed(t, dirfd, path, flags, mode, 0);
    }

    /** {@code limits}: openat2's RESOLVE_* flags, applied by the walker. */
    private static long openSandboxed(ProcTask t, int dirfd, byte[] path, int flags, int mode, int limits) {
        boolean create = (flags & O_CREAT) != 0;
        boolean follow = (flags & O_NOFOLLOW) == 0 && !(create && (flags & O_EXCL) != 0);
        try (Location l = GuestPaths.locate(t, dirfd, path, follow, limits)) {
            if (!l.exists && !create) throw Errno.ENOENT.fail();
            if (l.exists && create && (flags & O_EXCL) != 0) throw Errno.EEXIST.fail();
            boolean writes = (flags & 3) != 0 || (flags & O_TRUNC) != 0 || !l.exists;
            if (l.synthetic instanceof SyntheticTree.Opened) {
                if ((flags & O_DIRECTORY) != 0) throw Errno.ENOTDIR.fail();
                FileDescription file = l.mount.tree.open(t, PathWalker.relative(l.mount, l.guestComponents), flags);
                return t.process().files().install(file, (flags & O_CLOEXEC) != 0);
            }
            if (l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice)) {
                if (writes) throw (l.exists ? Errno.EACCES : Errno.EROFS).fail();
                return openSynthetic(t, l, flags);
            }
            // Host mounts behave as "nodev": only /dev's allowlisted devices can be opened.
            if (l.fileType == StatLayout.S_IFCHR || l.fileType == StatLayout.S_IFBLK) {
                if (!(l.synthetic instanceof SyntheticTree.HostDevice)) throw Errno.EACCES.fail();
            }
            if (writes && (l.fileType == 0 || l.fileType == StatLayout.S_IFREG || l.fileType == StatLayout.S_IFDIR)) {
                l.requireWritable();
            }
            // A missing final name is created by the host in the walker's directory, never through a link.
            int hostFlags = flags | O_CLOEXEC | O_NONBLOCK | (l.exists ? 0 : O_NOFOLLOW);
            FsContext fs = t.process().fs();
            var opened = FifoOpens.open(t, fs.host, flags,
                    () -> fs.host.openat(l.dirFd(), l.name(), hostFlags, mode & 07777, fs.umask),
                    () -> l.fileType == StatLayout.S_IFIFO);
            HostFile file = hostFile(fs, opened, l.guestPath(), flags);
            if (l.mount != null && l.mount.readOnly) file.markReadOnlyMount();
            if (l.mount != null && l.mount.quota() != null) file.limitSpace(l.mount.quota());
            return install(t, file, opened.fd(), flags);
        }
    }

    /** Opens a node of /proc, /sys or /dev's link set: a generated file or a directory snapshot. */
    private static long openSynthetic(ProcTask t, Location l, int flags) {
        List<String> inMount = PathWalker.relative(l.mount, l.guestComponents);
        FileDescription file;
        if (l.synthetic instanceof SyntheticTree.Directory d) {
            var tree = l.mount.tree;
            String path = l.guestPath();
            // Listed again at the first read: "ls /proc/self/fd" must see its own descriptor.
            file = new SyntheticDirectory(path, () -> {
                if (inMount.isEmpty()) return tree.rootEntries(t);
                var node = tree.lookup(t, inMount);
                return node instanceof SyntheticTree.Directory now ? now.entries() : d.entries();
            });
        } else if (l.synthetic instanceof SyntheticTree.Symlink) {
            throw Errno.ELOOP.fail(); // only reached with O_NOFOLLOW
        } else {
            if ((flags & O_DIRECTORY) != 0) throw Errno.ENOTDIR.fail();
            byte[] content = l.mount.tree.contents(t, inMount);
            if (content == null) throw Errno.ENOENT.fail();
            file = new SyntheticFile(l.guestPath(), content);
        }
        return t.process().files().install(file, (flags & O_CLOEXEC) != 0);
    }

    private static long install(ProcTask t, FileDescription file, int fd, int flags) {
        try {
            return t.process().files().install(file, (flags & O_CLOEXEC) != 0);
        } catch (RuntimeException e) {
            t.process().fs().host.closeFd(fd);
            throw e;
        }
    }

}
