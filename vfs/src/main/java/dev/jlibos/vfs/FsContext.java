package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.nio.charset.StandardCharsets;

/**
 * A process's filesystem state: its working directory (held as a host O_PATH fd, so relative paths
 * resolve against the guest's cwd, never the JVM's) and its umask.
 */
public final class FsContext {
    private static final int O_PATH = 0x200000, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    public final HostFs host;
    private int cwdFd;
    public int umask;

    private FsContext(HostFs host, int cwdFd, int umask) {
        this.host = host;
        this.cwdFd = cwdFd;
        this.umask = umask;
    }

    /** A context whose cwd is the host directory {@code dir}. */
    public static FsContext open(HostFs host, String dir) {
        int fd = host.openat(HostFs.AT_FDCWD, dir.getBytes(StandardCharsets.UTF_8), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
        return new FsContext(host, fd, host.hostUmask());
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

    /** The absolute path of the cwd, as the host's /proc knows it for our directory fd. */
    public String cwdPath() {
        String p = new String(host.readlinkat(HostFs.AT_FDCWD,
                ("/proc/self/fd/" + cwdFd).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        if (p.endsWith(" (deleted)")) throw Errno.ENOENT.fail();
        return p;
    }

    /** fork: same working directory (its own host fd) and umask. */
    public FsContext copyForFork() {
        int fd = (int) host.simple(HostFs.FCNTL, cwdFd, 1030 /* F_DUPFD_CLOEXEC */, 3);
        return new FsContext(host, fd, umask);
    }

    public void close() {
        host.closeFd(cwdFd);
    }
}
