package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.SyntheticDirectory;
import dev.jlibos.vfs.SyntheticFile;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.PathWalker;
import dev.jlibos.vfs.mount.SyntheticTree;

import java.util.List;

import static dev.jlibos.kernel.sys.GuestPaths.AT_FDCWD;

/** Opening files: open, openat, creat. The host file tree is visible at "/" (passthrough, like qemu-user). */
public final class OpenCalls implements SyscallFamily {
    private static final int O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_DIRECTORY = 0x10000,
            O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    /** Flags the kernel keeps as file status flags (visible to F_GETFL). */
    private static final int STATUS_FLAGS = 0x3 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x40000 | 0x8000 | 0x200000;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.OPEN, (t, a) -> open(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2)));
        r.full(Sysno.OPENAT, (t, a) -> open(t, a.i32(0), a.get(1), a.i32(2), a.i32(3)));
        r.full(Sysno.CREAT, (t, a) -> open(t, AT_FDCWD, a.get(0), O_CREAT | O_WRONLY | O_TRUNC, a.i32(1)));
    }

    static long open(GuestThread t, int dirfd, long pathAddress, int flags, int mode) {
        byte[] path = GuestPaths.path(t, pathAddress);
        if (t.process.fs.sandboxed()) return openSandboxed(t, dirfd, path, flags, mode);
        if (GuestPaths.string(path).equals("/proc/cpuinfo")) {
            return t.process.files.install(new SyntheticFile("/proc/cpuinfo", CpuInfo.render(t.cpu)), (flags & O_CLOEXEC) != 0);
        }
        String entry = procEntry(t, dirfd, path);
        if (entry == null && GuestPaths.string(path).startsWith("/proc/")) {
            var other = ProcSelf.other(t, GuestPaths.lexical(t, dirfd, path));
            if (other != null) {
                byte[] content = ProcSelf.contents(other.getKey(), other.getValue());
                if (content != null) {
                    if ((flags & 3) != 0) throw Errno.EACCES.fail();
                    return t.process.files.install(new SyntheticFile(GuestPaths.string(path), content), (flags & O_CLOEXEC) != 0);
                }
            }
        }
        if (entry != null) {
            byte[] content = ProcSelf.contents(t, entry);
            if (content != null) {
                if ((flags & 3) != 0) throw Errno.EACCES.fail();
                return t.process.files.install(new SyntheticFile("/proc/self/" + entry, content), (flags & O_CLOEXEC) != 0);
            }
            String target = ProcSelf.link(t, entry);
            if (target != null && (entry.equals("exe") || entry.startsWith("fd/"))) {
                // Reopen what the link names (the host's /proc would name the JVM's own files).
                path = target.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        int host = GuestPaths.dirfd(t, dirfd, path);
        // The host fd is always close-on-exec on the host; the guest's own FD_CLOEXEC lives in the fd table.
        int fd = t.process.fs.host.openat(host, path, flags | O_CLOEXEC, mode & 07777, t.process.fs.umask);
        return install(t, new HostFile(t.process.fs.host, fd, GuestPaths.string(path), flags & STATUS_FLAGS), fd, flags);
    }

    /**
     * open in a sandbox: the walker resolves the path (following a final symlink unless O_NOFOLLOW, or
     * O_CREAT|O_EXCL which never follows), then the host opens exactly what it found.
     */
    private static long openSandboxed(GuestThread t, int dirfd, byte[] path, int flags, int mode) {
        boolean create = (flags & O_CREAT) != 0;
        boolean follow = (flags & O_NOFOLLOW) == 0 && !(create && (flags & O_EXCL) != 0);
        try (Location l = GuestPaths.locate(t, dirfd, path, follow)) {
            if (!l.exists && !create) throw Errno.ENOENT.fail();
            if (l.exists && create && (flags & O_EXCL) != 0) throw Errno.EEXIST.fail();
            boolean writes = (flags & 3) != 0 || (flags & O_TRUNC) != 0 || !l.exists;
            if (l.synthetic != null && !(l.synthetic instanceof SyntheticTree.HostDevice)) {
                if (writes) throw (l.exists ? Errno.EACCES : Errno.EROFS).fail();
                return openSynthetic(t, l, flags);
            }
            if (writes && (l.fileType == 0 || l.fileType == StatLayout.S_IFREG || l.fileType == StatLayout.S_IFDIR)) {
                l.requireWritable();
            }
            // A missing final name is created by the host in the walker's directory, never through a link.
            int hostFlags = flags | O_CLOEXEC | (l.exists ? 0 : O_NOFOLLOW);
            int fd = t.process.fs.host.openat(l.dirFd(), l.name(), hostFlags, mode & 07777, t.process.fs.umask);
            HostFile file = new HostFile(t.process.fs.host, fd, l.guestPath(), flags & STATUS_FLAGS);
            if (l.mount.readOnly) file.markReadOnlyMount();
            return install(t, file, fd, flags);
        }
    }

    /** Opens a node of /proc, /sys or /dev's link set: a generated file or a directory snapshot. */
    private static long openSynthetic(GuestThread t, Location l, int flags) {
        List<String> inMount = PathWalker.relative(l.mount, l.guestComponents);
        FileDescription file;
        if (l.synthetic instanceof SyntheticTree.Directory d) {
            List<String> entries = inMount.isEmpty() ? l.mount.tree.rootEntries(t) : d.entries();
            file = new SyntheticDirectory(l.guestPath(), entries);
        } else if (l.synthetic instanceof SyntheticTree.Symlink) {
            throw Errno.ELOOP.fail(); // only reached with O_NOFOLLOW
        } else {
            if ((flags & O_DIRECTORY) != 0) throw Errno.ENOTDIR.fail();
            byte[] content = l.mount.tree.contents(t, inMount);
            if (content == null) throw Errno.ENOENT.fail();
            file = new SyntheticFile(l.guestPath(), content);
        }
        return t.process.files.install(file, (flags & O_CLOEXEC) != 0);
    }

    private static long install(GuestThread t, FileDescription file, int fd, int flags) {
        try {
            return t.process.files.install(file, (flags & O_CLOEXEC) != 0);
        } catch (RuntimeException e) {
            t.process.fs.host.closeFd(fd);
            throw e;
        }
    }

    /** The /proc/self entry a path names, or null. */
    static String procEntry(GuestThread t, int dirfd, byte[] path) {
        if (!GuestPaths.string(path).contains("proc")) return null; // fast path: no cwd lookup
        String absolute = GuestPaths.lexical(t, dirfd, path);
        return absolute == null ? null : ProcSelf.entry(t, absolute);
    }

}
