package dev.jlibos.host.unicorn;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.LongLongByReference;

/** The {@link SyscallHookBinding} through jnr-ffi: a closure for the hook, jnr downcalls for the registers. */
final class JnrSyscallHookBinding implements SyscallHookBinding {
    static final Factory FACTORY = new Factory() {
        @Override
        public SyscallHookBinding create(long engine, int[] batchRegs) {
            return new JnrSyscallHookBinding(engine, batchRegs);
        }

        @Override
        public String name() {
            return "jnr";
        }
    };

    private final UnicornLibrary uc = Unicorn.library();
    private final Pointer engine;
    private final Pointer scratch;
    private final Pointer batchIds;
    private final Pointer batchValues;
    private final Pointer batchPointers;
    private final int batchCount;
    /** A strong reference: the engine holds only the closure's raw function pointer. */
    private UnicornLibrary.SyscallHook hook;

    private JnrSyscallHookBinding(long engineAddress, int[] batchRegs) {
        Runtime runtime = Unicorn.runtime();
        engine = Pointer.wrap(runtime, engineAddress);
        batchCount = batchRegs.length;
        scratch = Memory.allocateDirect(runtime, 8);
        batchIds = Memory.allocateDirect(runtime, 4 * batchCount);
        batchValues = Memory.allocateDirect(runtime, 8 * batchCount);
        batchPointers = Memory.allocateDirect(runtime, 8 * batchCount);
        for (int i = 0; i < batchCount; i++) {
            batchIds.putInt(4L * i, batchRegs[i]);
            batchPointers.putAddress(8L * i, batchValues.address() + 8L * i);
        }
    }

    @Override
    public int addSyscallHook(Runnable onSyscall) {
        hook = (uc, userData) -> onSyscall.run();
        return uc.uc_hook_add(engine, new LongLongByReference(), UnicornLibrary.UC_HOOK_INSN, hook, null, 1, 0,
                UnicornLibrary.UC_X86_INS_SYSCALL);
    }

    @Override
    public long read(int regid) {
        uc.uc_reg_read(engine, regid, scratch);
        return scratch.getLong(0);
    }

    @Override
    public void write(int regid, long value) {
        scratch.putLong(0, value);
        uc.uc_reg_write(engine, regid, scratch);
    }

    @Override
    public void readBatch(long[] out) {
        uc.uc_reg_read_batch(engine, batchIds, batchPointers, batchCount);
        batchValues.get(0, out, 0, batchCount);
    }

    @Override
    public void close() {
        // Memory.allocateDirect memory is freed when its Pointer is collected.
    }
}
