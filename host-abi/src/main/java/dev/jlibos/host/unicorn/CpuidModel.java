package dev.jlibos.host.unicorn;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;

import java.util.HashMap;
import java.util.Map;

/**
 * The CPUID a guest sees: the engine's own answers, corrected so that every reported feature executes.
 *
 * <p>Measured on Unicorn 2.0.1 (see CpuidConsistencyTest and compat-tests' cpuid probe): the engine
 * reports SSE4.2, AES and 3DNow! and omits FPU, TSC and MMX from leaf 1 EDX, while POPCNT, MOVBE,
 * PCLMULQDQ, XSAVE, RDRAND, RDFSBASE and SHA raise #UD. glibc's IFUNC resolvers trust CPUID, so a wrong
 * bit becomes a SIGILL deep inside strlen. We therefore keep only bits in the allow-lists below, each
 * verified to execute, and add the baseline x86-64 bits the engine executes but forgets to report.
 */
final class CpuidModel {
    // Leaf 1 EDX: FPU TSC CX8 CMOV CLFSH MMX FXSR SSE SSE2 (x86-64 baseline, all executed by TCG).
    private static final int LEAF1_EDX = bit(0) | bit(4) | bit(8) | bit(15) | bit(19) | bit(23) | bit(24) | bit(25) | bit(26);
    // Leaf 1 ECX allowed if the engine reports them: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 AES.
    // POPCNT(23) only where it runs (see popcnt). Not MOVBE(22) PCLMULQDQ(1) XSAVE(26) OSXSAVE(27) AVX(28) RDRAND(30) F16C(29) FMA(12).
    private static final int LEAF1_ECX_ALLOWED = bit(0) | bit(9) | bit(13) | bit(19) | bit(20) | bit(25);
    // Leaf 7.0 EBX allowed: BMI1 ADX. Not ERMS(9): with it glibc's memcpy/memset pick rep movsb/stosb for
    // large blocks, which TCG runs a byte at a time (a 64 KiB memcpy+memset loop took 0.72-0.78 s of user
    // time with ERMS reported and 0.62-0.63 s without, on Unicorn 2.1.4, whose Haswell model reports it;
    // 2.0's model never did). Not FSGSBASE(0) AVX2(5) SHA(29) AVX-512, and not BMI2(8):
    // the engine executes SHLX/SARX/BZHI/MULX/RORX correctly but PDEP/PEXT give wrong results
    // (pdep(5, 0xf0f0) = 0 instead of 0x50; found by compat-tests' cpuid probe).
    private static final int LEAF7_EBX_ALLOWED = bit(3) | bit(19);
    // Leaf 0x80000001 ECX allowed: LAHF/SAHF, ABM (LZCNT), PREFETCHW.
    private static final int EXT1_ECX_ALLOWED = bit(0) | bit(5) | bit(8);
    // Leaf 0x80000001 EDX allowed: SYSCALL NX RDTSCP LM. Not 3DNow!(31) 3DNowExt(30) 1G pages(26).
    private static final int EXT1_EDX_ALLOWED = bit(11) | bit(20) | bit(27) | bit(29);

    private static volatile CpuidModel instance;

    private final Map<Long, int[]> leaves = new HashMap<>();
    private final int maxBasic;
    private final int maxExtended;

    private static int bit(int n) {
        return 1 << n;
    }

    static CpuidModel get() {
        CpuidModel m = instance;
        if (m == null) {
            synchronized (CpuidModel.class) {
                if (instance == null) instance = new CpuidModel();
                m = instance;
            }
        }
        return m;
    }

    private CpuidModel() {
        RawCpuid raw = new RawCpuid();
        try {
            int[] l0 = raw.query(0, 0);
            maxBasic = Math.min(l0[0], 0xd);
            for (int leaf = 0; leaf <= maxBasic; leaf++) {
                for (int sub = 0; sub < 4; sub++) leaves.put(key(leaf, sub), raw.query(leaf, sub));
            }
            int[] e0 = raw.query(0x80000000, 0);
            maxExtended = Math.min(e0[0], 0x80000008);
            for (int leaf = 0x80000000; leaf <= maxExtended && leaf < 0; leaf++) leaves.put(key(leaf, 0), raw.query(leaf, 0));
            popcnt = raw.popcntWorks();
        } finally {
            raw.close();
        }
        normalise();
    }

