package dev.jlibos.host.unicorn;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.PageManager;

/**
 * A native UC_HOOK_BLOCK callback, a few bytes of x86-64 machine code, that stops the engine from inside
 * when a per-engine flag is set. It is how another host thread interrupts guest code safely: Unicorn
 * 2.0.1's uc_emu_stop called from another thread can end emulation in the middle of a translation block
 * without updating the PC, so an instruction runs twice (unicorn-engine/unicorn#1355; measured here:
 * busybox sha256sum stopped every 5 ms crashed, a 4-thread atomic counter ended at 400001). Called at
 * the start of a block, before any of its instructions, uc_emu_stop leaves the PC exact. A Java
 * callback per block would cost far more than the block itself, hence native code.
 *
 * <pre>
 *   void hook(uc_engine *uc, uint64_t address, uint32_t size, int *flag) {
 *       if (*flag) { *flag = 0; uc_emu_stop(uc); }        // tail call: rdi still holds uc
 *   }
 * </pre>
 *
 * <p>Deterministic mode's engines use a second variant ({@link #countingAddress()}) that also counts the
 * blocks started and stops the engine once the count reaches a budget: the virtual clock advances with
 * that count and the scheduler preempts a thread after a quantum of blocks instead of a wall-clock slice.
 * The increment and compare cost 3-6% of user time on busybox sha256sum of 16 MiB (2.79-2.82 s vs
 * 2.66-2.73 s, 3-4 runs each on a noisy machine), so other engines keep the plain hook.
 *
 * <pre>
 *   struct state { int flag; int pad; int64_t blocks; int64_t budget; };
 *   void counting_hook(uc_engine *uc, uint64_t address, uint32_t size, struct state *s) {
 *       s->blocks++;
 *       if (s->flag) { s->blocks--; s->flag = 0; uc_emu_stop(uc); }
 *       else if (s->blocks >= s->budget) { s->flag = 0; uc_emu_stop(uc); }
 *   }
 * </pre>
 *
 * <p>A stop asked through the flag is host-timed (a signal or a child's exit from another thread). The
 * block hook runs before the block's exit check (translator_loop emits it ahead of gen_tb_start), so a
 * block stopped there has not run and starts again, hook included, when the engine resumes: it would be
 * counted twice, and the virtual clock would move by one block more in a run where the stop happened to
 * fall during guest code. Hence the decrement: the count is of blocks that ran. (Budget stops happen at
 * the same count in every run, so they need no correction.)
 */
final class StopAtBlockHook {
    /** Offsets in the per-engine state the hook reads (24 bytes). */
    static final int FLAG = 0, BLOCKS = 8, BUDGET = 16, STATE_SIZE = 24;
    private static volatile long address, countingAddress;

    private StopAtBlockHook() {
    }

    /** The callback's address, built on first use. */
    static long address() {
        long a = address;
        if (a == 0) {
            synchronized (StopAtBlockHook.class) {
                if (address == 0) address = build();
                a = address;
            }
        }
        return a;
    }

    /** The counting variant's address, built on first use. */
    static long countingAddress() {
        long a = countingAddress;
        if (a == 0) {
            synchronized (StopAtBlockHook.class) {
                if (countingAddress == 0) countingAddress = build(true);
                a = countingAddress;
            }
        }
        return a;
    }

    private static long build() {
        return build(false);
    }

    private static long build(boolean counting) {
        long stop = com.kenai.jffi.Library.getCachedInstance(Unicorn.libraryPath(), com.kenai.jffi.Library.LAZY)
                .getSymbolAddress("uc_emu_stop");
        if (stop == 0) throw new IllegalStateException("uc_emu_stop not found in " + Unicorn.libraryPath());
        if (!counting) {
            byte[] code = new byte[25];
            int i = 0;
            for (int b : new int[] {0x8b, 0x01, 0x85, 0xc0, 0x75, 0x01, 0xc3, 0xc7, 0x01, 0, 0, 0, 0, 0x48, 0xb8}) {
                code[i++] = (byte) b; // mov eax,[rcx]; test eax,eax; jne +1; ret; mov dword [rcx],0; movabs rax,
            }
            for (int k = 0; k < 8; k++) code[i++] = (byte) (stop >>> (8 * k)); // ...uc_emu_stop
            code[i++] = (byte) 0xff;
            code[i] = (byte) 0xe0; // jmp rax
            return install(code);
        }
        byte[] code = new byte[45];
        int i = 0;
        for (int b : new int[] {
                0x48, 0xff, 0x41, 0x08,             // inc qword [rcx+8]        blocks++
                0x8b, 0x01, 0x85, 0xc0, 0x75, 0x0c, // mov eax,[rcx]; test; jne flagstop
                0x48, 0x8b, 0x41, 0x08,             // mov rax,[rcx+8]
                0x48, 0x3b, 0x41, 0x10,             // cmp rax,[rcx+16]
                0x7c, 0x18,                         // jl ret
                0xeb, 0x04,                         // jmp stop
                0x48, 0xff, 0x49, 0x08,             // flagstop: dec qword [rcx+8]   (see below)
                0xc7, 0x01, 0, 0, 0, 0,             // stop: mov dword [rcx],0
                0x48, 0xb8}) {                      // movabs rax, uc_emu_stop
            code[i++] = (byte) b;
        }
        for (int k = 0; k < 8; k++) code[i++] = (byte) (stop >>> (8 * k));
        code[i++] = (byte) 0xff;
        code[i++] = (byte) 0xe0; // jmp rax
        code[i] = (byte) 0xc3;   // ret: ret
        return install(code);
    }

    /** Copies machine code into a fresh page made read+execute (never writable and executable at once). */
    static long install(byte[] code) {
        PageManager pages = PageManager.getInstance();
        long page = pages.allocatePages(1, PageManager.PROT_READ | PageManager.PROT_WRITE);
        MemoryIO.getInstance().putByteArray(page, code, 0, code.length);
        pages.protectPages(page, 1, PageManager.PROT_READ | PageManager.PROT_EXEC);
        return page;
    }
}
