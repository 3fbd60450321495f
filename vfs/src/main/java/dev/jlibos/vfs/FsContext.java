package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.MountTable;
import dev.jlibos.vfs.mount.PathWalker;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_DIRECTORY;
import static dev.jlibos.core.abi.Fcntl.O_PATH;

/**
 * A process's filesystem state: its working directory (held as a host O_PATH fd, so relative paths
 * resolve against the guest's cwd, never the JVM's) and its umask; in a sandbox also the path walker
 * over its mount table and the cwd's canonical guest path.
 */
public final class FsContext {
    public final HostFs host;
    /** The sandbox's walker, or null for host passthrough. */
    public final PathWalker walker;
    /** Passthrough mode: the walker over the host root with the kernel's /proc, for guest /proc paths. */
    private PathWalker procWalker;
    private int cwdFd;
    private List<String> cwdComponents;
    public int umask;

    private FsContext(HostFs host, PathWalker walker, int cwdFd, List<String> cwdComponents, int umask) {
        this.host = host;
        this.walker = walker;
        this.cwdFd = cwdFd;
        this.cwdComponents = cwdComponents;
        this.umask = umask;
    }

    /** A context whose cwd is the host directory {@code dir}. */
    public static FsContext open(HostFs host, String dir) {
        int fd = host.openat(AT_FDCWD, dir.getBytes(StandardCharsets.UTF_8), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
        return new FsContext(host, null, fd, null, host.hostUmask());
    }

    /** A sandboxed context whose cwd is guest directory {@code dir} (resolved in the sandbox). */
    public static FsContext sandbox(HostFs host, MountTable mounts, String dir, Object caller) {
        FsContext fs = new FsContext(host, new PathWalker(host, mounts), -1, List.of(), 022);
        fs.changeDirectory(fs.locate(List.of(), -1, dir.getBytes(StandardCharsets.UTF_8), true, caller));
        return fs;
    }

    /** Passthrough mode: walk paths about guest processes (/proc/self...) in {@code table}. */
    public void useGuestProc(MountTable table) {
        this.procWalker = new PathWalker(host, table);
    }

    public PathWalker procWalker() {
        return procWalker;
    }

    public boolean sandboxed() {
        return walker != null;
    }

    /** Resolves a path in the sandbox, relative to {@code start}/{@code startFd} (a dirfd) or the cwd. */
    public Location locate(List<String> start, int startFd, byte[] path, boolean followLast, Object caller) {
        return walker.resolve(start, startFd, path, followLast, caller);
    }

    /** As above with openat2's RESOLVE_* limits (see {@link PathWalker}). */
    public Location locate(List<String> start, int startFd, byte[] path, boolean followLast, int limits, Object caller) {
        return walker.resolve(start, startFd, path, followLast, limits, caller);
    }

    /** Resolves a path in the sandbox relative to the cwd. */
    public Location locateFromCwd(byte[] path, boolean followLast, Object caller) {
        return walker.resolve(cwdComponents, cwdFd, path, followLast, caller);
    }

    public Location locateFromCwd(byte[] path, boolean followLast, int limits, Object caller) {
        return walker.resolve(cwdComponents, cwdFd, path, followLast, limits, caller);
    }

    /** Sandbox chdir to a resolved location: must be a searchable directory. */
    public void changeDirectory(Location l) {
        try (l) {
            if (!l.exists) throw Errno.ENOENT.fail();
            if (l.fileType != StatLayout.S_IFDIR) throw Errno.ENOTDIR.fail();
            int fd = -1;
            if (l.synthetic == null) {
                fd = host.openat(l.dirFd(), l.name(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, umask);
                try {
                    host.faccessat2(fd, new byte[0], 1 /* X_OK */, 0x1000 /* AT_EMPTY_PATH */);
                } catch (RuntimeException e) {
                    host.closeFd(fd);
                    throw e;
                }
            }
            if (cwdFd >= 0) host.closeFd(cwdFd);
            cwdFd = fd;
            cwdComponents = l.guestComponents;
        }
    }

    /** The host fd relative paths are resolved against. */
    public int cwdFd() {
        return cwdFd;
    }

    /** chdir: {@code dirfd}/{@code path} must be a searchable directory. */
    public void changeDirectory(int dirfd, byte[] path) {
        int fd = host.openat(dirfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, umask);
        try {
            host.faccessat2(fd, new byte[0], 1 /* X_OK */, 0x1000 /* AT_EMPTY_PATH */);
        } catch (RuntimeException e) {
            host.closeFd(fd);
            throw e;
        }
        host.closeFd(cwdFd);
        cwdFd = fd;
    }

    /** The absolute path of the cwd: the guest path in a sandbox, else what the host's /proc says of our fd. */
    public String cwdPath() {
        if (walker != null) return MountTable.join(cwdComponents);
        String p = new String(host.readlinkat(AT_FDCWD,
                ("/proc/self/fd/" + cwdFd).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        if (p.endsWith(" (deleted)")) throw Errno.ENOENT.fail();
        return p;
    }

    /** fork: same working directory (its own host fd) and umask. */
    public FsContext copyForFork() {
        int fd = cwdFd < 0 ? -1 : (int) host.simple(HostFs.FCNTL, cwdFd, 1030 /* F_DUPFD_CLOEXEC */, 3);
        FsContext copy = new FsContext(host, walker, fd, cwdComponents, umask);
        copy.procWalker = procWalker;
        return copy;
    }

    public void close() {
        if (cwdFd >= 0) host.closeFd(cwdFd);
    }
}
