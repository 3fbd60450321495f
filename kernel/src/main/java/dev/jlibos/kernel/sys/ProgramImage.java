package dev.jlibos.kernel.sys;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadOptions;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.loader.ProgramLoader;
import dev.jlibos.vfs.ProgramFiles;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Loading a program into a process (execve, and a machine's first program): the files as the process may
 * see them ({@link ProgramFiles}), the image built by the loader, and what /proc, brk and the kml-shim need.
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
        ProgramFiles files = new ProgramFiles(process.fs(), caller);
        ProgramLoader loader = new ProgramLoader(file -> {
            try {
                return files.read(file);
            } catch (ProgramFiles.Refused e) {
                throw new LoadException(e.errno(), e.getMessage());
            }
        });
        long hwcap = cpu.cpuid(1, 0)[3] & 0xffffffffL;
        LoadOptions options = LoadOptions.defaults(hwcap, process.credentials.ruid, process.credentials.rgid, () -> {
            byte[] b = new byte[16];
            if (process.determinism() != null) process.determinism().nextBytes(b, b.length);
            else RANDOM.nextBytes(b);
            return b;
        });
        if (process.kernel.vdso() != null) options = options.withVdso(process.kernel.vdso()::map);
        LoadedProgram program = loader.load(process.memory(), path, argv, envp, options);
        String executable = files.exePath(program.executable());
        String base = Path.of(program.execFn()).getFileName().toString();
        for (GuestThread t : process.threads) t.rename(base.length() > 15 ? base.substring(0, 15) : base);
        process.execInfo(new ExecInfo(executable, program.argv(), java.util.List.copyOf(envp), program.auxv()));
        process.layout().startImage(program.brkStart());
        process.kernel.syscalls().imageLoaded(caller);
        return program;
    }
}
