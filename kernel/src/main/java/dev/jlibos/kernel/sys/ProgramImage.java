package dev.jlibos.kernel.sys;

import dev.jlibos.core.Csprng;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Vma;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.loader.ExecutableSource;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadOptions;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.loader.ProgramLoader;
import dev.jlibos.loader.ResolvedProgram;
import dev.jlibos.vfs.ProgramFiles;

import java.nio.file.Path;
import java.util.List;

/**
 * Loading a program into a process (execve, and a machine's first program): the files as the process may
 * see them ({@link ProgramFiles}), the image built by the loader, and what /proc, brk and the kml-shim need.
 */
public final class ProgramImage {
    private ProgramImage() {
    }

    /** Loads a program into {@code process.memory()} and records what /proc and brk need. */
    public static LoadedProgram load(GuestThread caller, String path, List<String> argv,
                              List<String> envp) throws LoadException {
        ProgramFiles files = new ProgramFiles(caller.process.fs(), caller);
        ProgramLoader loader = loader(files);
        LoadOptions options = options(caller);
        return mapped(caller, files, loader, loader.resolve(path, argv), envp, options);
    }

    /** A program started through an {@link EnginePool}: what it runs, and its lease (null: not pooled). */
    public record Started(LoadedProgram program, EnginePool.Lease lease) {
    }

    /**
     * A machine's first program, through {@code pool} (see {@link EnginePool}): when the pool has the image
     * of these very files under {@code settings} (what else shapes the image: syscall path, tracing), the
     * thread takes an idle engine reset to it (or a fresh one on a copy of it) and only the stack is built;
     * otherwise the program is loaded as {@link #load} does and its image recorded. The thread must not have
     * run yet; the caller binds it to the kernel afterwards, and gives the lease back when the process ended.
     */
    public static Started loadPooled(GuestThread caller, String path, List<String> argv, List<String> envp,
                                     EnginePool pool, Object settings) throws LoadException {
        GuestProcess process = caller.process;
        ProgramFiles files = new ProgramFiles(process.fs(), caller);
        ProgramLoader loader = loader(files);
        LoadOptions options = options(caller);
        ResolvedProgram resolved = loader.resolve(path, argv);
        if (!pool.enabled() || resolved.files() == null) {
            return new Started(mapped(caller, files, loader, resolved, envp, options), null);
        }
        Object key = List.of(settings, resolved.files());
        EnginePool.Image image = pool.take(key);
        if (image == null) return recordImage(caller, files, loader, resolved, envp, options, pool, key);
        try {
            EnginePool.Idle idle = pool.takeIdle(image);
            AddressSpace unused = process.memory();
            Cpu fresh = caller.cpu;
            Cpu engine;
            AddressSpace memory;
            if (idle != null) {
                engine = idle.cpu();
                memory = idle.memory(); // reset to the image when the last run gave it back
                // The registers a new engine starts with (the last run left its own).
                Cpu.copyRegisters(fresh, engine);
                engine.resetX87(); // the x87 stack and status word the last run left
                unused.detach(fresh);
                fresh.close();
            } else {
                engine = fresh;
                memory = AddressSpace.resettableCopy(image.memory());
                unused.detach(fresh);
                memory.attach(fresh);
            }
            unused.close();
            caller.useEngine(engine);
            process.switchMemory(memory);
            LoadedProgram program;
            try {
                program = restarted(caller, files, loader, resolved, envp, options, image);
            } catch (LoadException | RuntimeException e) {
                // The process ends as a failed exec: it closes this engine and memory as its own.
                image = abandon(pool, image);
                throw e;
            }
            process.retainForSnapshot(engine, memory);
            return new Started(program, new EnginePool.Lease(image, engine, memory));
        } catch (LoadException | RuntimeException e) {
            if (image != null) pool.abandon(image);
            throw e;
        }
    }

    /**
     * What an execve switches the process to once past its point of no return: the program loaded into
     * {@code memory} (attached to no engine yet), and, when it came through the machine's pool, the engine
     * to move to ({@code engine}, null: the caller's own) and the lease the process holds until it ends.
     */
    public record Exec(LoadedProgram program, AddressSpace memory, Cpu engine, EnginePool.Lease lease) {
        /** The exec does not happen after all (the process died meanwhile): everything goes back. */
        void discard(EnginePool pool) {
            if (lease == null) {
                memory.close();
            } else if (engine != null) {
                pool.giveBack(lease, true); // an idle engine that never ran: idle again
            } else {
                memory.close(); // the lease's engine is the caller's own, which goes on running
                pool.abandon(lease.image());
            }
        }
    }

