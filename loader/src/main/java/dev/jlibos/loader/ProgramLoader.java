package dev.jlibos.loader;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * execve's loading half: resolves {@code #!} scripts, maps an ELF program (static, static-PIE or with a
 * PT_INTERP interpreter) into an empty address space, and builds the initial stack.
 */
public final class ProgramLoader {
    /** ELF_ET_DYN_BASE on x86-64 without randomisation: where PIE programs are placed. */
    public static final long PIE_BASE = 0x555555554000L;
    /** ELF_ET_DYN_BASE before page alignment: where a static-PIE program's heap starts. */
    private static final long STATIC_PIE_BRK = 0x555555554aaaL;
    /** Linux allows this many nested #! interpreters (BINPRM_MAX_RECURSION). */
    private static final int MAX_SCRIPT_DEPTH = 4;
    private static final int ELF_PHDR_SIZE = 56;

    private final ExecutableSource source;

    public ProgramLoader(ExecutableSource source) {
        this.source = source;
    }

    public LoadedProgram load(AddressSpace space, String path, List<String> argv, List<String> envp,
                              LoadOptions options) throws LoadException {
        return map(space, resolve(path, argv), envp, options);
    }

    /**
     * execve's reading half: follows #! scripts to the ELF that runs, reads its interpreter and validates
     * both, mapping nothing.
     */
    public ResolvedProgram resolve(String path, List<String> argv) throws LoadException {
        String execFn = path;
        List<String> args = new ArrayList<>(argv);
        List<Object> files = new ArrayList<>();
        String current = path;
        byte[] image = read(current, files);
        for (int depth = 0; Shebang.isScript(image); depth++) {
            if (depth == MAX_SCRIPT_DEPTH) throw new LoadException(Errno.ELOOP, path + ": too many levels of #! interpreters");
            Shebang s = Shebang.parse(current, image);
            List<String> next = new ArrayList<>();
            next.add(s.interpreter());
            if (s.argument() != null) next.add(s.argument());
            next.add(current);
            if (args.size() > 1) next.addAll(args.subList(1, args.size()));
            args = next;
            try {
                image = read(s.interpreter(), files);
            } catch (LoadException e) {
                throw new LoadException(e.errno(), current + ": bad interpreter " + s.interpreter() + ": " + e.errno().message);
            }
            current = s.interpreter();
        }
        ElfFile elf = ElfFile.parse(current, image);
        ElfFile interp = elf.interpreter == null ? null : loadInterpreter(elf, files);
        return new ResolvedProgram(elf, interp, List.copyOf(args), execFn,
                files.contains(null) ? null : java.util.Collections.unmodifiableList(files));
    }

    /** Reads a file and notes its path and identity (null when unknown) in {@code files}. */
    private byte[] read(String path, List<Object> files) throws LoadException {
        ExecutableSource.Identified f = source.readIdentified(path);
        files.add(f.identity() == null ? null : List.of(path, f.identity()));
        return f.bytes();
    }

    /** Maps a resolved program into an empty address space and builds its initial stack. */
    public LoadedProgram map(AddressSpace space, ResolvedProgram program, List<String> envp, LoadOptions options)
            throws LoadException {
        try {
            return map(space, program.elf(), program.interpreter(), program.argv(), envp, program.execFn(), options);
        } catch (LinuxException e) {
            // The image validated but does not fit next to what is already mapped (or host memory ran out).
            throw new LoadException(e.errno(), program.elf().path + ": cannot map program: " + e.errno().message);
        }
    }

    /**
     * Starts {@code program} again in a space that already holds the image an earlier {@link #map} of the
     * same files left (a pooled engine's memory reset to it), with no stack: builds only the initial stack,
     * whose argv, environment, AT_RANDOM and ids are this run's. The addresses come from {@code recorded},
     * the earlier load's result, which placed everything at the same addresses.
     */
    public LoadedProgram restart(AddressSpace space, ResolvedProgram program, LoadedProgram recorded,
                                 List<String> envp, LoadOptions options) throws LoadException {
        try {
            Long vdso = recorded.auxv().get(Auxv.AT_SYSINFO_EHDR);
            return start(space, program.elf(), recorded.loadBias(), recorded.brkStart(), recorded.interpreterBase(),
                    recorded.entry(), vdso, program.argv(), envp, program.execFn(), options);
        } catch (LinuxException e) {
            throw new LoadException(e.errno(), program.elf().path + ": cannot map program: " + e.errno().message);
        }
    }

