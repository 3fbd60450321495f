package dev.jlibos.loader;

/** One ELF64 program header (Elf64_Phdr). */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long fileSize, long memSize, long align) {
    public static final int PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    /** PROT_* bits for the segment's p_flags (same numbering as PF_* reversed: R=1 W=2 X=4). */
    public int prot() {
        return ((flags & PF_R) != 0 ? 1 : 0) | ((flags & PF_W) != 0 ? 2 : 0) | ((flags & PF_X) != 0 ? 4 : 0);
    }
}