    /**
     * Loads {@code path} for execve into a new address space without touching the running image. Through
     * the machine's pool ({@link dev.jlibos.kernel.process.Kernel#execPool}) when it has one and the process
     * may use it: a program with a recorded image starts on an idle engine reset to it (its translations
     * kept) or on a copy of it; a program loaded before but not recorded is recorded now.
     */
    public static Exec loadForExec(GuestThread caller, String path, List<String> argv, List<String> envp)
            throws LoadException {
        GuestProcess process = caller.process;
        EnginePool pool = process.kernel.execPool();
        ProgramFiles files = new ProgramFiles(process.fs(), caller);
        ProgramLoader loader = loader(files);
        LoadOptions options = options(caller);
        ResolvedProgram resolved = loader.resolve(path, argv);
        // Pooled only where an engine's history cannot show: not traced (ptrace's stops and debug registers
        // belong to the thread's engine), not filtered (seccomp needs every site unrewritten), not holding a
        // pooled engine already (one lease per process), not deterministic (the machine does not pool then).
        boolean poolable = pool != null && pool.enabled() && resolved.files() != null && caller.tracee == null
                && !process.syscallsFiltered() && !process.holdsPooledEngine();
        Object key = poolable ? List.of(process.kernel.imageSettings(), resolved.files()) : null;
        EnginePool.Image image = poolable ? pool.take(key) : null;
        if (image != null) return fromImage(caller, files, loader, resolved, envp, options, pool, image);
        AddressSpace previous = process.memory();
        AddressSpace fresh = new AddressSpace(process.kernel.hostMemory());
        LoadedProgram program;
        process.switchMemory(fresh); // the loader, the kml-shim and /proc see the new image while it is built
        try {
            program = mapped(caller, files, loader, resolved, envp, options);
        } catch (LoadException | RuntimeException e) {
            fresh.close();
            throw e;
        } finally {
            process.switchMemory(previous);
        }
        Vma stack = poolable && pool.seenByExec(key) ? recordableStack(fresh, program, pool) : null;
        if (stack == null) return new Exec(program, fresh, null, null);
        // Seen before: this load becomes the image, and the process runs on a resettable copy of it.
        EnginePool.Lease lease = record(process, fresh, stack, program, pool, key, caller.cpu);
        return new Exec(program, lease.memory(), null, lease);
    }

    private static Exec fromImage(GuestThread caller, ProgramFiles files, ProgramLoader loader, ResolvedProgram resolved,
                                  List<String> envp, LoadOptions options, EnginePool pool, EnginePool.Image image)
            throws LoadException {
        GuestProcess process = caller.process;
        EnginePool.Idle idle = pool.takeIdle(image);
        AddressSpace memory = idle != null ? idle.memory() : AddressSpace.resettableCopy(image.memory());
        EnginePool.Lease lease = new EnginePool.Lease(image, idle != null ? idle.cpu() : caller.cpu, memory);
        AddressSpace previous = process.memory();
        process.switchMemory(memory);
        try {
            LoadedProgram program = restarted(caller, files, loader, resolved, envp, options, image);
            return new Exec(program, memory, idle != null ? idle.cpu() : null, lease);
        } catch (LoadException | RuntimeException e) {
            if (idle != null) {
                pool.giveBack(lease, true);
            } else {
                memory.close();
                pool.abandon(image);
            }
            throw e;
        } finally {
            process.switchMemory(previous);
        }
    }

    private static EnginePool.Image abandon(EnginePool pool, EnginePool.Image image) {
        pool.abandon(image);
        return null;
    }

    /**
     * The first run of a program (or of a changed file): loaded as usual, then its address space less the
     * stack becomes the image and the run goes on with a resettable copy of it, so its engine can be pooled.
     */
    private static Started recordImage(GuestThread caller, ProgramFiles files, ProgramLoader loader,
                                       ResolvedProgram resolved, List<String> envp, LoadOptions options,
                                       EnginePool pool, Object key) throws LoadException {
        GuestProcess process = caller.process;
        AddressSpace loaded = process.memory();
        LoadedProgram program = mapped(caller, files, loader, resolved, envp, options);
        Vma stack = recordableStack(loaded, program, pool);
        if (stack == null) return new Started(program, null);
        loaded.detach(caller.cpu);
        EnginePool.Lease lease = record(process, loaded, stack, program, pool, key, caller.cpu);
        AddressSpace memory = lease.memory();
        memory.attach(caller.cpu);
        process.switchMemory(memory);
        process.retainForSnapshot(caller.cpu, memory);
        return new Started(program, lease);
    }

