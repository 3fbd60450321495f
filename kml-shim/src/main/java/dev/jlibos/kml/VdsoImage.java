package dev.jlibos.kml;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vDSO as an ELF shared object generated in Java, shaped like Linux's x86-64 vDSO
 * (arch/x86/entry/vdso/vdso.lds.S, without __vdso_sgx_enter_enclave): ET_DYN linked at address 0, one PT_LOAD (r-x) covering the whole
 * file, a PT_DYNAMIC with DT_HASH, DT_SYMTAB, DT_STRTAB, DT_STRSZ, DT_SYMENT, DT_SONAME
 * "linux-vdso.so.1", DT_VERSYM and DT_VERDEF defining version "LINUX_2.6", and section headers so
 * binutils can read it.
 *
 * <p>What the two libcs need: musl's {@code __vdsosym} (src/internal/vdso.c) takes the load base from
 * the PT_LOAD, walks DT_HASH's chain count over DT_SYMTAB, wants a non-zero st_shndx, FUNC/GLOBAL or
 * WEAK, and checks the version through DT_VERSYM/DT_VERDEF by name. glibc's {@code dl_vdso_vsym}
 * (sysdeps/unix/sysv/linux/dl-vdso.h) looks the name up through {@code _dl_lookup_symbol_x} with
 * version "LINUX_2.6" and hash 61765110: the verdef's vd_hash must be the ELF hash of the name, and
 * st_shndx must be neither SHN_UNDEF nor SHN_ABS (an ABS symbol would not get the load base added).
 */
public final class VdsoImage {
    public static final String SONAME = "linux-vdso.so.1";
    public static final String VERSION = "LINUX_2.6";

    static final int ET_DYN = 3, EM_X86_64 = 62, PT_LOAD = 1, PT_DYNAMIC = 2, PF_X = 1, PF_R = 4;
    static final int SHT_PROGBITS = 1, SHT_STRTAB = 3, SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_DYNSYM = 11,
            SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERSYM = 0x6fffffff;
    static final int SHF_ALLOC = 2, SHF_EXECINSTR = 4;
    static final long DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_STRSZ = 10, DT_SYMENT = 11,
            DT_SONAME = 14, DT_VERSYM = 0x6ffffff0L, DT_VERDEF = 0x6ffffffcL, DT_VERDEFNUM = 0x6ffffffdL;
    static final int STB_GLOBAL = 1, STB_WEAK = 2, STT_FUNC = 2, VER_FLG_BASE = 1;
    private static final int EHDR = 64, PHDR = 56, SHDR = 64, SYM = 24, PHNUM = 2;
    /** Section indexes, in the order written. */
    private static final int SEC_HASH = 1, SEC_DYNSYM = 2, SEC_DYNSTR = 3, SEC_VERSYM = 4, SEC_VERDEF = 5,
            SEC_DYNAMIC = 6, SEC_TEXT = 7, SEC_SHSTRTAB = 8, SECTIONS = 9;

    /** An exported symbol: its name, the function it points at, and its binding. */
    private record Export(String name, String function, int bind) {
    }

    /** What Linux's x86-64 vDSO exports for these functions: the __vdso_ name GLOBAL, the plain alias WEAK. */
    private static final List<Export> EXPORTS = List.of(
            new Export("clock_gettime", "clock_gettime", STB_WEAK),
            new Export("__vdso_clock_gettime", "clock_gettime", STB_GLOBAL),
            new Export("gettimeofday", "gettimeofday", STB_WEAK),
            new Export("__vdso_gettimeofday", "gettimeofday", STB_GLOBAL),
            new Export("time", "time", STB_WEAK),
            new Export("__vdso_time", "time", STB_GLOBAL),
            new Export("clock_getres", "clock_getres", STB_WEAK),
            new Export("__vdso_clock_getres", "clock_getres", STB_GLOBAL),
            new Export("getcpu", "getcpu", STB_WEAK),
            new Export("__vdso_getcpu", "getcpu", STB_GLOBAL));

    private static final byte[] IMAGE = build();

    private VdsoImage() {
    }

    /** The image bytes (a fresh copy); map them at a page boundary with {@link Vvar#SIZE} bytes of vvar below. */
    public static byte[] bytes() {
        return IMAGE.clone();
    }

