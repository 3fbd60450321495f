package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.vfs.mount.Location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The files an execve reads (the program, its interpreters) as the calling process may see them: in a
 * sandbox only through the walker, in passthrough mode on the host relative to the process's cwd (taken
 * once, when the exec starts). Each must be a regular file the caller may execute.
 */
public final class ProgramFiles {
    /** Largest executable read into memory. */
    private static final long MAX_SIZE = 1L << 30;

    /** A file that cannot be executed: the errno execve returns and a one-line reason for users. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Errno errno;

        Refused(Errno errno, String message) {
            super(message);
            this.errno = errno;
        }

        public Errno errno() {
            return errno;
        }
    }

    private final FsContext fs;
    private final Object caller;
    /** Passthrough mode's cwd; null in a sandbox. */
    private final Path cwd;

    /** {@code caller} is the thread whose view the walker uses (see {@link FsContext#locateFromCwd}). */
    public ProgramFiles(FsContext fs, Object caller) {
        this.fs = fs;
        this.caller = caller;
        this.cwd = fs.sandboxed() ? null : Path.of(fs.cwdPath());
    }

    /** The whole file {@code path} names. */
    public byte[] read(String path) throws Refused {
        return readIdentified(path).bytes();
    }

    /**
     * A file's bytes and its identity as the host file system saw it just before and just after the read:
     * device, inode, size, mtime and ctime (both in ns). The identity is null when the two stats differ (the
     * file changed under the read) or the host cannot give them, so a changed file never matches an
     * identity taken before the change.
     *
     * @param bytes    the whole file
     * @param identity a value equal only for unchanged files, or null
     */
    public record Contents(byte[] bytes, Object identity) {
    }

    /** The whole file {@code path} names, with its identity (see {@link Contents}). */
    public Contents readIdentified(String path) throws Refused {
        return fs.sandboxed() ? readGuest(path) : readHost(cwd, path);
    }

    /**
     * What /proc/PID/exe shows for the program loaded from {@code path}: the guest's path in a sandbox, the
     * file itself with symlinks resolved on the host, as Linux does (ld.so's $ORIGIN and programs that find
     * their files next to themselves, such as the JDK's launcher, rely on it).
     */
    public String exePath(String path) {
        if (!fs.sandboxed()) return realPath(cwd.resolve(path));
        try (Location l = fs.locateFromCwd(path.getBytes(StandardCharsets.UTF_8), true, caller)) {
            return l.guestPath();
        }
    }

    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.normalize().toString();
        }
    }

    /** Through the sandbox's walker: only what the guest can see. */
    private Contents readGuest(String path) throws Refused {
        try (Location l = fs.locateFromCwd(path.getBytes(StandardCharsets.UTF_8), true, caller)) {
            if (!l.exists) throw new Refused(Errno.ENOENT, path + ": no such file or directory");
            if (l.fileType == StatLayout.S_IFDIR) throw new Refused(Errno.EISDIR, path + ": is a directory");
            if (l.synthetic != null || l.fileType != StatLayout.S_IFREG) {
                throw new Refused(Errno.EACCES, path + ": not a regular file");
            }
            try {
                fs.host.faccessat2(l.dirFd(), l.name(), 1 /* X_OK */, 0);
            } catch (LinuxException e) {
                throw new Refused(Errno.EACCES, path + ": permission denied");
            }
            // The walker holds the file open; the JVM reads that very inode through /proc/self/fd.
            return readHost(Path.of("/"), l.nameString());
        } catch (LinuxException e) {
            throw new Refused(e.errno(), path + ": " + e.errno().message.toLowerCase(Locale.ROOT));
        }
    }

    private static Contents readHost(Path cwd, String path) throws Refused {
        Path p = cwd.resolve(path);
        try {
            if (Files.isDirectory(p)) throw new Refused(Errno.EISDIR, path + ": is a directory");
            if (!Files.isRegularFile(p)) {
                if (Files.exists(p)) throw new Refused(Errno.EACCES, path + ": not a regular file");
                throw new Refused(Errno.ENOENT, path + ": no such file or directory");
            }
            if (!Files.isExecutable(p)) throw new Refused(Errno.EACCES, path + ": permission denied");
            if (Files.size(p) > MAX_SIZE) throw new Refused(Errno.ENOEXEC, path + ": executable larger than 1 GiB");
            Object before = identity(p);
            byte[] bytes = Files.readAllBytes(p);
            Object after = identity(p);
            return new Contents(bytes, before != null && before.equals(after) && settled(after) ? after : null);
        } catch (NoSuchFileException e) {
            throw new Refused(Errno.ENOENT, path + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw new Refused(Errno.EACCES, path + ": permission denied");
        } catch (IOException e) {
            throw new Refused(Errno.EIO, path + ": " + e.getMessage());
        }
    }

    /** How long after its last change a file's identity is trusted: longer than a file timestamp's tick. */
    private static final long SETTLE_NANOS = 100_000_000L;

    /**
     * Whether the file last changed long enough ago: Linux stamps mtime and ctime from a coarse clock (one
     * tick is up to 10 ms), so a same-size rewrite within the tick of the change before it would keep every
     * part of the identity. As git does for racily clean files, a file changed that recently has no identity.
     */
    private static boolean settled(Object identity) {
        long ctime = (Long) ((java.util.List<?>) identity).get(4);
        java.time.Instant now = java.time.Instant.now();
        return ctime < now.getEpochSecond() * 1_000_000_000L + now.getNano() - SETTLE_NANOS;
    }

    /** Device, inode, size, mtime and ctime in ns (java.nio's unix view), or null where it is missing. */
    private static Object identity(Path p) {
        try {
            java.util.Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime");
            return java.util.List.of(a.get("dev"), a.get("ino"), a.get("size"),
                    ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    ((java.nio.file.attribute.FileTime) a.get("ctime")).to(java.util.concurrent.TimeUnit.NANOSECONDS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException
                 | NullPointerException e) {
            return null;
        }
    }
}
