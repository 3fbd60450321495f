package dev.jlibos.kernel;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
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
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.StreamFile;
import dev.jlibos.vfs.mount.Location;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;

/** Creating the first process of a machine: credentials, stdio, and loading the program. */
public final class Launch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Launch() {
    }

    static GuestProcess createProcess(Kernel kernel, AddressSpace memory, HostFs host, Machine.Builder config) {
        FdTable files = new FdTable();
        if (config.hostStdio) {
            // The guest gets its own host duplicates of fds 0-2: closing them cannot close the JVM's.
            for (int fd = 0; fd < 3; fd++) {
                int copy = (int) host.simple(HostFs.FCNTL, fd, F_DUPFD_CLOEXEC, 3);
                int flags = (int) host.simple(HostFs.FCNTL, copy, F_GETFL, 0);
                // What the JVM's fd is (/dev/pts/0, pipe:[N], a file) is what the guest's link shows.
                String target = new String(host.readlinkat(AT_FDCWD,
                        ("/proc/self/fd/" + fd).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
                files.install(new HostFile(host, copy, target, flags), false);
            }
        } else {
            InputStream in = config.stdin != null ? config.stdin : InputStream.nullInputStream();
            files.install(new StreamFile(in, null, "/dev/stdin"), false);
            files.install(new StreamFile(null, orNull(config.stdout), "/dev/stdout"), false);
            files.install(new StreamFile(null, orNull(config.stderr), "/dev/stderr"), false);
        }
        Determinism determinism = kernel.determinism();
        int[] ids = determinism != null ? new int[] {Determinism.UID, Determinism.GID} : hostIds();
        GuestProcess p = new GuestProcess(kernel, kernel.allocatePid(), 1, memory, files, new Credentials(ids[0], ids[1]));
        if (determinism != null) p.determinism = determinism.firstProcess();
        p.fs = config.sandbox ? null : FsContext.open(host, config.cwd); // a sandbox's is set once a thread exists
        p.argv = config.argv;
        p.envp = config.envp;
        return p;
    }

    private static OutputStream orNull(OutputStream out) {
        return out != null ? out : OutputStream.nullOutputStream();
    }

    /** Loads a program into {@code process.memory} and records what /proc and brk need. */
    public static LoadedProgram load(GuestThread caller, String path, java.util.List<String> argv,
                              java.util.List<String> envp) throws LoadException {
        GuestProcess process = caller.process;
        Cpu cpu = caller.cpu;
        FsContext fs = process.fs;
        Path cwd = fs.sandboxed() ? null : Path.of(fs.cwdPath());
        ProgramLoader loader = new ProgramLoader(file -> fs.sandboxed() ? readGuest(caller, file) : readHost(cwd, file));
        long hwcap = cpu.cpuid(1, 0)[3] & 0xffffffffL;
        LoadOptions options = LoadOptions.defaults(hwcap, process.credentials.ruid, process.credentials.rgid, () -> {
            byte[] b = new byte[16];
            if (process.determinism != null) process.determinism.nextBytes(b, b.length);
            else RANDOM.nextBytes(b);
            return b;
        });
        if (process.kernel.vdso() != null) options = options.withVdso(process.kernel.vdso()::map);
        LoadedProgram program = loader.load(process.memory, path, argv, envp, options);
        process.executable = fs.sandboxed() ? guestPath(caller, program.executable())
                : realPath(cwd.resolve(program.executable()));
        String base = Path.of(program.execFn()).getFileName().toString();
        for (GuestThread t : process.threads) t.name = base.length() > 15 ? base.substring(0, 15) : base;
        process.argv = program.argv();
        process.envp = java.util.List.copyOf(envp);
        process.auxv = program.auxv();
        process.brkStart = process.brk = program.brkStart();
        process.shimData = 0;
        if (process.kernel.rewritesSyscallSites()) ShimSupport.install(caller);
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
        FsContext fs = caller.process.fs;
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
        try (Location l = caller.process.fs.locateFromCwd(path.getBytes(StandardCharsets.UTF_8), true, caller)) {
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
