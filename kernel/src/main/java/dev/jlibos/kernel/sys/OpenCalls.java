package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.SyntheticDirectory;
import dev.jlibos.vfs.SyntheticFile;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.PathWalker;
import dev.jlibos.vfs.mount.SyntheticTree;
import dev.jlibos.vfs.proc.ProcSelf;

import java.util.List;


import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_CREAT;
import static dev.jlibos.core.abi.Fcntl.O_DIRECTORY;
import static dev.jlibos.core.abi.Fcntl.O_EXCL;
import static dev.jlibos.core.abi.Fcntl.O_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_TRUNC;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/** Opening files: open, openat, creat. The host file tree is visible at "/" (passthrough, like qemu-user). */
public final class OpenCalls implements SyscallFamily {
    /** Flags the kernel keeps as file status flags (visible to F_GETFL). */
    private static final int STATUS_FLAGS = 0x3 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x40000 | 0x8000 | 0x200000;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.OPEN, (t, a) -> open(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2)));
        r.full(Sysno.OPENAT, (t, a) -> open(t, a.i32(0), a.get(1), a.i32(2), a.i32(3)))
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.CREAT, (t, a) -> open(t, AT_FDCWD, a.get(0), O_CREAT | O_WRONLY | O_TRUNC, a.i32(1)));
        r.full(Sysno.OPENAT2, this::openat2).coveredBy("CProgramsTest[fileops]");
        r.errno(Sysno.NAME_TO_HANDLE_AT, Errno.ENOSYS, "file handles are not offered (callers fall back to paths)");
        r.errno(Sysno.OPEN_BY_HANDLE_AT, Errno.ENOSYS, "file handles are not offered");
    }

    /** Flags openat2 accepts (VALID_OPEN_FLAGS); anything else is EINVAL, unlike open's silent ignoring. */
    private static final long VALID_OPEN_FLAGS = 3 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x101000 | 0x2000
            | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000 | 0x200000 | 0x400000;
    private static final long RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4, RESOLVE_BENEATH = 8,
            RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20, RESOLVE_ALL = 0x3f;
    private static final int OPEN_HOW_SIZE = 24, O_TMPFILE = 0x400000;

    /** openat2(dirfd, path, struct open_how *how, size): open's strict sibling with path-resolution limits. */
    private long openat2(GuestThread t, dev.jlibos.kernel.syscall.SyscallArgs a) {
        long size = a.get(3);
        if (size < OPEN_HOW_SIZE) throw Errno.EINVAL.fail();
        if (size > 4096) throw Errno.E2BIG.fail();
        byte[] how = t.process.memory.read(a.get(2), (int) size);
        for (int i = OPEN_HOW_SIZE; i < how.length; i++) if (how[i] != 0) throw Errno.E2BIG.fail();
        long flags = dev.jlibos.core.mem.Longs.fromBytes(how, 0), mode = dev.jlibos.core.mem.Longs.fromBytes(how, 8),
                resolve = dev.jlibos.core.mem.Longs.fromBytes(how, 16);
        if ((flags & ~VALID_OPEN_FLAGS) != 0 || (resolve & ~RESOLVE_ALL) != 0) throw Errno.EINVAL.fail();
        boolean creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
        if ((mode & ~07777L) != 0 || (!creates && mode != 0)) throw Errno.EINVAL.fail();
        if ((resolve & RESOLVE_BENEATH) != 0 && (resolve & RESOLVE_IN_ROOT) != 0) throw Errno.EINVAL.fail();
        if ((resolve & RESOLVE_CACHED) != 0 && (flags & (O_CREAT | O_TRUNC | O_TMPFILE)) != 0) throw Errno.EAGAIN.fail();
        long limits = resolve & ~RESOLVE_CACHED;
        if (limits == 0) return open(t, a.i32(0), a.get(1), (int) flags, (int) mode);
        if (t.process.fs.sandboxed()) return openSandboxed(t, a.i32(0), GuestPaths.path(t, a.get(1)), (int) flags, (int) mode, (int) limits);
        byte[] path = GuestPaths.path(t, a.get(1));
        int dirfd = a.i32(0);
        // The limits are relative to the start directory even for absolute paths (RESOLVE_IN_ROOT), so
        // the guest's cwd fd is passed explicitly: the JVM's own cwd means nothing to the guest.
        int host = GuestPaths.dirfd(t, dirfd, new byte[] {'.'});
        int fd = t.process.fs.host.openat2(host, path, flags | O_CLOEXEC, mode, limits, t.process.fs.umask);
        return install(t, new HostFile(t.process.fs.host, fd, GuestPaths.string(path), (int) flags & STATUS_FLAGS), fd, (int) flags);
    }

    static long open(GuestThread t, int dirfd, long pathAddress, int flags, int mode) {
        byte[] path = GuestPaths.path(t, pathAddress);
        if (t.process.determinism != null && isRandomDevice(path)) {
            // Deterministic mode: the seeded generator, not the host's (or the sandbox's allowlisted) device.
            return t.process.files.install(new dev.jlibos.vfs.StreamFile(
                    dev.jlibos.kernel.Determinism.randomStream(t.process.determinism), null, GuestPaths.string(path)),
                    (flags & O_CLOEXEC) != 0);
        }
        // A sandbox walks every path; passthrough walks only paths about guest processes (the host's
        // /proc would describe the JVM).
        if (t.process.fs.sandboxed()) return openSandboxed(t, dirfd, path, flags, mode);
        if (GuestPaths.isGuestProc(t, dirfd, path)) return openSandboxed(t, dirfd, path, flags, mode);
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
        return openSandboxed(t, dirfd, path, flags, mode, 0);
    }

    /** {@code limits}: openat2's RESOLVE_* flags, applied by the walker. */
    private static long openSandboxed(GuestThread t, int dirfd, byte[] path, int flags, int mode, int limits) {
        boolean create = (flags & O_CREAT) != 0;
        boolean follow = (flags & O_NOFOLLOW) == 0 && !(create && (flags & O_EXCL) != 0);
        try (Location l = GuestPaths.locate(t, dirfd, path, follow, limits)) {
            if (!l.exists && !create) throw Errno.ENOENT.fail();
            if (l.exists && create && (flags & O_EXCL) != 0) throw Errno.EEXIST.fail();
            boolean writes = (flags & 3) != 0 || (flags & O_TRUNC) != 0 || !l.exists;
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
            int hostFlags = flags | O_CLOEXEC | (l.exists ? 0 : O_NOFOLLOW);
            // The host open of a FIFO waits for the other end inside the host kernel, where no guest
            // signal or timeout can reach the JVM thread: it is opened non-blocking, then made blocking.
            boolean fifo = l.fileType == StatLayout.S_IFIFO && (flags & O_NONBLOCK) == 0;
            if (fifo) hostFlags |= O_NONBLOCK;
            int fd = t.process.fs.host.openat(l.dirFd(), l.name(), hostFlags, mode & 07777, t.process.fs.umask);
            if (fifo) t.process.fs.host.simple(HostFs.FCNTL, fd, 4 /* F_SETFL */, (flags & STATUS_FLAGS) & ~O_NONBLOCK);
            HostFile file = new HostFile(t.process.fs.host, fd, l.guestPath(), flags & STATUS_FLAGS);
            if (l.mount != null && l.mount.readOnly) file.markReadOnlyMount();
            return install(t, file, fd, flags);
        }
    }

    /** Opens a node of /proc, /sys or /dev's link set: a generated file or a directory snapshot. */
    private static long openSynthetic(GuestThread t, Location l, int flags) {
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

    private static boolean isRandomDevice(byte[] path) {
        String p = GuestPaths.string(path);
        return p.equals("/dev/urandom") || p.equals("/dev/random");
    }

    /** The /proc/self entry a path names, or null. */
    static String procEntry(GuestThread t, int dirfd, byte[] path) {
        if (!GuestPaths.string(path).contains("proc")) return null; // fast path: no cwd lookup
        String absolute = GuestPaths.lexical(t, dirfd, path);
        return absolute == null ? null : ProcSelf.entry(t, absolute);
    }

}
