package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.util.ArrayList;
import java.util.List;

/**
 * A process's file descriptor table: small integers mapped to shared open file descriptions, plus the
 * per-descriptor FD_CLOEXEC flag. Descriptions are reference counted so that the underlying file is
 * released when the last descriptor referring to it closes (dup, dup2 and fork share descriptions).
 *
 * <p>Only the owning process's threads (which take turns) change it or read it with {@link #get}; they
 * change it under the table's monitor, which another process takes to look in ({@link #retained},
 * {@link #openDescriptors}).
 */
public final class FdTable {
    /** Default RLIMIT_NOFILE soft limit. */
    public static final int DEFAULT_LIMIT = 1024;

    private final List<FileDescription> files = new ArrayList<>();
    private final List<Boolean> closeOnExec = new ArrayList<>();
    private int limit = DEFAULT_LIMIT;

    public FileDescription get(int fd) {
        if (fd < 0 || fd >= files.size() || files.get(fd) == null) throw Errno.EBADF.fail();
        return files.get(fd);
    }

    public void setLimit(int limit) {
        this.limit = limit;
    }

    /** Told when an install fails with ENFILE because the JVM's host fds are spent (see {@link HostFdBudget}). */
    private Runnable onHostFdsSpent;

    /** Sets who is told about ENFILE (the machine's log line); fork's copy keeps it. */
    public void onHostFdsSpent(Runnable listener) {
        this.onHostFdsSpent = listener;
    }

    /** Installs at the lowest free descriptor, as open(2) and dup(2) do. */
    public int install(FileDescription file, boolean cloexec) {
        return installFrom(0, file, cloexec);
    }

    /** Installs at the lowest free descriptor >= {@code minimum} (F_DUPFD). */
    public int installFrom(int minimum, FileDescription file, boolean cloexec) {
        if (minimum < 0 || minimum >= limit) throw Errno.EINVAL.fail();
        int fd = minimum;
        while (fd < files.size() && files.get(fd) != null) fd++;
        if (fd >= limit) throw Errno.EMFILE.fail();
        place(fd, file, cloexec);
        return fd;
    }

    /** dup2/dup3: makes {@code newFd} refer to {@code file}, closing what it referred to before. */
    public void installAt(int newFd, FileDescription file, boolean cloexec) {
        if (newFd < 0 || newFd >= limit) throw Errno.EBADF.fail();
        if (newFd < files.size() && files.get(newFd) != null) close(newFd);
        place(newFd, file, cloexec);
    }

    private synchronized void place(int fd, FileDescription file, boolean cloexec) {
        while (files.size() <= fd) {
            files.add(null);
            closeOnExec.add(false);
        }
        if (file.references.get() == 0) {
            try {
                file.firstReference();
            } catch (dev.jlibos.core.LinuxException e) {
                if (onHostFdsSpent != null) onHostFdsSpent.run();
                throw e;
            }
        }
        file.references.incrementAndGet();
        files.set(fd, file);
        closeOnExec.set(fd, cloexec);
    }

    public synchronized void close(int fd) {
        FileDescription file = get(fd);
        file.descriptorClosed(this);
        files.set(fd, null);
        closeOnExec.set(fd, false);
        if (file.references.decrementAndGet() == 0) file.lastReferenceGone();
        else file.referenceDropped();
    }

    public boolean closeOnExec(int fd) {
        get(fd);
        return closeOnExec.get(fd);
    }

    public void setCloseOnExec(int fd, boolean value) {
        get(fd);
        closeOnExec.set(fd, value);
    }

    /**
     * The description of {@code fd} for another process (pidfd_getfd), retained so that the owner closing
     * it meanwhile cannot release it: the caller {@link FileDescription#unretain}s it once it has its own
     * reference. EBADF if {@code fd} is not open.
     */
    public synchronized FileDescription retained(int fd) {
        FileDescription file = get(fd);
        file.retain();
        return file;
    }

    /** The open descriptors in ascending order (for /proc/self/fd). */
    public synchronized List<Integer> openDescriptors() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) if (files.get(i) != null) out.add(i);
        return out;
    }

    /** fork: the child's table refers to the same open file descriptions, with the same FD_CLOEXEC flags. */
    public FdTable copyForFork() {
        FdTable child = new FdTable();
        child.limit = limit;
        child.onHostFdsSpent = onHostFdsSpent;
        for (int fd = 0; fd < files.size(); fd++) {
            if (files.get(fd) != null) child.place(fd, files.get(fd), closeOnExec.get(fd));
        }
        return child;
    }

    /** execve: closes every descriptor marked FD_CLOEXEC. */
    public void closeOnExecve() {
        for (int fd = 0; fd < files.size(); fd++) {
            if (files.get(fd) != null && closeOnExec.get(fd)) close(fd);
        }
    }

    /** Closes everything (process exit): host files are returned to the host. */
    public void closeAll() {
        for (int fd = 0; fd < files.size(); fd++) if (files.get(fd) != null) close(fd);
    }
}
