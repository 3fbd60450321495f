package dev.jlibos.host.unicorn;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.LongLongByReference;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replaces the engine's FPREM and FPREM1 with {@link X87Remainder}'s exact arithmetic, on one engine.
 *
 * <p>Unicorn has no hook on one opcode, and a code hook over all code would call Java on every instruction.
 * So the sites are found in the code itself: the first time the engine fetches code from a page (its TLB
 * fill hook sees every such fetch), that page and the next are searched for the opcode bytes {@code D9 F8}
 * and {@code D9 F5}, and each match gets a code hook bounded to that one address. The engine calls a code
 * hook only for an instruction that starts at its address, so matches inside other instructions or in data
 * cost a list entry and never fire. The next page is searched ahead because a translation block that
 * starts on one page may run into the next without a second hook point before its instructions are
 * translated.
 *
 * <p>Code rewritten in place through the libOS (the loader, read() into executable memory) is searched again
 * when the kernel invalidates it. Code a guest JIT stores into a page the engine has already fetched from
 * is not seen: such an FPREM keeps the engine's inexact result (README, Quirks). Unicorn 2.0 has no TLB fill
 * hook, so on it this class is never used.
 */
final class X87RemainderSites {
    private static final long PAGE = 4096;
    /** More sites than any real program has (python3 holds 22 candidates, libm 17); the rest run unhooked. */
    private static final int MAX_SITES = 4096;
    private static final int FSW = RegisterIds.FPSW, FPTAG = RegisterIds.FPTAG, FP0 = RegisterIds.FP0, RIP = 41;
    private static final int EMPTY_TAG = 3;

    private final UnicornLibrary uc;
    private final Pointer engine;
    /** Two pages: a page and the first byte of the next (an instruction may straddle them). */
    private final Pointer window;
    private final Pointer register;
    private final byte[] bytes = new byte[(int) PAGE + 1];
    private final UnicornLibrary.CodeHook hook = this::onSite; // a strong reference: the engine holds a raw pointer
    private final TreeSet<Long> searched = new TreeSet<>();
    private final Set<Long> sites = new HashSet<>();

    X87RemainderSites(UnicornLibrary uc, Pointer engine) {
        this.uc = uc;
        this.engine = engine;
        this.window = Memory.allocateDirect(Unicorn.runtime(), (int) PAGE + 1);
        this.register = Memory.allocateDirect(Unicorn.runtime(), 16);
    }

    /** The engine fetches code from {@code address}'s page: search it and the next if not done yet. */
    void onCodeFetch(long address) {
        long page = address & -PAGE;
        if (searched.add(page)) search(page);
        if (searched.add(page + PAGE)) search(page + PAGE);
    }

    /** Bytes in the range were rewritten: search again the pages already searched (and the one before). */
    void onCodeChanged(long address, long size) {
        long first = (address & -PAGE) - PAGE, end = address + size;
        for (Long page : searched.subSet(first, true, end, false)) search(page);
    }

    /** The range left the engine: a new mapping there is searched afresh. */
    void onUnmapped(long address, long size) {
        searched.subSet(address & -PAGE, true, address + size, false).clear();
    }

    private void search(long page) {
        int length = (int) PAGE + 1;
        if (uc.uc_mem_read(engine, page, window, length) != UnicornLibrary.UC_ERR_OK) {
            length = (int) PAGE; // the next page is not mapped
            if (uc.uc_mem_read(engine, page, window, length) != UnicornLibrary.UC_ERR_OK) return;
        }
        window.get(0, bytes, 0, length);
        for (int i = 0; i < length - 1; i++) {
            if (bytes[i] == (byte) 0xD9 && isRemainder(bytes[i + 1])) addSite(page + i);
        }
    }

    private static boolean isRemainder(byte modrm) {
        return modrm == (byte) 0xF8 || modrm == (byte) 0xF5; // FPREM, FPREM1
    }

    private void addSite(long address) {
        if (sites.size() >= MAX_SITES || !sites.add(address)) return;
        LongLongByReference handle = new LongLongByReference();
        uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_CODE, hook, null, address, address, 0);
    }

    /** Before an instruction at a site: if it is still FPREM or FPREM1, compute it and step over it. */
    private void onSite(Pointer engine, long address, int size, Pointer userData) {
        if (uc.uc_mem_read(engine, address, register, 2) != UnicornLibrary.UC_ERR_OK) return;
        if (register.getByte(0) != (byte) 0xD9 || !isRemainder(register.getByte(1))) return;
        boolean ieee = register.getByte(1) == (byte) 0xF5;
        int status = readShort(FSW);
        int tags = readShort(FPTAG);
        int top = (status >> 11) & 7, next = (top + 1) & 7;
        // Stack underflow (an empty register) is the engine's to report.
        if (((tags >> (2 * top)) & 3) == EMPTY_TAG || ((tags >> (2 * next)) & 3) == EMPTY_TAG) return;
        uc.uc_reg_read(engine, FP0 + top, register);
        long significand0 = register.getLong(0);
        int signExponent0 = register.getShort(8) & 0xffff;
        uc.uc_reg_read(engine, FP0 + next, register);
        X87Remainder.Result r = X87Remainder.compute(signExponent0, significand0,
                register.getShort(8) & 0xffff, register.getLong(0), ieee);
        if (r == null) return; // NaN, infinity, zero, unnormal: the engine's instruction handles them
        register.putLong(0, r.significand());
        register.putShort(8, (short) r.signExponent());
        uc.uc_reg_write(engine, FP0 + top, register);
        register.putLong(0, (status & ~X87Remainder.CONDITION_CODES) | r.conditionCodes());
        uc.uc_reg_write(engine, FSW, register);
        // Writing RIP from a code hook makes the engine resume there: the instruction is skipped.
        register.putLong(0, address + 2);
        uc.uc_reg_write(engine, RIP, register);
    }

    private int readShort(int id) {
        register.putLong(0, 0);
        uc.uc_reg_read(engine, id, register);
        return register.getShort(0) & 0xffff;
    }
}
