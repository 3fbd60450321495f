package dev.jlibos.host.unicorn;

import dev.jlibos.core.cpu.Reg;

/** Unicorn's uc_x86_reg numbers (x86.h of Unicorn 2.0.x) for our {@link Reg} names. */
final class RegisterIds {
    static final int XMM0 = 122;
    static final int MXCSR = 249;
    static final int FPCW = 246;
    /** x87 status word, tag word (two bits per register) and the eight registers (FP0 + physical index). */
    static final int FPSW = 31, FPTAG = 247, FP0 = 82;
    static final int CR4 = 54;

    private static final int[] IDS = new int[Reg.values().length];

    static {
        set(Reg.RAX, 35); set(Reg.RBX, 37); set(Reg.RCX, 38); set(Reg.RDX, 40);
        set(Reg.RSI, 43); set(Reg.RDI, 39); set(Reg.RBP, 36); set(Reg.RSP, 44);
        set(Reg.R8, 106); set(Reg.R9, 107); set(Reg.R10, 108); set(Reg.R11, 109);
        set(Reg.R12, 110); set(Reg.R13, 111); set(Reg.R14, 112); set(Reg.R15, 113);
        set(Reg.RIP, 41); set(Reg.EFLAGS, 25);
        set(Reg.CS, 11); set(Reg.SS, 49); set(Reg.DS, 17); set(Reg.ES, 28); set(Reg.FS, 32); set(Reg.GS, 33);
        set(Reg.FS_BASE, 250); set(Reg.GS_BASE, 251);
    }

    private RegisterIds() {
    }

    private static void set(Reg reg, int id) {
        IDS[reg.ordinal()] = id;
    }

    static int of(Reg reg) {
        return IDS[reg.ordinal()];
    }
}
