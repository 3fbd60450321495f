package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadOptions;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.loader.ProgramLoader;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.mount.Location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Loading a program into a process (execve, and a machine's first program): the file read through the
 * sandbox's walker or the host, the image built by the loader, and what /proc, brk and the kml-shim need.
 */
public final class ProgramImage {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProgramImage() {
    }

    /** Loads a program into {@code process.memory()} and records what /proc and brk need. */
    public static LoadedProgram load(GuestThread caller, String path, java.util.List<String> argv,
                              java.util.List<String> envp) throws LoadException {
        GuestProcess process = caller.process;
        Cpu cpu = caller.cpu;
        FsContext fs = process.fs();
        Path cwd = fs.sandboxed() ? null : Path.of(fs.cwdPath());
        ProgramLoader loader = new ProgramLoader(file -> fs.sandboxed() ? readGuest(caller, file) : readHost(cwd, file));
        long hwcap = cpu.cpuid(1, 0)[3] & 0xffffffffL;
        LoadOptions options = LoadOptions.defaults(hwcap, process.credentials.ruid, process.credentials.rgid, () -> {
            byte[] b = new byte[16];
            if (process.determinism() != null) process.determinism().nextBytes(b, b.length);
            else RANDOM.nextBytes(b);
            return b;
        });
        if (process.kernel.vdso() != null) options = options.withVdso(process.kernel.vdso()::map);
        LoadedProgram program = loader.load(process.memory(), path, argv, envp, options);
        String executable = fs.sandboxed() ? guestPath(caller, program.executable())
                : realPath(cwd.resolve(program.executable()));
        String base = Path.of(program.execFn()).getFileName().toString();
        for (GuestThread t : process.threads) t.rename(base.length() > 15 ? base.substring(0, 15) : base);
        process.execInfo(new ExecInfo(executable, program.argv(), java.util.List.copyOf(envp), program.auxv()));
        process.layout().startImage(program.brkStart());
        process.kernel.syscalls().imageLoaded(caller);
        return program;
    }

    /**
     * /proc/self/exe names the file itself, symlinks resolved, as Linux does (ld.so's $ORIGIN and programs
     * that find their files next to themselves, such as the JDK's launcher, rely on it).
     */
    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (java.io.IOException e) {
            return p.normalize().toString();
        }
    }

    /** Reads an executable (or interpreter) through the sandbox's walker: only what the guest can see. */
    private static byte[] readGuest(GuestThread caller, String path) throws LoadException {
        FsContext fs = caller.process.fs();
        try (Location l = fs.locateFromCwd(path.getBytes(StandardCharsets.UTF_8), true, caller)) {
            if (!l.exists) throw new LoadException(Errno.ENOENT, path + ": no such file or directory");
            if (l.fileType == StatLayout.S_IFDIR) throw new LoadException(Errno.EISDIR, path + ": is a directory");
            if (l.synthetic != null || l.fileType != StatLayout.S_IFREG) {
                throw new LoadException(Errno.EACCES, path + ": not a regular file");
            }
            try {
                fs.host.faccessat2(l.dirFd(), l.name(), 1 /* X_OK */, 0);
            } catch (LinuxException e) {
                throw new LoadException(Errno.EACCES, path + ": permission denied");
            }
            // The walker holds the file open; the JVM reads that very inode through /proc/self/fd.
            return readHost(Path.of("/"), l.nameString());
        } catch (LinuxException e) {
            throw new LoadException(e.errno(), path + ": " + e.errno().message.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static String guestPath(GuestThread caller, String path) {
        try (Location l = caller.process.fs().locateFromCwd(path.getBytes(StandardCharsets.UTF_8), true, caller)) {
            return l.guestPath();
        }
    }

    private static byte[] readHost(Path cwd, String path) throws LoadException {
        Path p = cwd.resolve(path);
        try {
            if (Files.isDirectory(p)) throw new LoadException(Errno.EISDIR, path + ": is a directory");
            if (!Files.isRegularFile(p)) {
                if (Files.exists(p)) throw new LoadException(Errno.EACCES, path + ": not a regular file");
                throw new LoadException(Errno.ENOENT, path + ": no such file or directory");
            }
            if (!Files.isExecutable(p)) throw new LoadException(Errno.EACCES, path + ": permission denied");
            if (Files.size(p) > (1L << 30)) throw new LoadException(Errno.ENOEXEC, path + ": executable larger than 1 GiB");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new LoadException(Errno.ENOENT, path + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw new LoadException(Errno.EACCES, path + ": permission denied");
        } catch (IOException e) {
            throw new LoadException(Errno.EIO, path + ": " + e.getMessage());
        }
    }
}
