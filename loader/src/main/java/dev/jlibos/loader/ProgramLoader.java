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
        String execFn = path;
        List<String> args = new ArrayList<>(argv);
        String current = path;
        byte[] image = source.read(current);
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
                image = source.read(s.interpreter());
            } catch (LoadException e) {
                throw new LoadException(e.errno(), current + ": bad interpreter " + s.interpreter() + ": " + e.errno().message);
            }
            current = s.interpreter();
        }
        ElfFile elf = ElfFile.parse(current, image);
        try {
            return map(space, elf, args, envp, execFn, options);
        } catch (LinuxException e) {
            // The image validated but does not fit next to what is already mapped (or host memory ran out).
            throw new LoadException(e.errno(), current + ": cannot map program: " + e.errno().message);
        }
    }

    private LoadedProgram map(AddressSpace space, ElfFile elf, List<String> argv, List<String> envp, String execFn,
                              LoadOptions options) throws LoadException {
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
        if (elf.interpreter != null) {
            ElfFile interp = loadInterpreter(elf);
            long size = interp.spanEnd() - interp.spanStart();
            long base = space.findFree(size, options.mmapBase());
            long interpBias = base - interp.spanStart();
            SegmentMapper.map(space, interp, interpBias);
            interpreterBase = base;
            entry = interp.entry + interpBias;
        }

        Map<Integer, Long> auxv = new LinkedHashMap<>();
        if (options.vdso() != null) {
            // Linux maps the vDSO after the interpreter (arch_setup_additional_pages) and puts
            // AT_SYSINFO_EHDR first in the vector (ARCH_DLINFO).
            auxv.put(Auxv.AT_SYSINFO_EHDR, options.vdso().map(space, options.mmapBase()));
        }
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

    private ElfFile loadInterpreter(ElfFile program) throws LoadException {
        byte[] bytes;
        try {
            bytes = source.read(program.interpreter);
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
