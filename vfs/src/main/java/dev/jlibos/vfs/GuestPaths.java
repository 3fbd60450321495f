package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.MountTable;
import dev.jlibos.vfs.proc.ProcSelf;
import dev.jlibos.vfs.proc.ProcTask;

import java.util.List;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/**
 * Path arguments: reading them from guest memory, and "path -> where it leads" for a dirfd and a path
 * (host passthrough, the sandbox's walk, or a synthetic tree such as /proc), so that the families only
 * decode arguments. The caller is the calling guest thread.
 */
public final class GuestPaths {
    /** PATH_MAX counts the terminating NUL. */
    private static final int PATH_MAX = 4096;

    private GuestPaths() {
    }

    /** A path argument; ENOENT for the empty path (unless the caller handles AT_EMPTY_PATH first). */
    public static byte[] path(ProcTask t, long address) {
        byte[] p = t.process().memory().readCBytes(address, PATH_MAX - 1, Errno.ENAMETOOLONG);
        if (p.length == 0) throw Errno.ENOENT.fail();
        return p;
    }

    public static byte[] pathOrEmpty(ProcTask t, long address) {
        return t.process().memory().readCBytes(address, PATH_MAX - 1, Errno.ENAMETOOLONG);
    }

    public static boolean absolute(byte[] path) {
        return path.length > 0 && path[0] == '/';
    }

    /**
     * Where {@code path} (relative to {@code dirfd}) leads: in host passthrough mode the guest's dirfd
     * and path as given; in a sandbox the walker's result (see {@link Location}). Callers must close it.
     */
    public static Location locate(ProcTask t, int dirfd, byte[] path, boolean followLast) {
        return locate(t, dirfd, path, followLast, 0);
    }

    /** As {@link #locate(ProcTask, int, byte[], boolean)} with openat2's RESOLVE_* limits (sandbox only). */
    public static Location locate(ProcTask t, int dirfd, byte[] path, boolean followLast, int limits) {
        FsContext fs = t.process().fs();
        if (!fs.sandboxed()) {
            if (isGuestProc(t, dirfd, path)) {
                List<String> cwd = absolute(path) ? List.of() : MountTable.components(fs.cwdPath());
                return fs.procWalker().resolve(cwd, fs.cwdFd(), path, followLast, t);
            }
            return Location.passthrough(dirfd(t, dirfd, path), path);
        }
        if (dirfd == AT_FDCWD || (absolute(path) && limits == 0)) return fs.locateFromCwd(path, followLast, limits, t);
        FileDescription d = t.process().files().get(dirfd);
        if (d.path() == null || !d.path().startsWith("/")) throw Errno.ENOTDIR.fail();
        return fs.locate(MountTable.components(d.path()), d.hostFd(), path, followLast, limits, t);
    }

    /**
     * Passthrough mode: whether a path names something about a guest process (/proc/self, /proc/PID of
     * a guest, /proc/cpuinfo, /proc/sys/kernel/hostname); those are walked through the kernel's /proc, the rest of /proc is the host's.
     */
    public static boolean isGuestProc(ProcTask t, int dirfd, byte[] path) {
        if (t.process().fs().procWalker() == null || !string(path).contains("proc")) return false; // fast path
        String p = lexical(t, dirfd, path);
        if (p == null || !p.startsWith("/proc/")) return false;
        // The guest's UTS namespace has its own node name (sethostname), not the host's.
        if (p.equals("/proc/sys/kernel/hostname")) return true;
        String first = p.substring(6);
        int slash = first.indexOf('/');
        if (slash >= 0) first = first.substring(0, slash);
        if (first.equals("self") || first.equals("thread-self") || first.equals("cpuinfo")) return true;
        try {
            int id = Integer.parseInt(first);
            // A guest pid, or the id of a guest thread (which, as a host tid, the host's /proc knows too: as
            // a JVM thread).
            return t.system().process(id) != null || dev.jlibos.vfs.proc.ProcSelf.task(t.system(), id) != null;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The location an fd stands for (AT_EMPTY_PATH): its host fd, as the host's "" relative to it. */
    public static Location ofFd(ProcTask t, int fd) {
        FileDescription d = t.process().files().get(fd);
        if (d.hostFd() < 0) throw Errno.EBADF.fail();
        return Location.passthrough(d.hostFd(), new byte[0]);
    }

    /** The host fd a relative path is resolved against: the cwd, or the directory {@code dirfd} refers to. */
    public static int dirfd(ProcTask t, int dirfd, byte[] path) {
        if (absolute(path)) return AT_FDCWD; // ignored by the host for absolute paths
        if (dirfd == AT_FDCWD) return t.process().fs().cwdFd();
        FileDescription d = t.process().files().get(dirfd);
        if (d.hostFd() < 0) throw Errno.ENOTDIR.fail();
        return d.hostFd();
    }

    /**
     * The absolute, lexically normalised guest path for {@code path} relative to {@code dirfd}, when it
     * can be named without resolving symlinks (absolute, or relative to the cwd); null otherwise. Used
     * only to recognise the synthetic /proc/self entries.
     */
    public static String lexical(ProcTask t, int dirfd, byte[] path) {
        String p = string(path);
        if (!p.startsWith("/")) {
            if (dirfd != AT_FDCWD) return null;
            p = t.process().fs().cwdPath() + "/" + p;
        }
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) parts.pollLast(); else parts.addLast(part);
        }
        return "/" + String.join("/", parts);
    }

    public static String string(byte[] path) {
        return new String(path, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The /proc/self entry a path names, or null. */
    public static String procEntry(ProcTask t, int dirfd, byte[] path) {
        if (!string(path).contains("proc")) return null; // fast path: no cwd lookup
        String absolute = lexical(t, dirfd, path);
        return absolute == null ? null : ProcSelf.entry(t, absolute);
    }
}