    /**
     * POPCNT is what separates the x86-64-v2 level (glibc refuses to start a v2 binary without it) from the
     * baseline. Unicorn 2.0's default model raises #UD for it; 2.1's Haswell model runs it. Reported only
     * when it runs here and counts right.
     */
    private final boolean popcnt;

    private void normalise() {
        int[] l1 = leaves.get(key(1, 0));
        for (int sub = 0; sub < 4; sub++) {
            int[] r = leaves.get(key(1, sub));
            r[2] = l1[2] & (LEAF1_ECX_ALLOWED | (popcnt ? bit(23) : 0));
            r[3] = LEAF1_EDX;
        }
        if (maxBasic >= 7) {
            int[] l7 = leaves.get(key(7, 0));
            l7[1] &= LEAF7_EBX_ALLOWED;
            l7[2] = 0;
            l7[3] = 0;
        }
        if (maxBasic >= 0xd) {
            for (int sub = 0; sub < 4; sub++) leaves.put(key(0xd, sub), new int[4]); // no XSAVE
        }
        int[] e1 = leaves.get(key(0x80000001, 0));
        if (e1 != null) {
            e1[2] &= EXT1_ECX_ALLOWED;
            e1[3] &= EXT1_EDX_ALLOWED;
        }
    }

    private static long key(int leaf, int subleaf) {
        return ((long) leaf << 32) | (subleaf & 0xffffffffL);
    }

    /** Leaf/sub-leaf lookup with Intel's rule: a leaf above the maximum answers like the maximum basic leaf. */
    int[] query(int leaf, int subleaf) {
        int[] r = leaves.get(key(leaf, subleaf));
        if (r == null) r = leaves.get(key(leaf, 0));
        if (r == null) {
            boolean extended = leaf < 0;
            r = extended ? new int[4] : leaves.get(key(maxBasic, 0));
        }
        return r.clone();
    }

    /** Runs the engine's real CPUID instruction in a throwaway engine with no hooks. */
    private static final class RawCpuid {
        private static final long CODE = 0x10000;
        private final UnicornLibrary uc = Unicorn.library();
        private final Pointer engine;
        private final Pointer page;
        private final Pointer scratch;
        private final long codePage;

        RawCpuid() {
            PointerByReference ref = new PointerByReference();
            uc.uc_open(UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64, ref);
            engine = ref.getValue();
            uc.uc_ctl(engine, UnicornLibrary.UC_CTL_CPU_MODEL_WRITE, UnicornCpu.cpuModel(), 0);
            page = Memory.allocateDirect(Unicorn.runtime(), 8192);
            long aligned = (page.address() + 4095) & -4096L;
            scratch = Memory.allocateDirect(Unicorn.runtime(), 8);
            codePage = aligned;
            uc.uc_mem_map_ptr(engine, CODE, 4096, 7, Pointer.wrap(Unicorn.runtime(), aligned));
        }

        int[] query(int leaf, int subleaf) {
            Pointer.wrap(Unicorn.runtime(), codePage).put(0, new byte[] {0x0f, (byte) 0xa2}, 0, 2); // cpuid
            write(35, leaf & 0xffffffffL);    // rax
            write(38, subleaf & 0xffffffffL); // rcx
            uc.uc_emu_start(engine, CODE, CODE + 2, 0, 0);
            return new int[] {(int) read(35), (int) read(37), (int) read(38), (int) read(40)};
        }

        /** popcnt rax, rbx with rbx = 0xf0f0: runs, and gives 8. */
        boolean popcntWorks() {
            Pointer.wrap(Unicorn.runtime(), codePage).put(0, new byte[] {(byte) 0xf3, 0x48, 0x0f, (byte) 0xb8, (byte) 0xc3}, 0, 5);
            write(35, 0);      // rax
            write(37, 0xf0f0); // rbx
            int err = uc.uc_emu_start(engine, CODE, CODE + 5, 0, 0);
            return err == UnicornLibrary.UC_ERR_OK && read(35) == 8;
        }

        private void write(int reg, long v) {
            scratch.putLong(0, v);
            uc.uc_reg_write(engine, reg, scratch);
        }

        private long read(int reg) {
            uc.uc_reg_read(engine, reg, scratch);
            return scratch.getLong(0);
        }

        void close() {
            uc.uc_close(engine);
        }
    }
}
