package dev.jlibos.core.cpu;

/**
 * One guest hardware thread: registers plus the engine that executes instructions.
 *
 * <p>Guest memory is not owned by the CPU. The address space maps host memory blocks into the engine
 * with {@link #map}, so the libOS reads and writes guest memory directly, and several CPUs (threads of
 * one process) can share the same blocks.
 *
 * <p>Register writes made inside {@link CpuEvents#onSyscall} take effect when the hook returns; in
 * particular setting {@link Reg#RIP} there redirects execution to exactly that address (the binding
 * hides the engine's own "advance past syscall" step), and reading RIP there gives the address of the
 * instruction after {@code syscall}, as the kernel sees it in {@code pt_regs}.
 *
 * <p>With {@link #setSyscallExits syscall exits} on, a syscall ends {@link #run} instead (a
 * {@link CpuExit.Kind#SYSCALL} exit) and the call is served between runs. Outside a hook RIP is simply
 * the next instruction to run, which after a syscall exit is again the address after {@code syscall}: the
 * same handler code works both ways, and a RIP it sets is where the next {@link #run} should start.
 */
public interface Cpu extends AutoCloseable {
    /** Linux/engine protection bits (identical values in both). */
    int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

    long get(Reg reg);

    void set(Reg reg, long value);

    /**
     * Reads the syscall number and its six arguments (rax, rdi, rsi, rdx, r10, r8, r9) into {@code out}
     * with one call into the engine. This is the hot path of every syscall.
     */
    void readSyscallRegisters(long[] out);

    /** Reads XMM register {@code index} (0-15) as 16 little-endian bytes. */
    void getXmm(int index, byte[] out16);

    void setXmm(int index, byte[] in16);

    /** The MXCSR register (SSE control and status). */
    int getMxcsr();

    void setMxcsr(int value);

    /** The x87 FPU control word (precision and rounding; a new thread inherits its creator's). */
    int getFpuControlWord();

    void setFpuControlWord(int value);

    /**
     * What the guest's {@code cpuid} instruction returns (eax, ebx, ecx, edx) for a leaf and sub-leaf:
     * only features the engine really executes are reported. /proc/cpuinfo is derived from this.
     */
    int[] cpuid(int leaf, int subleaf);

    /** Makes {@code size} bytes of host memory at {@code hostAddress} visible to the guest at {@code guestAddress}. */
    void map(long guestAddress, long size, int prot, long hostAddress);

    void unmap(long guestAddress, long size);

    /**
     * True when the engine asks {@link PageProtections} for each page's rights as it fills its TLB (Unicorn
     * 2.1's virtual TLB), so {@link #map} takes every mapping with all rights and a protection change
     * costs a TLB flush instead of splitting engine regions. False (Unicorn 2.0): the engine holds one
     * region per protection, given to {@link #map}.
     */
    default boolean pagedProtection() {
        return false;
    }

    /** With {@link #pagedProtection}: the address space the engine asks; set before the engine first runs. */
    default void setPageProtections(PageProtections protections) {
    }

    /**
     * With {@link #pagedProtection}: the rights of some pages changed, so what the engine cached is stale.
     * Safe from any thread; an engine running on another thread drops its cache before its next block.
     */
    default void protectionsChanged() {
    }

    /**
     * Drops translated code for a range whose bytes were changed from outside the guest (loader, read()
     * into an executable page, a new executable mapping at a reused address).
     */
    void invalidateCode(long guestAddress, long size);

    /**
     * The threads of a process each run their own engine over the same memory. An engine notices stores
     * into code it translated itself (TCG's self-modifying-code check), not stores made by another engine:
     * a JIT that patches code in a writable+executable area from one thread (HotSpot's tiered compilation
     * does, all the time) would leave the other threads running stale translations. Each store this engine
     * makes into {@code ranges} ({start, end} pairs, replacing the previous set) is reported to
     * {@code stores}, and before it runs guest code the engine drops the pages {@code stores} says others
     * stored into. Safe from any thread; the owner applies it before it next runs guest code.
     */
    default void watchCodeStores(java.util.List<long[]> ranges, CodeStores stores) {
    }

    /** One engine's link to the others that share its memory (see {@link #watchCodeStores}). */
    interface CodeStores {
        /** This engine stored into [address, address + size) since it last said so. */
        void stored(long address, long size);

        /**
         * Passes each range other engines stored into since the last call to {@code drop}; called by the
         * engine's owner before guest code, so cheap when there is nothing new.
         */
        void dropStale(Ranges drop);

        @FunctionalInterface
        interface Ranges {
            void range(long address, long size);
        }
    }

    void setEvents(CpuEvents events);

    /**
     * On: every {@code syscall} instruction stops the engine and {@link #run} returns a
     * {@link CpuExit.Kind#SYSCALL} exit, like a trap leaving user mode, instead of calling
     * {@link CpuEvents#onSyscall} inside the engine (off, the default).
     */
    void setSyscallExits(boolean on);

    /** Runs from {@code pc} until {@link #stop()} is called or the guest faults. */
    CpuExit run(long pc);

    /** Asks the running emulation to return from {@link #run}; safe to call from a hook. */
    void stop();

    /**
     * Asks the engine to return from {@link #run} at the start of its next basic block, where no
     * instruction is half done; safe from any thread, and remembered if the engine is not running
     * (the next run then returns at once). Use this, not {@link #stop}, from other threads.
     */
    void requestStop();

    /**
     * Makes the engine count the basic blocks it starts and honour {@link #setBlockBudget} (deterministic
     * mode; it costs ~5% of user time, so engines do not by default). Call before the engine first runs.
     */
    default void countBlocks() {
    }

    /** Basic blocks this engine has started so far (its deterministic measure of guest work); 0 if not counted. */
    default long blocksExecuted() {
        return 0;
    }

    /**
     * Makes {@link #run} return (as if {@link #requestStop} had been called) once {@code blocks} more basic
     * blocks have started; {@link Long#MAX_VALUE} removes the budget. Called by the thread running the engine.
     */
    default void setBlockBudget(long blocks) {
    }

    @Override
    void close();

    /**
     * The x87 state a new program starts with (Linux's fpstate_init at execve): control word 0x37F, status
     * word 0 (so the stack top is 0), every register tagged empty and zero. Engines that cannot do it
     * leave the state as it is.
     */
    default void resetX87() {
        setFpuControlWord(0x37f);
    }

    /** Copies the registers fork and snapshots carry (general, flags, FS/GS bases, SSE, x87 control word). */
    static void copyRegisters(Cpu from, Cpu to) {
        to.setFpuControlWord(from.getFpuControlWord());
        for (Reg r : Reg.GPRS) to.set(r, from.get(r));
        for (Reg r : new Reg[] {Reg.EFLAGS, Reg.FS_BASE, Reg.GS_BASE}) to.set(r, from.get(r));
        byte[] xmm = new byte[16];
        for (int i = 0; i < 16; i++) {
            from.getXmm(i, xmm);
            to.setXmm(i, xmm);
        }
        to.setMxcsr(from.getMxcsr());
    }
}
