package dev.jlibos.kml;

import java.util.Arrays;

/**
 * The in-guest half of syscall-site rewriting (Lupine's KML, done zpoline's way, in an emulator).
 *
 * <p>Two pages per process:
 * <ul>
 *   <li>The <b>entry page</b> at guest address 0, mapped execute-only (the engine refuses data reads and
 *       writes, so a NULL dereference still faults). A rewritten site executes {@code jmp *%rax} with RAX
 *       holding its syscall number N, so it lands at address N. The served numbers lie in one short
 *       range; that range is a run of {@code nop}s sliding into one stub. Every other byte is
 *       {@code int3}, so a call through a NULL function pointer traps (the kernel reports it as the
 *       SIGSEGV Linux gives).</li>
 *   <li>The <b>data page</b> ({@code [kml-data]}, read-only to the guest, anywhere in the address space):
 *       for each number below {@link #TABLE_ENTRIES}, a 32-bit answer ({@link #VALUES}) and a 64-bit
 *       offset ({@link #OFFSETS}): 0 for a served number, {@link #POISON} for any other. The libOS fills
 *       the answers from its own syscall handlers, so both paths give the same result.</li>
 * </ul>
 *
 * <p>The stub is one basic block with no branch (measured: each block the engine enters costs a block
 * hook and a dispatch, a visible share of a ~100 ns call): it adds the number's offset to the data
 * page's address before loading the answer, so a number that is not served (a wild jump into the sled)
 * loads from a non-canonical address and faults, instead of running anything. It uses only RAX (the
 * result), RCX and R11, the registers the {@code syscall} instruction itself clobbers, and never touches
 * the stack.
 */
public final class SyscallShim {
    public static final int PAGE_SIZE = 4096;
    /** Numbers the data page describes; larger ones are folded into 0, which is never served. */
    public static final int TABLE_ENTRIES = 256;
    /** Offset of the answers: {@code int32 value[TABLE_ENTRIES]}. */
    public static final int VALUES = 0;
    /** Offset of the offsets: {@code int64 offset[TABLE_ENTRIES]}. */
    public static final int OFFSETS = VALUES + 4 * TABLE_ENTRIES;
    /** An offset that makes the answer's address non-canonical, so the load faults. */
    public static final long POISON = 0x8000_0000_0000_0000L;

    private SyscallShim() {
    }

    /**
     * The entry page's code for {@code served} syscall numbers (each in [1, {@link #TABLE_ENTRIES})),
     * reading the data page at {@code dataAddress}.
     */
    public static byte[] entryPage(long dataAddress, int[] served) {
        int low = Arrays.stream(served).min().orElseThrow();
        int high = Arrays.stream(served).max().orElseThrow();
        if (low < 1 || high >= TABLE_ENTRIES) throw new IllegalArgumentException("served numbers out of range");
        X86Emitter e = new X86Emitter(0);
        while (e.position() < low) e.int3();
        while (e.position() <= high) e.nop();
        // RAX = N: the rewritten site's "mov $N,%eax" zero-extended it; a wild jump may not have, so
        // clear the upper half and fold any number past the table into 0.
        e.mov32(X86Emitter.R.RAX, X86Emitter.R.RAX);
        e.movImm64(X86Emitter.R.RCX, dataAddress);
        e.zero(X86Emitter.R.R11);
        e.cmpImm32_32(X86Emitter.R.RAX, TABLE_ENTRIES - 1);
        e.cmovA32(X86Emitter.R.RAX, X86Emitter.R.R11);
        e.addLoadIndexed64(X86Emitter.R.RCX, X86Emitter.R.RCX, X86Emitter.R.RAX, OFFSETS);
        e.movLoadIndexed32(X86Emitter.R.RAX, X86Emitter.R.RCX, X86Emitter.R.RAX, VALUES);
        e.ret();
        byte[] code = e.bytes();
        if (code.length > PAGE_SIZE) throw new IllegalStateException("entry page overflow");
        byte[] page = new byte[PAGE_SIZE];
        Arrays.fill(page, (byte) 0xcc);
        System.arraycopy(code, 0, page, 0, code.length);
        return page;
    }

    /** The data page's initial contents: every offset poisoned except the served numbers'; answers 0. */
    public static byte[] dataPage(int[] served) {
        java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(PAGE_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int n = 0; n < TABLE_ENTRIES; n++) page.putLong(OFFSETS + 8 * n, POISON);
        for (int n : served) page.putLong(OFFSETS + 8 * n, 0);
        return page.array();
    }

    /** True for an address in the entry page: a fault there is the guest jumping to a wild low address. */
    public static boolean inEntryPage(long address) {
        return address >= 0 && address < PAGE_SIZE;
    }
}