    /** Bytes the image occupies when mapped, a whole number of pages. */
    public static long mappedSize() {
        return (IMAGE.length + 4095L) & -4096L;
    }

    /** The System V ELF hash (gABI "Hash Table"), used by DT_HASH and vd_hash. */
    public static long elfHash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (b & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) h ^= g >>> 24;
            h &= ~g;
        }
        return h;
    }

    private static byte[] build() {
        // String table: "" first, then the soname, the version, every symbol name.
        Strings dynstr = new Strings();
        int sonameAt = dynstr.add(SONAME);
        int versionAt = dynstr.add(VERSION);
        int[] nameAt = new int[EXPORTS.size()];
        for (int i = 0; i < EXPORTS.size(); i++) nameAt[i] = dynstr.add(EXPORTS.get(i).name());
        int nsyms = EXPORTS.size() + 1; // index 0 is the null symbol

        // Layout: headers, then each section at its alignment.
        long hashAt = EHDR + PHDR * PHNUM;
        int nbucket = 3;
        long hashSize = 4L * (2 + nbucket + nsyms);
        long dynsymAt = align(hashAt + hashSize, 8);
        long dynstrAt = dynsymAt + (long) SYM * nsyms;
        long versymAt = align(dynstrAt + dynstr.size(), 2);
        long verdefAt = align(versymAt + 2L * nsyms, 4);
        long verdefSize = 2 * (20 + 8);
        long dynamicAt = align(verdefAt + verdefSize, 8);
        int dynCount = 10;
        long dynamicSize = 16L * dynCount;
        long textAt = align(dynamicAt + dynamicSize, 16);
        VdsoCode code = new VdsoCode(textAt);
        Strings shstr = new Strings();
        int[] shName = new int[SECTIONS];
        String[] names = {"", ".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".dynamic", ".text", ".shstrtab"};
        for (int i = 1; i < SECTIONS; i++) shName[i] = shstr.add(names[i]);
        long shstrAt = textAt + code.code.length;
        long shoff = align(shstrAt + shstr.size(), 8);
        long total = shoff + (long) SHDR * SECTIONS;

        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);

        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */});
        b.position(16);
        b.putShort((short) ET_DYN).putShort((short) EM_X86_64).putInt(1);
        b.putLong(0);            // e_entry: none, as Linux's vDSO has no use for one on x86-64
        b.putLong(EHDR).putLong(shoff).putInt(0);
        b.putShort((short) EHDR).putShort((short) PHDR).putShort((short) PHNUM)
                .putShort((short) SHDR).putShort((short) SECTIONS).putShort((short) SEC_SHSTRTAB);

        // Program headers
        phdr(b, PT_LOAD, PF_R | PF_X, 0, total, 4096);
        phdr(b, PT_DYNAMIC, PF_R, dynamicAt, dynamicSize, 8);

        // .hash: nbucket, nchain, buckets, chains (each bucket a linked list through chains).
        b.position((int) hashAt);
        int[] bucket = new int[nbucket];
        int[] chain = new int[nsyms];
        for (int i = nsyms - 1; i >= 1; i--) {
            int h = (int) (elfHash(EXPORTS.get(i - 1).name()) % nbucket);
            chain[i] = bucket[h];
            bucket[h] = i;
        }
        b.putInt(nbucket).putInt(nsyms);
        for (int x : bucket) b.putInt(x);
        for (int x : chain) b.putInt(x);

        // .dynsym
        b.position((int) dynsymAt);
        b.put(new byte[SYM]);
        for (int i = 0; i < EXPORTS.size(); i++) {
            Export e = EXPORTS.get(i);
            long[] fn = code.functions.get(e.function());
            b.putInt(nameAt[i]).put((byte) (e.bind() << 4 | STT_FUNC)).put((byte) 0 /* STV_DEFAULT */)
                    .putShort((short) SEC_TEXT).putLong(fn[0]).putLong(fn[1]);
        }

        // .dynstr
        b.position((int) dynstrAt);
        b.put(dynstr.bytes());

        // .gnu.version: 0 (local) for the null symbol, 2 (LINUX_2.6) for every export.
        b.position((int) versymAt);
        b.putShort((short) 0);
        for (int i = 1; i < nsyms; i++) b.putShort((short) 2);

        // .gnu.version_d: the base definition (index 1, the soname) and LINUX_2.6 (index 2).
        b.position((int) verdefAt);
        verdef(b, VER_FLG_BASE, 1, elfHash(SONAME), 28, sonameAt);
        verdef(b, 0, 2, elfHash(VERSION), 0, versionAt);

        // .dynamic
        b.position((int) dynamicAt);
        long[][] dyn = {{DT_HASH, hashAt}, {DT_STRTAB, dynstrAt}, {DT_SYMTAB, dynsymAt}, {DT_STRSZ, dynstr.size()},
                {DT_SYMENT, SYM}, {DT_SONAME, sonameAt}, {DT_VERSYM, versymAt}, {DT_VERDEF, verdefAt},
                {DT_VERDEFNUM, 2}, {DT_NULL, 0}};
        if (dyn.length != dynCount) throw new AssertionError();
        for (long[] d : dyn) b.putLong(d[0]).putLong(d[1]);

        b.position((int) textAt);
        b.put(code.code);
        b.position((int) shstrAt);
        b.put(shstr.bytes());

        // Section headers
        b.position((int) shoff);
        b.put(new byte[SHDR]);
        shdr(b, shName[SEC_HASH], SHT_HASH, SHF_ALLOC, hashAt, hashSize, SEC_DYNSYM, 0, 8, 4);
        shdr(b, shName[SEC_DYNSYM], SHT_DYNSYM, SHF_ALLOC, dynsymAt, (long) SYM * nsyms, SEC_DYNSTR, 1, 8, SYM);
        shdr(b, shName[SEC_DYNSTR], SHT_STRTAB, SHF_ALLOC, dynstrAt, dynstr.size(), 0, 0, 1, 0);
        shdr(b, shName[SEC_VERSYM], SHT_GNU_VERSYM, SHF_ALLOC, versymAt, 2L * nsyms, SEC_DYNSYM, 0, 2, 2);
        shdr(b, shName[SEC_VERDEF], SHT_GNU_VERDEF, SHF_ALLOC, verdefAt, verdefSize, SEC_DYNSTR, 2, 4, 0);
        shdr(b, shName[SEC_DYNAMIC], SHT_DYNAMIC, SHF_ALLOC, dynamicAt, dynamicSize, SEC_DYNSTR, 0, 8, 16);
        shdr(b, shName[SEC_TEXT], SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, textAt, code.code.length, 0, 0, 16, 0);
        shdr(b, shName[SEC_SHSTRTAB], SHT_STRTAB, 0, shstrAt, shstr.size(), 0, 0, 1, 0);
        return b.array();
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    private static void phdr(ByteBuffer b, int type, int flags, long offset, long size, long align) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(offset).putLong(offset).putLong(size).putLong(size)
                .putLong(align);
    }

    /** Elf64_Verdef (20 bytes) followed by its one Elf64_Verdaux (8 bytes). */
    private static void verdef(ByteBuffer b, int flags, int index, long hash, int next, int name) {
        b.putShort((short) 1).putShort((short) flags).putShort((short) index).putShort((short) 1)
                .putInt((int) hash).putInt(20).putInt(next);
        b.putInt(name).putInt(0);
    }

    private static void shdr(ByteBuffer b, int name, int type, long flags, long offset, long size, int link, int info,
                             long align, long entsize) {
        // Linked at 0, so every allocated section's address equals its offset.
        long addr = (flags & SHF_ALLOC) != 0 ? offset : 0;
        b.putInt(name).putInt(type).putLong(flags).putLong(addr).putLong(offset).putLong(size).putInt(link)
                .putInt(info).putLong(align).putLong(entsize);
    }

    /** A string table under construction: NUL-terminated names, offset 0 is the empty string. */
    private static final class Strings {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Strings() {
            out.write(0);
        }

        int add(String s) {
            int at = out.size();
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            out.write(b, 0, b.length);
            out.write(0);
            return at;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** For tests: the image-relative offset and length of each function. */
    static Map<String, long[]> functions() {
        return new VdsoCode(0).functions;
    }

    static List<String> exportedNames() {
        List<String> out = new ArrayList<>();
        for (Export e : EXPORTS) out.add(e.name());
        return out;
    }
}
