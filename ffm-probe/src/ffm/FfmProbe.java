import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Per-syscall cost of a Unicorn UC_HOOK_INSN/SYSCALL hook bound with java.lang.foreign (JDK 22+): an upcall
 * stub for the hook, downcalls for uc_reg_read/uc_reg_write. One confined Arena, no allocation per call.
 * Usage: java --enable-native-access=ALL-UNNAMED FfmProbe MODE [syscalls-per-run] [runs]
 * MODE: nop | native-empty | native-rw | native-batch | ffm-empty | ffm-rw | ffm-batch | ffm-downcall,
 * and the -critical variants of ffm-rw, ffm-batch, ffm-downcall (downcalls linked with Linker.Option.critical).
 */
public final class FfmProbe {
    static final long CODE = 0x10000;
    static final int RAX = 35;
    static final int[] SYSCALL_REGS = {35, 39, 43, 40, 108, 106, 107};

    static MethodHandle regRead, regWrite, regReadBatch;
    static MemorySegment engine, scratch, batchIds, batchValues, batchPointers;
    static long hookCalls;
    static final long[] regsOut = new long[7];

    static void onEmpty(MemorySegment uc, MemorySegment ud) {
        hookCalls++;
    }

    static void onRw(MemorySegment uc, MemorySegment ud) {
        try {
            rw();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void rw() throws Throwable {
        int unused = (int) regRead.invokeExact(engine, RAX, scratch);
        long nr = scratch.get(JAVA_LONG, 0);
        scratch.set(JAVA_LONG, 0, nr + 4203);
        unused = (int) regWrite.invokeExact(engine, RAX, scratch);
        hookCalls++;
    }

    static void onBatch(MemorySegment uc, MemorySegment ud) {
        try {
            batch();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void batch() throws Throwable {
        int unused = (int) regReadBatch.invokeExact(engine, batchIds, batchPointers, 7);
        MemorySegment.copy(batchValues, JAVA_LONG, 0, regsOut, 0, 7);
        scratch.set(JAVA_LONG, 0, regsOut[0] + 4203);
        unused = (int) regWrite.invokeExact(engine, RAX, scratch);
        hookCalls++;
    }

    static void check(int err, String what) {
        if (err != 0) throw new IllegalStateException(what + ": error " + err);
    }

    public static void main(String[] args) throws Throwable {
        String mode = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        boolean critical = mode.endsWith("-critical");
        String base = critical ? mode.substring(0, mode.length() - "-critical".length()) : mode;
        Arena arena = Arena.ofConfined();
        Linker linker = Linker.nativeLinker();
        SymbolLookup unicorn = SymbolLookup.libraryLookup("libunicorn.so.2", arena);
        Linker.Option[] opts = critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        MethodHandle open = linker.downcallHandle(unicorn.find("uc_open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        MethodHandle memMap = linker.downcallHandle(unicorn.find("uc_mem_map").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
        MethodHandle memWrite = linker.downcallHandle(unicorn.find("uc_mem_write").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        MethodHandle emuStart = linker.downcallHandle(unicorn.find("uc_emu_start").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        // uc_hook_add is variadic after 'end': the instruction id is the first variadic argument.
        MethodHandle hookAdd = linker.downcallHandle(unicorn.find("uc_hook_add").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT),
                Linker.Option.firstVariadicArg(7));
        regRead = linker.downcallHandle(unicorn.find("uc_reg_read").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), opts);
        regWrite = linker.downcallHandle(unicorn.find("uc_reg_write").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), opts);
        regReadBatch = linker.downcallHandle(unicorn.find("uc_reg_read_batch").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), opts);

        MemorySegment ref = arena.allocate(ADDRESS);
        check((int) open.invokeExact(4, 8, ref), "uc_open");
        engine = ref.get(ADDRESS, 0);
        scratch = arena.allocate(16, 8);
        batchIds = arena.allocate(4 * 7, 8);
        batchValues = arena.allocate(8 * 7, 8);
        batchPointers = arena.allocate(8 * 7, 8);
        for (int i = 0; i < 7; i++) {
            batchIds.setAtIndex(JAVA_INT, i, SYSCALL_REGS[i]);
            batchPointers.setAtIndex(ADDRESS, i, batchValues.asSlice(8L * i));
        }
        byte[] bytes = guest(n, base.equals("nop"));
        MemorySegment code = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, code, ValueLayout.JAVA_BYTE, 0, bytes.length);
        check((int) memMap.invokeExact(engine, CODE, 4096L, 7), "map");
        check((int) memWrite.invokeExact(engine, CODE, code, (long) bytes.length), "write");
        MemorySegment hh = arena.allocate(JAVA_LONG);
        MemorySegment hook = null;
        FunctionDescriptor hookType = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
        MethodType hookMt = MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class);
        switch (base) {
            case "nop", "ffm-downcall" -> { }
            case "native-empty", "native-rw", "native-batch" -> {
                SymbolLookup probe = SymbolLookup.libraryLookup(System.getProperty("probe.lib"), arena);
                hook = probe.find("probe_" + base.substring(7) + "_hook").orElseThrow();
            }
            case "ffm-empty", "ffm-rw", "ffm-batch" -> {
                String name = switch (base) { case "ffm-empty" -> "onEmpty"; case "ffm-rw" -> "onRw"; default -> "onBatch"; };
                MethodHandle target = MethodHandles.lookup().findStatic(FfmProbe.class, name, hookMt);
                hook = linker.upcallStub(target, hookType, arena);
            }
            default -> throw new IllegalArgumentException(mode);
        }
        if (hook != null) check((int) hookAdd.invokeExact(engine, hh, 2, hook, MemorySegment.NULL, 1L, 0L, 699), "hook");
        double[] ns = new double[runs];
        int warm = 5;
        for (int r = -warm; r < runs; r++) {
            long t0 = System.nanoTime();
            if (base.equals("ffm-downcall")) {
                for (int i = 0; i < n; i++) {
                    int unused = (int) regRead.invokeExact(engine, RAX, scratch);
                    scratch.set(JAVA_LONG, 0, scratch.get(JAVA_LONG, 0) + 1);
                    unused = (int) regWrite.invokeExact(engine, RAX, scratch);
                }
            } else {
                check((int) emuStart.invokeExact(engine, CODE, CODE + bytes.length, 0L, 0L), "emu_start");
            }
            long t1 = System.nanoTime();
            if (r >= 0) ns[r] = (t1 - t0) / (double) n;
        }
        if (base.startsWith("ffm-") && !base.equals("ffm-downcall") && hookCalls != (long) n * (runs + warm)) {
            throw new IllegalStateException("hook calls " + hookCalls);
        }
        Arrays.sort(ns);
        System.out.printf("%-14s jdk%-3d min %7.1f  median %7.1f ns/syscall  (n=%d x %d runs)%n", mode,
                Runtime.version().feature(), ns[0], ns[runs / 2], n, runs);
    }

    /** mov r12,n; L: mov eax,39; syscall (or a 2-byte nop); dec r12; jnz L. Ends at CODE + result.length. */
    static byte[] guest(int n, boolean nop) {
        return new byte[] {
            0x49, (byte) 0xC7, (byte) 0xC4, (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24),
            (byte) 0xB8, 39, 0, 0, 0,
            (byte) (nop ? 0x66 : 0x0F), (byte) (nop ? 0x90 : 0x05),
            0x49, (byte) 0xFF, (byte) 0xCC,
            0x75, (byte) 0xF4,
        };
    }
}
