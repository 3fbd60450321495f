package dev.jlibos.kml;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny x86-64 assembler for the few instructions the vDSO needs. Every method emits exactly one
 * instruction in its general form (no short-form optimisations except where noted), so the encodings
 * are easy to check against the Intel SDM tables cited next to each one. Branches always take a rel32
 * displacement; labels are resolved by {@link #bytes()}.
 *
 * <p>Positions are image-relative: the emitter starts at {@code origin}, so {@link #leaRip} can address
 * anything at a fixed distance from the code (the vvar page below the image).
 */
final class X86Emitter {
    /** The 16 general-purpose registers by hardware number (low 3 bits in ModRM, bit 3 in REX). */
    enum R {
        RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

        int low() {
            return ordinal() & 7;
        }

        int high() {
            return ordinal() >> 3;
        }
    }

    /** Condition codes (the low nibble of 0F 8x Jcc rel32). */
    enum Cond {
        B(0x2), AE(0x3), E(0x4), NE(0x5), A(0x7), NS(0x9);

        final int code;

        Cond(int code) {
            this.code = code;
        }
    }

    /** A branch target; bound once, referenced any number of times before or after. */
    static final class Label {
        private long position = -1;
    }

    private record Fixup(int at, Label target) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Fixup> fixups = new ArrayList<>();
    private final long origin;

    X86Emitter(long origin) {
        this.origin = origin;
    }

    /** Image-relative address of the next byte. */
    long position() {
        return origin + out.size();
    }

    void bind(Label l) {
        if (l.position >= 0) throw new IllegalStateException("label bound twice");
        l.position = position();
    }

    /** The machine code with every branch displacement filled in. */
    byte[] bytes() {
        byte[] b = out.toByteArray();
        for (Fixup f : fixups) {
            if (f.target.position < 0) throw new IllegalStateException("unbound label");
            long next = origin + f.at + 4; // rel32 counts from the end of the instruction
            putInt(b, f.at, Math.toIntExact(f.target.position - next));
        }
        return b;
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding helpers

    private void u8(int v) {
        out.write(v & 0xff);
    }

    private void u32(int v) {
        for (int i = 0; i < 4; i++) u8(v >> (8 * i));
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >> (8 * i));
    }

    /** REX prefix 0100WRXB; omitted when it would be 0x40 (no 64-bit operand, no high register). */
    private void rex(boolean w, int reg, int base) {
        int rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (base >> 3);
        if (rex != 0x40) u8(rex);
    }

    /** ModRM with mod=11: register-direct operand. */
    private void modrmReg(int reg, R rm) {
        u8(0xc0 | ((reg & 7) << 3) | rm.low());
    }

    /**
     * ModRM (+disp) for a [base + disp] operand. RSP/R12 as base would need a SIB byte, which this
     * vDSO never uses; RBP/R13 have no mod=00 form, so they take a zero disp8.
     */
    private void modrmMem(int reg, R base, int disp) {
        if (base.low() == 4) throw new IllegalArgumentException("RSP/R12 base needs a SIB byte");
        int r = (reg & 7) << 3;
        if (disp == 0 && base.low() != 5) {
            u8(r | base.low());
        } else if (disp >= -128 && disp <= 127) {
            u8(0x40 | r | base.low());
            u8(disp);
        } else {
            u8(0x80 | r | base.low());
            u32(disp);
        }
    }

    /** op r64, [base+disp] (REX.W op /r), e.g. 8B = mov, 03 = add, 2B = sub, 3B = cmp. */
    private void loadOp(int opcode, R dst, R base, int disp) {
        rex(true, dst.ordinal(), base.ordinal());
        u8(opcode);
        modrmMem(dst.ordinal(), base, disp);
    }

    // ---------------------------------------------------------------------------------------------
    // Instructions

    /** mov r64, [base+disp] — REX.W 8B /r. */
    void movLoad(R dst, R base, int disp) {
        loadOp(0x8b, dst, base, disp);
    }

    /** mov r32, [base+disp] — 8B /r (zero-extends into the 64-bit register). */
    void movLoad32(R dst, R base, int disp) {
        rex(false, dst.ordinal(), base.ordinal());
        u8(0x8b);
        modrmMem(dst.ordinal(), base, disp);
    }

    /** mov [base+disp], r64 — REX.W 89 /r. */
    void movStore(R base, int disp, R src) {
        rex(true, src.ordinal(), base.ordinal());
        u8(0x89);
        modrmMem(src.ordinal(), base, disp);
    }

    /** mov dword [base+disp], imm32 — C7 /0 id. */
    void movStoreImm32(R base, int disp, int imm) {
        rex(false, 0, base.ordinal());
        u8(0xc7);
        modrmMem(0, base, disp);
        u32(imm);
    }

    /** mov qword [base+disp], imm32 (sign-extended) — REX.W C7 /0 id. */
    void movStoreImm64(R base, int disp, int imm) {
        rex(true, 0, base.ordinal());
        u8(0xc7);
        modrmMem(0, base, disp);
        u32(imm);
    }

    /** mov r64, r64 — REX.W 89 /r (ModRM.rm = destination). */
    void mov(R dst, R src) {
        rex(true, src.ordinal(), dst.ordinal());
        u8(0x89);
        modrmReg(src.ordinal(), dst);
    }

    /** mov r32, imm32 — B8+rd id (zero-extends into the 64-bit register). */
    void movImm32(R dst, int imm) {
        rex(false, 0, dst.ordinal());
        u8(0xb8 + dst.low());
        u32(imm);
    }

    /** mov r64, imm64 — REX.W B8+rd io ("movabs"): a full 64-bit address without a base register. */
    void movImm64(R dst, long imm) {
        rex(true, 0, dst.ordinal());
        u8(0xb8 + dst.low());
        u32((int) imm);
        u32((int) (imm >>> 32));
    }

    /** mov r32, r32 — 89 /r; writing the 32-bit register clears the upper half (zero-extension). */
    void mov32(R dst, R src) {
        rex(false, src.ordinal(), dst.ordinal());
        u8(0x89);
        modrmReg(src.ordinal(), dst);
    }

    /** mov r32, [base + index*4 + disp32] — 8B /r; zero-extends into the 64-bit register. */
    void movLoadIndexed32(R dst, R base, R index, int disp) {
        indexedOp(0x8b, false, dst, base, index, 2, disp);
    }

    /** add r64, [base + index*8 + disp32] — REX.W 03 /r. */
    void addLoadIndexed64(R dst, R base, R index, int disp) {
        indexedOp(0x03, true, dst, base, index, 3, disp);
    }

    /**
     * op reg, [base + index*2^scale + disp32]: ModRM mod=10 rm=100 and a SIB byte. RSP/R12 cannot be an
     * index and RBP/R13 as base would change meaning with mod=00; neither is needed, so neither is encoded.
     */
    private void indexedOp(int opcode, boolean w, R reg, R base, R index, int scale, int disp) {
        if (index.low() == 4 || base.low() == 5) throw new IllegalArgumentException("unsupported SIB registers");
        int rex = 0x40 | (w ? 8 : 0) | (reg.high() << 2) | (index.high() << 1) | base.high(); // REX.W R X B
        if (rex != 0x40) u8(rex);
        u8(opcode);
        u8(0x80 | (reg.low() << 3) | 4);
        u8((scale << 6) | (index.low() << 3) | base.low());
        u32(disp);
    }

    /** cmp r32, imm32 — 81 /7 id. */
    void cmpImm32_32(R r, int imm) {
        rex(false, 0, r.ordinal());
        u8(0x81);
        modrmReg(7, r);
        u32(imm);
    }

    /** cmova r32, r32 — 0F 47 /r: dst = src if the last compare was unsigned "above". */
    void cmovA32(R dst, R src) {
        rex(false, dst.ordinal(), src.ordinal());
        u8(0x0f);
        u8(0x47);
        modrmReg(dst.ordinal(), src);
    }

    /** nop — 90. */
    void nop() {
        u8(0x90);
    }

    /** lea r64, [rip + (target - next instruction)] — REX.W 8D /r with mod=00 rm=101. */
    void leaRip(R dst, long target) {
        rex(true, dst.ordinal(), 0);
        u8(0x8d);
        u8(((dst.ordinal() & 7) << 3) | 5);
        long next = position() + 4;
        u32(Math.toIntExact(target - next));
    }

    /** add r64, [base+disp] — REX.W 03 /r. */
    void addLoad(R dst, R base, int disp) {
        loadOp(0x03, dst, base, disp);
    }

    /** sub r64, [base+disp] — REX.W 2B /r. */
    void subLoad(R dst, R base, int disp) {
        loadOp(0x2b, dst, base, disp);
    }

    /** cmp r64, [base+disp] — REX.W 3B /r. */
    void cmpLoad(R left, R base, int disp) {
        loadOp(0x3b, left, base, disp);
    }

    /** add r64, r64 — REX.W 01 /r. */
    void add(R dst, R src) {
        rex(true, src.ordinal(), dst.ordinal());
        u8(0x01);
        modrmReg(src.ordinal(), dst);
    }

    /** or r64, r64 — REX.W 09 /r. */
    void or(R dst, R src) {
        rex(true, src.ordinal(), dst.ordinal());
        u8(0x09);
        modrmReg(src.ordinal(), dst);
    }

    /** xor r32, r32 — 31 /r; writing a 32-bit register clears the upper half, so this zeroes the whole register. */
    void zero(R r) {
        rex(false, r.ordinal(), r.ordinal());
        u8(0x31);
        modrmReg(r.ordinal(), r);
    }

    /** test r64, r64 — REX.W 85 /r. */
    void test(R a, R b) {
        rex(true, b.ordinal(), a.ordinal());
        u8(0x85);
        modrmReg(b.ordinal(), a);
    }

    /** test r64, imm32 — REX.W F7 /0 id. */
    void testImm(R r, int imm) {
        rex(true, 0, r.ordinal());
        u8(0xf7);
        modrmReg(0, r);
        u32(imm);
    }

    /** cmp r32, imm8 (sign-extended) — 83 /7 ib. */
    void cmpImm8_32(R r, int imm) {
        rex(false, 0, r.ordinal());
        u8(0x83);
        modrmReg(7, r);
        u8(imm);
    }

    /** bt r32, r32 — 0F A3 /r: CF = bit {@code bit} of {@code bits}. */
    void bt32(R bits, R bit) {
        rex(false, bit.ordinal(), bits.ordinal());
        u8(0x0f);
        u8(0xa3);
        modrmReg(bit.ordinal(), bits);
    }

    /** shl r64, imm8 — REX.W C1 /4 ib. */
    void shlImm(R r, int count) {
        rex(true, 0, r.ordinal());
        u8(0xc1);
        modrmReg(4, r);
        u8(count);
    }

    /** shrd r64, r64, cl — REX.W 0F AD /r: dst = low 64 bits of (src:dst >> cl). */
    void shrdCl(R dst, R src) {
        rex(true, src.ordinal(), dst.ordinal());
        u8(0x0f);
        u8(0xad);
        modrmReg(src.ordinal(), dst);
    }

    /** mul r64 — REX.W F7 /4: rdx:rax = rax * r (unsigned). */
    void mul(R r) {
        rex(true, 0, r.ordinal());
        u8(0xf7);
        modrmReg(4, r);
    }

    /** div r64 — REX.W F7 /6: rax = rdx:rax / r, rdx = remainder (unsigned). */
    void div(R r) {
        rex(true, 0, r.ordinal());
        u8(0xf7);
        modrmReg(6, r);
    }

    /** jcc rel32 — 0F 80+cc cd. */
    void jcc(Cond c, Label target) {
        u8(0x0f);
        u8(0x80 | c.code);
        rel32(target);
    }

    /** jmp rel32 — E9 cd. */
    void jmp(Label target) {
        u8(0xe9);
        rel32(target);
    }

    private void rel32(Label target) {
        fixups.add(new Fixup(out.size(), target));
        u32(0);
    }

    /** rdtsc — 0F 31: edx:eax = time-stamp counter. */
    void rdtsc() {
        u8(0x0f);
        u8(0x31);
    }

    /** lfence — 0F AE E8: keeps rdtsc from running ahead of the sequence-count load (Linux's rdtsc_ordered). */
    void lfence() {
        u8(0x0f);
        u8(0xae);
        u8(0xe8);
    }

    /** pause — F3 90: the spin-wait hint. */
    void pause() {
        u8(0xf3);
        u8(0x90);
    }

    /** syscall — 0F 05. */
    void syscall() {
        u8(0x0f);
        u8(0x05);
    }

    /** ret — C3. */
    void ret() {
        u8(0xc3);
    }

    /** int3 — CC: padding between functions, so a stray jump traps instead of running the next one. */
    void int3() {
        u8(0xcc);
    }
}
