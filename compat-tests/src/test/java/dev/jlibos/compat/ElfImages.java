package dev.jlibos.compat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Hand-built ELF executables and mutations of them, for the loader's malformed-input tests.
 * Building the images here (instead of mutating a compiler's output) keeps every offset known:
 * one ELF header, one PT_LOAD covering the whole file, and a few bytes of code that exit.
 *
 * <p>Layouts follow the System V gABI: Elf64_Ehdr is 64 bytes with e_entry at 24, e_phoff at 32,
 * e_phentsize/e_phnum at 54/56; Elf64_Phdr is 56 bytes (p_type, p_flags, p_offset, p_vaddr,
 * p_paddr, p_filesz, p_memsz, p_align). Elf32 is 52 + 32 bytes.
 */
public final class ElfImages {
    public static final short EM_386 = 3, EM_X86_64 = 62, EM_AARCH64 = 183;
    public static final long BASE64 = 0x400000L;
    static final int EHDR64 = 64, PHDR64 = 56, CODE64 = EHDR64 + PHDR64;
    static final int OFF_ENTRY = 24, OFF_MACHINE = 18, OFF_PHOFF = 32;
    static final int PH_OFFSET = 8, PH_VADDR = 16, PH_FILESZ = 32, PH_MEMSZ = 40;

    private ElfImages() {}

    /** A static x86-64 executable whose only instructions are exit(code). */
    public static byte[] exit64(int code) {
        byte[] text = {
            (byte) 0xbf, (byte) code, 0, 0, 0,          // mov edi, code
            (byte) 0xb8, 60, 0, 0, 0,                   // mov eax, 60 (exit)
            0x0f, 0x05,                                 // syscall
        };
        int size = CODE64 + text.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */});
        b.position(16);
        b.putShort((short) 2);                 // e_type ET_EXEC
        b.putShort(EM_X86_64);                 // e_machine
        b.putInt(1);                           // e_version
        b.putLong(BASE64 + CODE64);            // e_entry
        b.putLong(EHDR64);                     // e_phoff
        b.putLong(0);                          // e_shoff
        b.putInt(0);                           // e_flags
        b.putShort((short) EHDR64);            // e_ehsize
        b.putShort((short) PHDR64);            // e_phentsize
        b.putShort((short) 1);                 // e_phnum
        b.putShort((short) 64);                // e_shentsize
        b.putShort((short) 0);                 // e_shnum
        b.putShort((short) 0);                 // e_shstrndx
        b.putInt(1);                           // p_type PT_LOAD
        b.putInt(5);                           // p_flags R|X
        b.putLong(0);                          // p_offset
        b.putLong(BASE64);                     // p_vaddr
        b.putLong(BASE64);                     // p_paddr
        b.putLong(size);                       // p_filesz
        b.putLong(size);                       // p_memsz
        b.putLong(0x1000);                     // p_align
        b.put(text);
        return b.array();
    }

    /** A static i386 executable: exit(code) via int 0x80. A 64-bit-only loader must refuse it. */
    public static byte[] exit32(int code) {
        byte[] text = {
            (byte) 0xbb, (byte) code, 0, 0, 0,          // mov ebx, code
            (byte) 0xb8, 1, 0, 0, 0,                    // mov eax, 1 (exit on i386)
            (byte) 0xcd, (byte) 0x80,                   // int 0x80
        };
        int ehdr = 52, phdr = 32, size = ehdr + phdr + text.length, base = 0x08048000;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort(EM_386).putInt(1);
        b.putInt(base + ehdr + phdr).putInt(ehdr).putInt(0).putInt(0);
        b.putShort((short) ehdr).putShort((short) phdr).putShort((short) 1);
        b.putShort((short) 40).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(0).putInt(base).putInt(base).putInt(size).putInt(size).putInt(5).putInt(0x1000);
        b.put(text);
        return b.array();
    }

    public static byte[] withMachine(byte[] elf, short machine) {
        byte[] c = elf.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(OFF_MACHINE, machine);
        return c;
    }

    public static byte[] withEntry(byte[] elf, long entry) {
        byte[] c = elf.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(OFF_ENTRY, entry);
        return c;
    }

    /** Sets a 64-bit field (PH_OFFSET, PH_FILESZ, PH_MEMSZ...) of program header {@code index}. */
    public static byte[] withPhdrField(byte[] elf, int index, int field, long value) {
        byte[] c = elf.clone();
        ByteBuffer b = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(OFF_PHOFF);
        b.putLong((int) phoff + index * PHDR64 + field, value);
        return c;
    }

    public static byte[] withPhoff(byte[] elf, long phoff) {
        byte[] c = elf.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(OFF_PHOFF, phoff);
        return c;
    }

    public static byte[] truncated(byte[] elf, int length) {
        return Arrays.copyOf(elf, length);
    }
}
