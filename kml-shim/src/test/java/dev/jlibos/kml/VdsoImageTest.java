package dev.jlibos.kml;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image parses the way musl's __vdsosym and glibc's dl_vdso_vsym read it. */
class VdsoImageTest {
    private final ByteBuffer b = ByteBuffer.wrap(VdsoImage.bytes()).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void elfHeaderIsAnX86_64SharedObject() {
        assertEquals(0x464c457f, b.getInt(0));
        assertEquals(2, b.get(4)); // ELFCLASS64
        assertEquals(1, b.get(5)); // little-endian
        assertEquals(VdsoImage.ET_DYN, b.getShort(16));
        assertEquals(VdsoImage.EM_X86_64, b.getShort(18));
        assertEquals(64, b.getLong(32));           // e_phoff
        assertEquals(56, b.getShort(54));          // e_phentsize
        assertEquals(0, VdsoImage.mappedSize() % 4096);
        assertTrue(b.capacity() <= VdsoImage.mappedSize());
    }

    /** glibc compares vd_hash against VDSO_HASH, the precomputed ELF hash of "LINUX_2.6". */
    @Test
    void versionHashIsGlibcs() {
        assertEquals(61765110L, VdsoImage.elfHash("LINUX_2.6"));
    }

    @Test
    void everyExportResolvesThroughHashAndVersion() {
        for (String name : VdsoImage.exportedNames()) {
            long value = lookup(name, "LINUX_2.6");
            String function = name.replace("__vdso_", "");
            assertEquals(VdsoImage.functions().get(function)[0] + textDelta(), value, name);
        }
        assertEquals(-1, lookup("__vdso_clock_gettime", "LINUX_2.5"));
        assertEquals(-1, lookup("__vdso_sgx_enter_enclave", "LINUX_2.6"));
    }

    /** VdsoImage.functions() assembles at origin 0; the image places the text after its tables. */
    private long textDelta() {
        return lookup("__vdso_clock_gettime", "LINUX_2.6") - VdsoImage.functions().get("clock_gettime")[0];
    }

    /** musl's __vdsosym, transcribed: base from PT_LOAD, tables from PT_DYNAMIC, linear walk over nchain symbols. */
    private long lookup(String name, String version) {
        long phoff = b.getLong(32);
        int phnum = b.getShort(56);
        long base = -1, dyn = -1;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + 56L * i);
            int type = b.getInt(ph);
            if (type == VdsoImage.PT_LOAD) base = b.getLong(ph + 8) - b.getLong(ph + 16);
            if (type == VdsoImage.PT_DYNAMIC) dyn = b.getLong(ph + 8);
        }
        assertNotEquals(-1, base);
        assertNotEquals(-1, dyn);
        long strtab = 0, symtab = 0, hash = 0, versym = 0, verdef = 0;
        for (int d = (int) dyn; b.getLong(d) != 0; d += 16) {
            long tag = b.getLong(d), val = base + b.getLong(d + 8);
            if (tag == VdsoImage.DT_STRTAB) strtab = val;
            if (tag == VdsoImage.DT_SYMTAB) symtab = val;
            if (tag == VdsoImage.DT_HASH) hash = val;
            if (tag == VdsoImage.DT_VERSYM) versym = val;
            if (tag == VdsoImage.DT_VERDEF) verdef = val;
        }
        assertTrue(strtab != 0 && symtab != 0 && hash != 0 && versym != 0 && verdef != 0);
        int nchain = b.getInt((int) hash + 4);
        for (int i = 0; i < nchain; i++) {
            int sym = (int) symtab + 24 * i;
            int info = b.get(sym + 4);
            if ((info & 0xf) != 2 || ((info >> 4) != 1 && (info >> 4) != 2)) continue; // FUNC, GLOBAL or WEAK
            if (b.getShort(sym + 6) == 0) continue;
            if (!cString(strtab + b.getInt(sym)).equals(name)) continue;
            int vsym = b.getShort((int) versym + 2 * i) & 0x7fff;
            if (!versionName(verdef, vsym, strtab).equals(version)) continue;
            return b.getLong(sym + 8);
        }
        return -1;
    }

    private String versionName(long verdef, int index, long strtab) {
        int def = (int) verdef;
        while (true) {
            boolean isBase = (b.getShort(def + 2) & 1) != 0;
            if (!isBase && (b.getShort(def + 4) & 0x7fff) == index) {
                assertEquals(VdsoImage.elfHash(cString(strtab + b.getInt(def + b.getInt(def + 12)))),
                        b.getInt(def + 8) & 0xffffffffL, "vd_hash");
                return cString(strtab + b.getInt(def + b.getInt(def + 12)));
            }
            if (b.getInt(def + 16) == 0) return "";
            def += b.getInt(def + 16);
        }
    }

    private String cString(long at) {
        int end = (int) at;
        while (b.get(end) != 0) end++;
        byte[] s = new byte[end - (int) at];
        b.get((int) at, s);
        return new String(s, StandardCharsets.US_ASCII);
    }

    /** Encodings checked against objdump -d of the same instructions. */
    @Test
    void emitterEncodings() {
        X86Emitter a = new X86Emitter(0x440);
        a.leaRip(X86Emitter.R.R8, -4096);
        a.movLoad(X86Emitter.R.R9, X86Emitter.R.R8, 0);
        a.movLoad(X86Emitter.R.R10, X86Emitter.R.R8, 0x10);
        a.shrdCl(X86Emitter.R.RAX, X86Emitter.R.RDX);
        a.bt32(X86Emitter.R.RAX, X86Emitter.R.RDI);
        a.movStoreImm64(X86Emitter.R.RSI, 0, 0);
        a.movLoad(X86Emitter.R.RAX, X86Emitter.R.R13, 0); // r13 base needs an explicit disp8
        assertArrayEquals(new byte[] {
                0x4c, (byte) 0x8d, 0x05, (byte) 0xb9, (byte) 0xeb, (byte) 0xff, (byte) 0xff,
                0x4d, (byte) 0x8b, 0x08,
                0x4d, (byte) 0x8b, 0x50, 0x10,
                0x48, 0x0f, (byte) 0xad, (byte) 0xd0,
                0x0f, (byte) 0xa3, (byte) 0xf8,
                0x48, (byte) 0xc7, 0x06, 0, 0, 0, 0,
                0x49, (byte) 0x8b, 0x45, 0x00}, a.bytes());
    }
}