    private LoadedProgram map(AddressSpace space, ElfFile elf, ElfFile interp, List<String> argv, List<String> envp,
                              String execFn, LoadOptions options) throws LoadException {
        long bias = 0;
        long brk;
        if (elf.type == ElfFile.ET_DYN && elf.interpreter == null) {
            // Static-PIE: Linux (since 4.13) loads an interpreter-less ET_DYN like an interpreter, in the
            // mmap area, and starts its heap at ELF_ET_DYN_BASE instead.
            bias = space.findFree(elf.spanEnd() - elf.spanStart(), options.mmapBase()) - elf.spanStart();
            brk = AddressSpace.pageUp(STATIC_PIE_BRK);
        } else {
            if (elf.type == ElfFile.ET_DYN) bias = PIE_BASE - elf.spanStart();
            brk = elf.spanEnd() + bias;
        }
        SegmentMapper.map(space, elf, bias);

        long entry = elf.entry + bias;
        long interpreterBase = 0;
        if (interp != null) {
            long size = interp.spanEnd() - interp.spanStart();
            long base = space.findFree(size, options.mmapBase());
            long interpBias = base - interp.spanStart();
            SegmentMapper.map(space, interp, interpBias);
            interpreterBase = base;
            entry = interp.entry + interpBias;
        }
        // Linux maps the vDSO after the interpreter (arch_setup_additional_pages).
        Long vdso = options.vdso() != null ? options.vdso().map(space, options.mmapBase()) : null;
        return start(space, elf, bias, brk, interpreterBase, entry, vdso, argv, envp, execFn, options);
    }

    /** The auxiliary vector and the initial stack of an image mapped at {@code bias} (vdso: null for none). */
    private LoadedProgram start(AddressSpace space, ElfFile elf, long bias, long brk, long interpreterBase, long entry,
                                Long vdso, List<String> argv, List<String> envp, String execFn, LoadOptions options)
            throws LoadException {
        Map<Integer, Long> auxv = new LinkedHashMap<>();
        // ARCH_DLINFO puts AT_SYSINFO_EHDR first in the vector.
        if (vdso != null) auxv.put(Auxv.AT_SYSINFO_EHDR, vdso);
        auxv.put(Auxv.AT_MINSIGSTKSZ, 2048L);
        auxv.put(Auxv.AT_HWCAP, options.hwcap());
        auxv.put(Auxv.AT_PAGESZ, AddressSpace.PAGE_SIZE);
        auxv.put(Auxv.AT_CLKTCK, 100L);
        auxv.put(Auxv.AT_PHDR, phdrAddress(elf) + bias);
        auxv.put(Auxv.AT_PHENT, (long) ELF_PHDR_SIZE);
        auxv.put(Auxv.AT_PHNUM, (long) elf.headers.size());
        auxv.put(Auxv.AT_BASE, interpreterBase);
        auxv.put(Auxv.AT_FLAGS, 0L);
        auxv.put(Auxv.AT_ENTRY, elf.entry + bias);
        auxv.put(Auxv.AT_UID, (long) options.uid());
        auxv.put(Auxv.AT_EUID, (long) options.euid());
        auxv.put(Auxv.AT_GID, (long) options.gid());
        auxv.put(Auxv.AT_EGID, (long) options.egid());
        auxv.put(Auxv.AT_SECURE, 0L);
        long sp = InitialStack.build(space, options, elf.executableStack, argv, envp, execFn, auxv);
        return new LoadedProgram(entry, sp, brk, elf.path, execFn, List.copyOf(argv),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(auxv)), bias,
                interpreterBase);
    }

    private ElfFile loadInterpreter(ElfFile program, List<Object> files) throws LoadException {
        byte[] bytes;
        try {
            bytes = read(program.interpreter, files);
        } catch (LoadException e) {
            throw new LoadException(e.errno(), program.path + ": interpreter " + program.interpreter + ": "
                    + e.errno().message);
        }
        ElfFile interp;
        try {
            interp = ElfFile.parse(program.interpreter, bytes);
        } catch (LoadException e) {
            // execve reports an unusable interpreter as ELIBBAD ("Accessing a corrupted shared library").
            throw new LoadException(Errno.ELIBBAD, e.getMessage());
        }
        if (interp.interpreter != null) {
            throw LoadException.malformed(program.interpreter, "an ELF interpreter cannot itself need an interpreter");
        }
        return interp;
    }

    /** Where the program headers are in memory: PT_PHDR if present, else inside the PT_LOAD holding e_phoff. */
    private static long phdrAddress(ElfFile elf) throws LoadException {
        for (ProgramHeader h : elf.headers) if (h.type() == ProgramHeader.PT_PHDR) return h.vaddr();
        for (ProgramHeader h : ElfFile.loads(elf.headers)) {
            if (elf.phoff >= h.offset() && elf.phoff - h.offset() < h.fileSize()) return h.vaddr() + (elf.phoff - h.offset());
        }
        return 0; // Linux passes 0 too when the headers are not mapped; only dl_iterate_phdr users notice.
    }
}
