package dev.jlibos.host.unicorn;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@link SyscallHookBinding} through java.lang.foreign (JDK 22+): the syscall hook is an upcall stub and
 * the register accesses are downcalls linked with {@code Linker.Option.critical(false)} (uc_reg_read,
 * uc_reg_write and uc_reg_read_batch only copy between the CPU state and a buffer: they neither block nor
 * call back into Java, so they can skip the thread-state transition). Native buffers come from one arena per
 * engine; nothing is allocated per call.
 *
 * <p>Compiled only by the {@code ffm} Maven profile (source root src/ffm/java, {@code --release 22}) and loaded
 * reflectively by {@link SyscallHookBinding#factory()}, so the default build needs no JDK 22.
 */
final class FfmSyscallHookBinding implements SyscallHookBinding {
    /** Instantiated reflectively; linking the downcalls here makes the choice fall back to jnr if it fails. */
    static final class FfmFactory implements Factory {
        public FfmFactory() {
            Handles.touch();
        }

        @Override
        public SyscallHookBinding create(long engine, int[] batchRegs) {
            return new FfmSyscallHookBinding(engine, batchRegs);
        }

        @Override
        public String name() {
            return "ffm";
        }
    }

    /** The downcall handles and the upcall's shape, linked once per JVM. */
    private static final class Handles {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle REG_READ, REG_WRITE, REG_READ_BATCH, HOOK_ADD;
        static final FunctionDescriptor HOOK_TYPE = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
        static final MethodHandle ON_HOOK;

        static {
            SymbolLookup unicorn = SymbolLookup.libraryLookup(Unicorn.libraryPath(), Arena.global());
            Linker.Option critical = Linker.Option.critical(false);
            REG_READ = LINKER.downcallHandle(unicorn.find("uc_reg_read").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), critical);
            REG_WRITE = LINKER.downcallHandle(unicorn.find("uc_reg_write").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), critical);
            REG_READ_BATCH = LINKER.downcallHandle(unicorn.find("uc_reg_read_batch").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical);
            // uc_hook_add(uc, hh, type, callback, user_data, begin, end, ...): the instruction id is variadic.
            HOOK_ADD = LINKER.downcallHandle(unicorn.find("uc_hook_add").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                            JAVA_INT),
                    Linker.Option.firstVariadicArg(7));
            try {
                ON_HOOK = MethodHandles.lookup().findVirtual(FfmSyscallHookBinding.class, "onHook",
                        MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static void touch() {
        }
    }

    /** Auto: freed with this object (after UnicornCpu, which holds it, has closed the engine). */
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment engine;
    private final MemorySegment scratch;
    private final MemorySegment batchIds;
    private final MemorySegment batchValues;
    private final MemorySegment batchPointers;
    private final int batchCount;
    private Runnable onSyscall;

    private FfmSyscallHookBinding(long engineAddress, int[] batchRegs) {
        engine = MemorySegment.ofAddress(engineAddress);
        batchCount = batchRegs.length;
        scratch = arena.allocate(JAVA_LONG);
        batchIds = arena.allocate(JAVA_INT, batchCount);
        batchValues = arena.allocate(JAVA_LONG, batchCount);
        batchPointers = arena.allocate(ADDRESS, batchCount);
        for (int i = 0; i < batchCount; i++) {
            batchIds.setAtIndex(JAVA_INT, i, batchRegs[i]);
            batchPointers.setAtIndex(ADDRESS, i, batchValues.asSlice(8L * i));
        }
    }

    @Override
    public int addSyscallHook(Runnable onSyscall) {
        this.onSyscall = onSyscall;
        MemorySegment stub = Handles.LINKER.upcallStub(Handles.ON_HOOK.bindTo(this), Handles.HOOK_TYPE, arena);
        try {
            return (int) Handles.HOOK_ADD.invokeExact(engine, arena.allocate(JAVA_LONG), UnicornLibrary.UC_HOOK_INSN,
                    stub, MemorySegment.NULL, 1L, 0L, UnicornLibrary.UC_X86_INS_SYSCALL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The upcall. An exception escaping an upcall would end the JVM; jnr-ffi's closures drop it and let the
     * engine go on, and so does this (the dispatcher contains handler failures itself).
     */
    private void onHook(MemorySegment uc, MemorySegment userData) {
        try {
            onSyscall.run();
        } catch (Throwable ignored) {
            // As jnr-ffi: the exception is lost and the engine continues.
        }
    }

    @Override
    public long read(int regid) {
        try {
            int err = (int) Handles.REG_READ.invokeExact(engine, regid, scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return scratch.get(JAVA_LONG, 0);
    }

    @Override
    public void write(int regid, long value) {
        scratch.set(JAVA_LONG, 0, value);
        try {
            int err = (int) Handles.REG_WRITE.invokeExact(engine, regid, scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void readBatch(long[] out) {
        try {
            int err = (int) Handles.REG_READ_BATCH.invokeExact(engine, batchIds, batchPointers, batchCount);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        MemorySegment.copy(batchValues, JAVA_LONG, 0, out, 0, batchCount);
    }

    @Override
    public void close() {
        // The arena is automatic: its memory and the upcall stub go when this binding is unreachable.
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
