package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.util.ArrayList;
import java.util.List;

/** A process's file descriptor table: small integers mapped to open file descriptions plus FD_CLOEXEC. */
public final class FdTable {
    private final List<FileDescription> files = new ArrayList<>();
    private final List<Boolean> closeOnExec = new ArrayList<>();

    public FileDescription get(int fd) {
        if (fd < 0 || fd >= files.size() || files.get(fd) == null) throw Errno.EBADF.fail();
        return files.get(fd);
    }

    /** Installs at the lowest free descriptor, as open(2) and dup(2) do. */
    public int install(FileDescription file, boolean cloexec) {
        int fd = files.indexOf(null);
        if (fd < 0) {
            fd = files.size();
            files.add(null);
            closeOnExec.add(false);
        }
        files.set(fd, file);
        closeOnExec.set(fd, cloexec);
        return fd;
    }
}
