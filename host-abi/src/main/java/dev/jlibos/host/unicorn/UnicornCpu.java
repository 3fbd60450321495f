package dev.jlibos.host.unicorn;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.CpuEvents;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.PageProtections;
import dev.jlibos.core.cpu.Reg;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * A {@link Cpu} on a Unicorn x86-64 engine.
 *
 * <p>Three Unicorn 2.0.1 behaviours shape this class:
 * <ul>
 *   <li>Inside the syscall hook RIP still points at the {@code syscall} instruction and the engine adds
 *   the instruction length (2) after the hook returns. We present and accept RIP as the kernel does
 *   (the address after {@code syscall}) and compensate on each side. A uc_emu_stop requested in that hook
 *   takes effect after the engine has added the 2 (the instruction ends its translation block), so with
 *   syscall exits on, RIP after uc_emu_start returns is already the address after {@code syscall} and
 *   needs no compensation (measured by UnicornCpuTest).</li>
 *   <li>The engine's own CPUID disagrees with what it executes (it reports no POPCNT but SSE4.2, and
 *   several bits of instructions that fault). A CPUID hook serves {@link CpuidModel}'s consistent view.</li>
 *   <li>jnr-ffi callbacks are only kept alive while Java references them: the hook objects are fields (the
 *   syscall hook's is held by its {@link SyscallHookBinding}).</li>
 * </ul>
 * An instance is used by one host thread at a time.
 */
public final class UnicornCpu implements Cpu {
    private static final int[] SYSCALL_REGS = {35, 39, 43, 40, 108, 106, 107}; // rax rdi rsi rdx r10 r8 r9
    private static final int SYSCALL_INSN_LENGTH = 2;

    private final UnicornLibrary uc = Unicorn.library();
    private final Runtime runtime = Unicorn.runtime();
    private final Pointer engine;
    private final Pointer scratch;
    /** The syscall hook and the general-purpose register accesses (jnr-ffi, or FFM on JDK 22+). */
    private final SyscallHookBinding registers;

    // Strong references: the engine holds only raw function pointers to these.
    private final UnicornLibrary.CpuidHook cpuidHook = this::onCpuid;
    private final UnicornLibrary.InvalidMemoryHook memoryHook = this::onInvalidMemory;
    private final UnicornLibrary.InterruptHook interruptHook = this::onInterrupt;
    private final UnicornLibrary.TlbFillHook tlbFillHook = this::onTlbFill;

    /**
     * Paged protection (Unicorn 2.1+): every region is mapped with all rights and the TLB fill hook asks
     * {@link #protections} what the guest page allows. A denied access is pointed at the same address
     * with {@link #HOLE} set, where no region is, so the engine's unmapped-access hook reports it with
     * the exact faulting address (the fill hook only sees the page); the TLB is then flushed, since that
     * entry granted everything.
     */
    private final boolean paged;
    private volatile PageProtections protections;
    /** Set by another thread's protection change; this engine's owner flushes before it runs again. */
    private volatile boolean tlbStale;
    /** The host thread inside {@link #run}, or null. */
    private volatile Thread runner;
    private static final long HOLE = 1L << 50;
    private static final long VADDR_BITS = (1L << 48) - 1;

    private CpuEvents events;
    private boolean inSyscallHook;
    /** setSyscallExits: the syscall hook only stops the engine (trap path) instead of serving the call. */
    private boolean syscallExits;
    private CpuExit pendingExit;
    private volatile boolean closed;
    /** Read by the native block hook: non-zero asks the engine to stop at the next block (requestStop). */
    private final Pointer stopFlag;
    /** The UC_HOOK_BLOCK hook's handle, and whether it is the counting variant. */
    private long blockHook;
    private boolean countingBlocks;
    /** Exact FPREM/FPREM1 (paged engines only: the sites are found from the TLB fill hook). */
    private final X87RemainderSites remainderSites;
    /**
     * Code changes and unmaps that another thread made while this engine's owner ran: applied to
     * {@link #remainderSites} on the owner's thread, which alone may add hooks to a running engine.
     */
    private final java.util.Queue<long[]> codeEvents = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Cross-engine code coherence: see {@link Cpu#watchCodeStores}. */
    private final CodeStoreWatch codeStores;

    /** Engines opened and not yet closed in this JVM (leak checks in tests). */
    private static final java.util.concurrent.atomic.AtomicInteger LIVE = new java.util.concurrent.atomic.AtomicInteger();

    public static int liveEngines() {
        return LIVE.get();
    }

    public UnicornCpu() {
        PointerByReference ref = new PointerByReference();
        check(uc.uc_open(UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64, ref), "uc_open");
        engine = ref.getValue();
        LIVE.incrementAndGet();
        paged = Unicorn.pagedTlb();
        // The CPU model decides which instructions TCG decodes (a model without POPCNT raises #UD for it).
        // Named explicitly so an engine whose default changed (2.1.3 moved to Haswell) cannot surprise us.
        check(uc.uc_ctl(engine, UnicornLibrary.UC_CTL_CPU_MODEL_WRITE, cpuModel(), 0), "set CPU model");
        scratch = Memory.allocateDirect(runtime, 16);
        registers = SyscallHookBinding.factory().create(engine.address(), SYSCALL_REGS);
        initialiseFpu();
        LongLongByReference handle = new LongLongByReference();
        check(registers.addSyscallHook(this::onSyscall), "hook syscall");
        check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_INSN, cpuidHook, null, 1, 0,
                UnicornLibrary.UC_X86_INS_CPUID), "hook cpuid");
        // Any unmapped- or protection-fault hook whose range covers a page keeps that page's stores on TCG's
        // slow path for good (cputlb's uc_mem_hook_installed stops the TLB entry from ever becoming dirty):
        // a third of busybox sha256sum's time. With paged protection every fault is an access to the hole,
        // so the hook covers only the hole and guest pages get the fast path.
        check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_MEM_INVALID, memoryHook, null,
                paged ? HOLE : 1, paged ? HOLE | VADDR_BITS : 0, 0), "hook invalid memory");
        check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_INTR, interruptHook, null, 1, 0, 0),
                "hook interrupts");
        if (paged) {
            check(uc.uc_ctl(engine, UnicornLibrary.UC_CTL_TLB_TYPE_WRITE, UnicornLibrary.UC_TLB_VIRTUAL, 0), "virtual TLB");
            check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_TLB_FILL, tlbFillHook, null, 1, 0, 0),
                    "hook TLB fill");
        }
        stopFlag = Memory.allocateDirect(runtime, StopAtBlockHook.STATE_SIZE);
        stopFlag.putInt(StopAtBlockHook.FLAG, 0);
        stopFlag.putLong(StopAtBlockHook.BLOCKS, 0);
        stopFlag.putLong(StopAtBlockHook.BUDGET, Long.MAX_VALUE);
        check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_BLOCK,
                Pointer.wrap(runtime, StopAtBlockHook.address()), stopFlag, 1, 0, 0), "hook blocks");
        blockHook = handle.getValue();
        remainderSites = paged ? new X87RemainderSites(uc, engine) : null;
        codeStores = new CodeStoreWatch(uc, engine, this::invalidateCode);
    }

    private static final long CR4_OSFXSR = 1L << 9;
    private static final long CR4_OSXMMEXCPT = 1L << 10;

    /**
     * The FPU state Linux gives a new process (fpstate_init: FNINIT's control word 0x37f, i.e. 64-bit
     * x87 precision with all exceptions masked, an empty register stack, and MXCSR 0x1f80). The engine starts with a zero
     * control word, which means 24-bit x87 precision: musl's printf, which formats doubles with long
     * double arithmetic, then prints 3.141592 for pi. Plus the CR4 bits that make FXSAVE/FXRSTOR
     * cover SSE state.
     */
    private void initialiseFpu() {
        // CR4.OSFXSR | CR4.OSXMMEXCPT, as Linux sets them on every x86-64 CPU. The engine starts with
        // CR4 = 0, and QEMU's FXSAVE/FXRSTOR then skip MXCSR and XMM0-15 (do_fxsave/do_fxrstor test
        // CR4.OSFXSR): the image keeps whatever was in memory and FXRSTOR leaves the XMM registers as
        // they are. glibc's ld.so saves the argument registers across lazy PLT binding with
        // _dl_runtime_resolve_fxsave (we report no XSAVE), so the first call of every lazily bound
        // function taking a double got a clobbered xmm0: python3's first log(10.0) returned -inf,
        // and int('7') failed with "Exceeds the limit (4300 digits)". Pinned by compat-tests' fpustate.c.
        scratch.putLong(0, CR4_OSFXSR | CR4_OSXMMEXCPT);
        check(uc.uc_reg_write(engine, RegisterIds.CR4, scratch), "write CR4");
        // The engine also starts with every x87 register tagged valid (zero): FNSTENV showed a tag word
        // of 0x5555 where Linux's is 0xffff (all empty), and pushing onto a "full" stack is an overflow.
        resetX87();
        setMxcsr(0x1f80);
    }

    /**
     * Haswell on 2.1 (its own default since 2.1.3: it decodes POPCNT, which the x86-64-v2 level needs); the
     * 2.0 default, QEMU64, on 2.0, whose allow-lists in {@link CpuidModel} were measured on it.
     */
    static int cpuModel() {
        return Unicorn.pagedTlb() ? UnicornLibrary.UC_CPU_X86_HASWELL : UnicornLibrary.UC_CPU_X86_QEMU64;
    }

    private void check(int err, String what) {
        if (err != UnicornLibrary.UC_ERR_OK) {
            throw new IllegalStateException(what + " failed: " + uc.uc_strerror(err));
        }
    }

    /** The binding in use: "jnr" or "ffm" (see {@link SyscallHookBinding}). */
    public static String bindingName() {
        return SyscallHookBinding.factory().name();
    }

    @Override
    public long get(Reg reg) {
        long value = registers.read(RegisterIds.of(reg));
        if (reg == Reg.RIP && inSyscallHook) value += SYSCALL_INSN_LENGTH;
        if (reg == Reg.EFLAGS) value &= 0xffffffffL;
        return value;
    }

    @Override
    public void set(Reg reg, long value) {
        if (reg == Reg.RIP && inSyscallHook) value -= SYSCALL_INSN_LENGTH;
        registers.write(RegisterIds.of(reg), value);
    }

    @Override
    public void readSyscallRegisters(long[] out) {
        registers.readBatch(out);
    }

    @Override
    public void getXmm(int index, byte[] out16) {
        uc.uc_reg_read(engine, RegisterIds.XMM0 + index, scratch);
        scratch.get(0, out16, 0, 16);
    }

    @Override
    public void setXmm(int index, byte[] in16) {
        scratch.put(0, in16, 0, 16);
        uc.uc_reg_write(engine, RegisterIds.XMM0 + index, scratch);
    }

    @Override
    public int getMxcsr() {
        uc.uc_reg_read(engine, RegisterIds.MXCSR, scratch);
        return scratch.getInt(0);
    }

    @Override
    public void setMxcsr(int value) {
        scratch.putInt(0, value);
        uc.uc_reg_write(engine, RegisterIds.MXCSR, scratch);
    }

    @Override
    public int getFpuControlWord() {
        uc.uc_reg_read(engine, RegisterIds.FPCW, scratch);
        return scratch.getShort(0) & 0xffff;
    }

    @Override
    public void resetX87() {
        setFpuControlWord(0x37f);
        scratch.putLong(0, 0);
        uc.uc_reg_write(engine, RegisterIds.FPSW, scratch);
        scratch.putLong(0, 0xffff); // two bits per register, 3 = empty
        uc.uc_reg_write(engine, RegisterIds.FPTAG, scratch);
        for (int i = 0; i < 8; i++) {
            scratch.putLong(0, 0);
            scratch.putLong(8, 0);
            uc.uc_reg_write(engine, RegisterIds.FP0 + i, scratch);
        }
    }

    @Override
    public void setFpuControlWord(int value) {
        scratch.putLong(0, value & 0xffff);
        uc.uc_reg_write(engine, RegisterIds.FPCW, scratch);
    }

    @Override
    public void map(long guestAddress, long size, int prot, long hostAddress) {
        check(uc.uc_mem_map_ptr(engine, guestAddress, size, prot, Pointer.wrap(runtime, hostAddress)),
                "uc_mem_map_ptr 0x" + Long.toHexString(guestAddress));
    }

    @Override
    public void unmap(long guestAddress, long size) {
        check(uc.uc_mem_unmap(engine, guestAddress, size), "uc_mem_unmap 0x" + Long.toHexString(guestAddress));
        codeEvent(guestAddress, size, false);
    }

    @Override
    public void invalidateCode(long guestAddress, long size) {
        uc.uc_ctl(engine, UnicornLibrary.UC_CTL_TB_REMOVE_CACHE_WRITE, guestAddress, guestAddress + size);
        codeEvent(guestAddress, size, true);
    }

    @Override
    public void watchCodeStores(java.util.List<long[]> ranges, CodeStores stores) {
        codeStores.want(ranges, stores);
        if (runner == Thread.currentThread()) codeStores.apply();
    }

    /** Tells {@link #remainderSites} now on the owner's thread (a syscall hook), else when the owner next can. */
    private void codeEvent(long address, long size, boolean changed) {
        if (remainderSites == null) return;
        codeEvents.add(new long[] {address, size, changed ? 1 : 0});
        if (runner == Thread.currentThread()) applyCodeEvents();
    }

    private void applyCodeEvents() {
        for (long[] e; (e = codeEvents.poll()) != null; ) {
            if (e[2] != 0) remainderSites.onCodeChanged(e[0], e[1]);
            else remainderSites.onUnmapped(e[0], e[1]);
        }
    }

    @Override
    public void setEvents(CpuEvents events) {
        this.events = events;
    }

    @Override
    public void setSyscallExits(boolean on) {
        syscallExits = on;
    }

    @Override
    public CpuExit run(long pc) {
        pendingExit = null;
        synchronized (this) {
            runner = Thread.currentThread();
            if (tlbStale) flushTlb();
        }
        if (remainderSites != null) applyCodeEvents();
        codeStores.apply();
        // "until" is an address no guest can map, so only stop() or a fault ends the run.
        int err;
        try {
            err = uc.uc_emu_start(engine, pc, -1L, 0, 0);
        } finally {
            codeStores.flush();
            synchronized (this) {
                runner = null;
            }
        }
        CpuExit exit = pendingExit;
        pendingExit = null;
        if (exit != null) {
            if (paged && (exit.kind() == CpuExit.Kind.UNMAPPED || exit.kind() == CpuExit.Kind.PROTECTION)) flushTlb();
            return exit;
        }
        if (err == UnicornLibrary.UC_ERR_OK) return CpuExit.STOPPED;
        long rip = get(Reg.RIP);
        if (err == UnicornLibrary.UC_ERR_INSN_INVALID) {
            return new CpuExit(CpuExit.Kind.INVALID_INSTRUCTION, rip, CpuExit.Access.FETCH, 6, null);
        }
        return new CpuExit(CpuExit.Kind.ENGINE_ERROR, rip, CpuExit.Access.NONE, -1, uc.uc_strerror(err));
    }

    /**
     * For the engine's own hooks (execve, exit). From other threads use {@link #requestStop}: an
     * asynchronous uc_emu_stop can leave the PC stale (see {@link StopAtBlockHook}). Serialised with
     * {@link #close()}, so a stop can never reach an engine that uc_close has already freed.
     */
    @Override
    public synchronized void stop() {
        if (!closed) uc.uc_emu_stop(engine);
    }

    @Override
    public void requestStop() {
        stopFlag.putInt(StopAtBlockHook.FLAG, 1);
    }

    /** Swaps in the counting block hook; before the engine first runs, so no block was translated without it. */
    @Override
    public void countBlocks() {
        if (countingBlocks) return;
        check(uc.uc_hook_del(engine, blockHook), "remove block hook");
        LongLongByReference handle = new LongLongByReference();
        check(uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_BLOCK,
                Pointer.wrap(runtime, StopAtBlockHook.countingAddress()), stopFlag, 1, 0, 0), "hook blocks");
        blockHook = handle.getValue();
        countingBlocks = true;
    }

    @Override
    public long blocksExecuted() {
        return stopFlag.getLong(StopAtBlockHook.BLOCKS);
    }

    @Override
    public void setBlockBudget(long blocks) {
        long now = blocksExecuted();
        stopFlag.putLong(StopAtBlockHook.BUDGET, blocks == Long.MAX_VALUE || now + blocks < 0 ? Long.MAX_VALUE : now + blocks);
    }

    private void onSyscall() {
        if (syscallExits) {
            pendingExit = CpuExit.SYSCALL;
            uc.uc_emu_stop(engine);
            return;
        }
        inSyscallHook = true;
        codeStores.flush(); // the call may block and let another thread run
        try {
            events.onSyscall(this);
        } finally {
            inSyscallHook = false;
            // Another thread may have run (and patched code) while this one blocked in the call.
            codeStores.apply();
        }
    }

    private int onCpuid(Pointer engine, Pointer userData) {
        int leaf = (int) get(Reg.RAX);
        int subleaf = (int) get(Reg.RCX);
        int[] r = CpuidModel.get().query(leaf, subleaf);
        set(Reg.RAX, r[0] & 0xffffffffL);
        set(Reg.RBX, r[1] & 0xffffffffL);
        set(Reg.RCX, r[2] & 0xffffffffL);
        set(Reg.RDX, r[3] & 0xffffffffL);
        return 1; // skip the engine's own CPUID
    }

    private boolean onInvalidMemory(Pointer engine, int type, long address, int size, long value, Pointer userData) {
        CpuExit.Kind kind = type >= UnicornLibrary.UC_MEM_WRITE_PROT ? CpuExit.Kind.PROTECTION : CpuExit.Kind.UNMAPPED;
        if (paged && (address & HOLE) != 0) {
            address = (address & VADDR_BITS) << 16 >> 16; // the guest address, sign-extended from bit 47
            PageProtections p = protections;
            if (p != null && p.protectionAt(address) >= 0) kind = CpuExit.Kind.PROTECTION;
        }
        CpuExit.Access access = switch (type) {
            case UnicornLibrary.UC_MEM_WRITE_UNMAPPED, UnicornLibrary.UC_MEM_WRITE_PROT -> CpuExit.Access.WRITE;
            case UnicornLibrary.UC_MEM_FETCH_UNMAPPED, UnicornLibrary.UC_MEM_FETCH_PROT -> CpuExit.Access.FETCH;
            default -> CpuExit.Access.READ;
        };
        pendingExit = new CpuExit(kind, address, access, 14, null);
        return false; // stop emulation with the fault
    }

    /** UC_HOOK_TLB_FILL: the page's rights from the address space; denied accesses go to the hole. */
    private boolean onTlbFill(Pointer engine, long vaddr, int type, Pointer result, Pointer userData) {
        PageProtections p = protections;
        int prot = p == null ? -1 : p.protectionAt(vaddr);
        int needed = switch (type) {
            case UnicornLibrary.UC_MEM_WRITE -> Cpu.PROT_WRITE;
            case UnicornLibrary.UC_MEM_FETCH -> Cpu.PROT_EXEC;
            default -> Cpu.PROT_READ;
        };
        if (prot >= 0 && (prot & needed) != 0) {
            result.putLong(0, vaddr);
            result.putInt(8, prot);
            if (needed == Cpu.PROT_EXEC && remainderSites != null) {
                applyCodeEvents();
                remainderSites.onCodeFetch(vaddr);
            }
        } else {
            result.putLong(0, HOLE | (vaddr & VADDR_BITS));
            result.putInt(8, Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC);
        }
        return true;
    }

    @Override
    public boolean pagedProtection() {
        return paged;
    }

    @Override
    public void setPageProtections(PageProtections protections) {
        this.protections = protections;
    }

    @Override
    public void protectionsChanged() {
        if (!paged) return;
        boolean elsewhere;
        synchronized (this) {
            tlbStale = true;
            Thread r = runner;
            elsewhere = r != null && r != Thread.currentThread();
            // The engine's TLB belongs to the thread running it: never flushed under its feet.
            if (!elsewhere) flushTlb();
        }
        if (elsewhere) requestStop();
    }

    private synchronized void flushTlb() {
        tlbStale = false;
        if (!closed) uc.uc_ctl(engine, UnicornLibrary.UC_CTL_TLB_FLUSH_WRITE, 0, 0);
    }

    private void onInterrupt(Pointer engine, int intno, Pointer userData) {
        // A syscall exit already ends this run: the #DB the trap flag raises after the syscall instruction
        // must not replace it (the call would be lost); the kernel reports a step over a call itself.
        if (intno == 1 && pendingExit == CpuExit.SYSCALL) return;
        pendingExit = new CpuExit(CpuExit.Kind.EXCEPTION, get(Reg.RIP), CpuExit.Access.NONE, intno, null);
        uc.uc_emu_stop(engine);
    }

    @Override
    public int[] cpuid(int leaf, int subleaf) {
        return CpuidModel.get().query(leaf, subleaf);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            uc.uc_close(engine);
            registers.close();
            LIVE.decrementAndGet();
        }
    }
}
