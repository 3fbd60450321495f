package dev.jlibos.loader;

import dev.jlibos.core.mem.AddressSpace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A validated ELF64 x86-64 executable image. Parsing checks everything the loader later relies on, with
 * overflow-safe arithmetic, so that no value read from the file can make the loader index outside the
 * file, allocate an absurd buffer or map outside user space.
 */
public final class ElfFile {
    public static final int ET_EXEC = 2, ET_DYN = 3;
    private static final int EM_X86_64 = 62;
    private static final int HEADER_SIZE = 64, PHDR_SIZE = 56;
    /** Linux refuses more program headers than fit in 64 KiB (ELF_MIN_ALIGN-independent bound). */
    private static final int MAX_PHNUM = 65536 / PHDR_SIZE;
    /** PATH_MAX: the longest interpreter path Linux accepts. */
    private static final int MAX_INTERP = 4096;

    public final String path;
    public final byte[] bytes;
    public final int type;
    public final long entry;
    public final long phoff;
    public final List<ProgramHeader> headers;
    public final String interpreter;
    /** Whether PT_GNU_STACK asks for an executable stack. */
    public final boolean executableStack;

    private ElfFile(String path, byte[] bytes, int type, long entry, long phoff, List<ProgramHeader> headers,
                    String interpreter, boolean executableStack) {
        this.path = path;
        this.bytes = bytes;
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.headers = headers;
        this.interpreter = interpreter;
        this.executableStack = executableStack;
    }

