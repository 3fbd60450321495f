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
    private byte[] readGuest(String path) throws Refused {
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

    private static byte[] readHost(Path cwd, String path) throws Refused {
        Path p = cwd.resolve(path);
        try {
            if (Files.isDirectory(p)) throw new Refused(Errno.EISDIR, path + ": is a directory");
            if (!Files.isRegularFile(p)) {
                if (Files.exists(p)) throw new Refused(Errno.EACCES, path + ": not a regular file");
                throw new Refused(Errno.ENOENT, path + ": no such file or directory");
            }
            if (!Files.isExecutable(p)) throw new Refused(Errno.EACCES, path + ": permission denied");
            if (Files.size(p) > MAX_SIZE) throw new Refused(Errno.ENOEXEC, path + ": executable larger than 1 GiB");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new Refused(Errno.ENOENT, path + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw new Refused(Errno.EACCES, path + ": permission denied");
        } catch (IOException e) {
            throw new Refused(Errno.EIO, path + ": " + e.getMessage());
        }
    }
}