    /** A fresh load into the process's current memory, with what /proc and brk need and the kml-shim's pages. */
    private static LoadedProgram mapped(GuestThread caller, ProgramFiles files, ProgramLoader loader,
                                        ResolvedProgram resolved, List<String> envp, LoadOptions options)
            throws LoadException {
        LoadedProgram program = loader.map(caller.process.memory(), resolved, envp, options);
        started(caller, files, program, envp);
        caller.process.kernel.syscalls().imageLoaded(caller);
        return program;
    }

    /**
     * A start from {@code image} in the process's current memory (a copy of the image, or an idle engine's
     * memory reset to it): only the stack is built.
     */
    private static LoadedProgram restarted(GuestThread caller, ProgramFiles files, ProgramLoader loader,
                                           ResolvedProgram resolved, List<String> envp, LoadOptions options,
                                           EnginePool.Image image) throws LoadException {
        GuestProcess process = caller.process;
        LoadedProgram program = loader.restart(process.memory(), resolved, image.program(), envp, options);
        started(caller, files, program, envp);
        process.layout().shimData(image.shimData());
        process.kernel.syscalls().imageCopied(caller); // the image's data page answers with the last run's pid
        return program;
    }

    /** The stack area of a load whose rest fits {@code pool} as an image, or null when it cannot be recorded. */
    private static Vma recordableStack(AddressSpace loaded, LoadedProgram program, EnginePool pool) {
        Vma stack = loaded.find(program.stackPointer());
        return stack != null && pool.fits(loaded.mappedBytes() - stack.length()) ? stack : null;
    }

    /**
     * Makes {@code loaded} (attached to no engine) less its {@code stack} the pool's image for {@code key}, and
     * returns the lease of a run that goes on with {@code engine} on a resettable copy of it.
     */
    private static EnginePool.Lease record(GuestProcess process, AddressSpace loaded, Vma stack, LoadedProgram program,
                                           EnginePool pool, Object key, Cpu engine) {
        AddressSpace memory = AddressSpace.resettableCopy(loaded);
        loaded.unmap(stack.start(), stack.length());
        memory.forgetReleasedImageBlocks();
        EnginePool.Image image = pool.record(key, loaded, program, process.layout().shimData());
        return new EnginePool.Lease(image, engine, memory);
    }

    private static ProgramLoader loader(ProgramFiles files) {
        return new ProgramLoader(new ExecutableSource() {
            @Override
            public byte[] read(String file) throws LoadException {
                return readIdentified(file).bytes();
            }

            @Override
            public Identified readIdentified(String file) throws LoadException {
                try {
                    ProgramFiles.Contents c = files.readIdentified(file);
                    return new Identified(c.bytes(), c.identity());
                } catch (ProgramFiles.Refused e) {
                    throw new LoadException(e.errno(), e.getMessage());
                }
            }
        });
    }

    private static LoadOptions options(GuestThread caller) {
        GuestProcess process = caller.process;
        long hwcap = caller.cpu.cpuid(1, 0)[3] & 0xffffffffL;
        LoadOptions options = LoadOptions.defaults(hwcap, process.credentials.ruid, process.credentials.rgid, () -> {
            byte[] b = new byte[16];
            if (process.determinism() != null) process.determinism().nextBytes(b, b.length);
            else Csprng.fill(b, 0, b.length); // AT_RANDOM: Linux's CRNG too, and no JCA start-up in a cold JVM
            return b;
        });
        if (process.kernel.vdso() != null) options = options.withVdso(process.kernel.vdso()::map);
        return options;
    }

    /** What /proc, comm and brk need of a program just loaded. */
    private static void started(GuestThread caller, ProgramFiles files, LoadedProgram program, List<String> envp) {
        GuestProcess process = caller.process;
        String executable = files.exePath(program.executable());
        String base = Path.of(program.execFn()).getFileName().toString();
        for (GuestThread t : process.threads) t.rename(base.length() > 15 ? base.substring(0, 15) : base);
        process.execInfo(new ExecInfo(executable, program.argv(), List.copyOf(envp), program.auxv()));
        process.layout().startImage(program.brkStart());
    }
}
