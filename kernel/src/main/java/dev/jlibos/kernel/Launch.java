package dev.jlibos.kernel;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadOptions;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.loader.ProgramLoader;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StreamFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Creating the first process of a machine: credentials, stdio, and loading the program. */
public final class Launch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Launch() {
    }

    private static final int F_DUPFD_CLOEXEC = 1030, F_GETFL = 3;

    static GuestProcess createProcess(Kernel kernel, AddressSpace memory, HostFs host, Machine.Builder config) {
        FdTable files = new FdTable();
        if (config.hostStdio) {
            // The guest gets its own host duplicates of fds 0-2: closing them cannot close the JVM's.
            for (int fd = 0; fd < 3; fd++) {
                int copy = (int) host.simple(HostFs.FCNTL, fd, F_DUPFD_CLOEXEC, 3);
                int flags = (int) host.simple(HostFs.FCNTL, copy, F_GETFL, 0);
                files.install(new HostFile(host, copy, "/proc/self/fd/" + fd, flags), false);
            }
        } else {
            InputStream in = config.stdin != null ? config.stdin : InputStream.nullInputStream();
            files.install(new StreamFile(in, null, "/dev/stdin"), false);
            files.install(new StreamFile(null, orNull(config.stdout), "/dev/stdout"), false);
            files.install(new StreamFile(null, orNull(config.stderr), "/dev/stderr"), false);
        }
        int[] ids = hostIds();
        GuestProcess p = new GuestProcess(kernel, kernel.allocatePid(), 1, memory, files, new Credentials(ids[0], ids[1]));
        p.fs = FsContext.open(host, config.cwd);
        p.argv = config.argv;
        p.envp = config.envp;
        return p;
    }

    private static OutputStream orNull(OutputStream out) {
        return out != null ? out : OutputStream.nullOutputStream();
    }

    /** Loads a program into {@code process.memory} and records what /proc and brk need. */
    public static LoadedProgram load(GuestProcess process, String path, java.util.List<String> argv,
                              java.util.List<String> envp, Cpu cpu, Path cwd) throws LoadException {
        ProgramLoader loader = new ProgramLoader(file -> readHost(cwd, file));
        long hwcap = cpu.cpuid(1, 0)[3] & 0xffffffffL;
        LoadOptions options = LoadOptions.defaults(hwcap, process.credentials.ruid, process.credentials.rgid, () -> {
            byte[] b = new byte[16];
            RANDOM.nextBytes(b);
            return b;
        });
        LoadedProgram program = loader.load(process.memory, path, argv, envp, options);
        process.executable = cwd.resolve(program.executable()).normalize().toString();
        String base = Path.of(program.execFn()).getFileName().toString();
        for (GuestThread t : process.threads) t.name = base.length() > 15 ? base.substring(0, 15) : base;
        process.argv = program.argv();
        process.envp = java.util.List.copyOf(envp);
        process.auxv = program.auxv();
        process.brkStart = process.brk = program.brkStart();
        return program;
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

    /** The launcher's own uid and gid, so ownership seen through the host passthrough agrees with getuid(). */
    private static int[] hostIds() {
        try {
            return new int[] {(Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                    (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid")};
        } catch (IOException | UnsupportedOperationException e) {
            return new int[] {0, 0};
        }
    }
}