    public static boolean looksLikeElf(byte[] b) {
        return b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    public static ElfFile parse(String path, byte[] b) throws LoadException {
        if (b.length == 0) throw LoadException.malformed(path, "empty file, not an executable");
        if (!looksLikeElf(b)) throw LoadException.malformed(path, "not an ELF executable or #! script");
        if (b.length < HEADER_SIZE) throw LoadException.malformed(path, "truncated ELF header (" + b.length + " bytes)");
        if (b[4] == 1) throw LoadException.malformed(path, "32-bit ELF is not supported, jlibos runs x86-64 programs");
        if (b[4] != 2) throw LoadException.malformed(path, "unknown ELF class " + b[4]);
        if (b[5] != 1) throw LoadException.malformed(path, "big-endian ELF, jlibos runs little-endian x86-64 programs");
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != EM_X86_64) {
            throw LoadException.malformed(path, "ELF for " + machineName(machine) + ", jlibos runs x86-64 programs");
        }
        int type = Short.toUnsignedInt(buf.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            throw LoadException.malformed(path, "ELF type " + type + " is not an executable (relocatable object or core dump?)");
        }
        long entry = buf.getLong(24);
        long phoff = buf.getLong(32);
        int phentsize = Short.toUnsignedInt(buf.getShort(54));
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        if (phentsize != PHDR_SIZE) throw LoadException.malformed(path, "bad program header size " + phentsize);
        if (phnum == 0 || phnum > MAX_PHNUM) throw LoadException.malformed(path, "bad program header count " + phnum);
        if (!inFile(b, phoff, (long) phnum * PHDR_SIZE)) {
            throw LoadException.malformed(path, "program headers lie outside the file");
        }
        List<ProgramHeader> headers = new ArrayList<>(phnum);
        String interpreter = null;
        boolean execStack = false;
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * PHDR_SIZE);
            ProgramHeader h = new ProgramHeader(buf.getInt(o), buf.getInt(o + 4), buf.getLong(o + 8), buf.getLong(o + 16),
                    buf.getLong(o + 32), buf.getLong(o + 40), buf.getLong(o + 48));
            headers.add(h);
            if (h.type() == ProgramHeader.PT_INTERP) {
                if (interpreter != null) throw LoadException.malformed(path, "more than one PT_INTERP");
                interpreter = readInterpreter(path, b, h);
            } else if (h.type() == ProgramHeader.PT_GNU_STACK) {
                execStack = (h.flags() & ProgramHeader.PF_X) != 0;
            }
        }
        List<ProgramHeader> loads = loads(headers);
        validateSegments(path, b, type, loads);
        ElfFile elf = new ElfFile(path, b, type, entry, phoff, Collections.unmodifiableList(headers), interpreter, execStack);
        if (loads.stream().noneMatch(h -> (h.flags() & ProgramHeader.PF_X) != 0 && entry >= h.vaddr()
                && entry - h.vaddr() < h.memSize())) {
            throw LoadException.malformed(path, "entry point 0x" + Long.toHexString(entry) + " is not in an executable segment");
        }
        return elf;
    }

    private static String readInterpreter(String path, byte[] b, ProgramHeader h) throws LoadException {
        if (h.fileSize() < 2 || h.fileSize() > MAX_INTERP || !inFile(b, h.offset(), h.fileSize())) {
            throw LoadException.malformed(path, "bad PT_INTERP segment");
        }
        int start = (int) h.offset(), len = (int) h.fileSize();
        if (b[start + len - 1] != 0) throw LoadException.malformed(path, "PT_INTERP path is not NUL-terminated");
        int end = start;
        while (b[end] != 0) end++;
        if (end == start) throw LoadException.malformed(path, "empty PT_INTERP path");
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    static List<ProgramHeader> loads(List<ProgramHeader> headers) {
        List<ProgramHeader> out = new ArrayList<>();
        for (ProgramHeader h : headers) if (h.type() == ProgramHeader.PT_LOAD) out.add(h);
        return out;
    }

    /**
     * PT_LOAD rules: file bytes inside the file, filesz <= memsz, offset and vaddr congruent modulo the
     * page size, ascending and non-overlapping, all inside user space (for ET_DYN after a bias that
     * leaves room for it, so only the span matters).
     */
    private static void validateSegments(String path, byte[] b, int type, List<ProgramHeader> loads) throws LoadException {
        if (loads.isEmpty()) throw LoadException.malformed(path, "no loadable segments");
        long previousEnd = Long.MIN_VALUE;
        for (ProgramHeader h : loads) {
            if (Long.compareUnsigned(h.fileSize(), h.memSize()) > 0) {
                throw LoadException.malformed(path, "segment file size exceeds its memory size");
            }
            if (!inFile(b, h.offset(), h.fileSize())) throw LoadException.malformed(path, "segment data lies outside the file");
            if (((h.offset() - h.vaddr()) & (AddressSpace.PAGE_SIZE - 1)) != 0) {
                throw LoadException.malformed(path, "segment offset and address are not congruent modulo the page size");
            }
            if (h.memSize() < 0 || h.vaddr() < 0 || h.vaddr() + h.memSize() < h.vaddr()
                    || h.vaddr() + h.memSize() > AddressSpace.USER_END) {
                throw LoadException.malformed(path, "segment at 0x" + Long.toHexString(h.vaddr()) + " of size 0x"
                        + Long.toHexString(h.memSize()) + " does not fit in the address space");
            }
            if (h.vaddr() < previousEnd) throw LoadException.malformed(path, "loadable segments overlap or are not sorted");
            previousEnd = h.vaddr() + h.memSize();
        }
        if (type == ET_EXEC && AddressSpace.pageDown(loads.get(0).vaddr()) < AddressSpace.MIN_ADDRESS) {
            throw LoadException.malformed(path, "segment below the lowest mappable address 0x"
                    + Long.toHexString(AddressSpace.MIN_ADDRESS));
        }
    }

    private static boolean inFile(byte[] b, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= b.length && length <= b.length - offset;
    }

    /** Lowest page and end (page-aligned) of all PT_LOAD segments, before any load bias. */
    long spanStart() {
        return AddressSpace.pageDown(loads(headers).get(0).vaddr());
    }

    long spanEnd() {
        List<ProgramHeader> l = loads(headers);
        ProgramHeader last = l.get(l.size() - 1);
        return AddressSpace.pageUp(last.vaddr() + last.memSize());
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "i386";
            case 40 -> "ARM";
            case 183 -> "aarch64";
            case 243 -> "RISC-V";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 22 -> "s390";
            case 0 -> "no machine";
            default -> "machine " + machine;
        };
    }
}
