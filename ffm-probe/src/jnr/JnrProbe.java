import java.util.Arrays;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * Per-syscall cost of a Unicorn UC_HOOK_INSN/SYSCALL hook bound with jnr-ffi (as jlibos' UnicornCpu does),
 * plus native reference hooks. Usage: java -cp ... JnrProbe MODE [syscalls-per-run] [runs]
 * MODE: nop | native-empty | native-rw | native-batch | jnr-empty | jnr-rw | jnr-batch | jnr-downcall
 */
public final class JnrProbe {
    @IgnoreError
    public interface Uc {
        int uc_open(int arch, int mode, PointerByReference uc);
        int uc_mem_map(Pointer uc, long address, long size, int perms);
        int uc_mem_write(Pointer uc, long address, byte[] bytes, long size);
        int uc_reg_read(Pointer uc, int regid, Pointer value);
        int uc_reg_write(Pointer uc, int regid, Pointer value);
        int uc_reg_read_batch(Pointer uc, Pointer regids, Pointer values, int count);
        int uc_emu_start(Pointer uc, long begin, long until, long timeout, long count);
        int uc_hook_add(Pointer uc, LongLongByReference hh, int type, SyscallHook cb, Pointer ud, long begin, long end, int insn);
        int uc_hook_add(Pointer uc, LongLongByReference hh, int type, Pointer cb, Pointer ud, long begin, long end, int insn);
        String uc_strerror(int err);
    }

    public interface SyscallHook {
        @Delegate
        void invoke(Pointer uc, Pointer userData);
    }

    public interface Probe {
        Pointer probe_empty_hook();
    }

    static final long CODE = 0x10000;
    static final int RAX = 35;
    static final int[] SYSCALL_REGS = {35, 39, 43, 40, 108, 106, 107};

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

    static Uc uc;
    static Runtime rt;
    static Pointer engine, scratch, batchIds, batchValues, batchPointers;
    static long hookCalls;
    static SyscallHook KEEP;
    static final long[] regsOut = new long[7];

    static void onEmpty(Pointer e, Pointer ud) {
        hookCalls++;
    }

    static void onRw(Pointer e, Pointer ud) {
        uc.uc_reg_read(engine, RAX, scratch);
        long nr = scratch.getLong(0);
        scratch.putLong(0, nr + 4203);
        uc.uc_reg_write(engine, RAX, scratch);
        hookCalls++;
    }

    static void onBatch(Pointer e, Pointer ud) {
        uc.uc_reg_read_batch(engine, batchIds, batchPointers, 7);
        batchValues.get(0, regsOut, 0, 7);
        scratch.putLong(0, regsOut[0] + 4203);
        uc.uc_reg_write(engine, RAX, scratch);
        hookCalls++;
    }

    static void check(int err, String what) {
        if (err != 0) throw new IllegalStateException(what + ": " + uc.uc_strerror(err));
    }

    public static void main(String[] args) {
        String mode = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        uc = LibraryLoader.create(Uc.class).failImmediately().load("libunicorn.so.2");
        rt = Runtime.getRuntime(uc);
        PointerByReference ref = new PointerByReference();
        check(uc.uc_open(4, 8, ref), "uc_open");
        engine = ref.getValue();
        scratch = Memory.allocateDirect(rt, 16);
        batchIds = Memory.allocateDirect(rt, 4 * 7);
        batchValues = Memory.allocateDirect(rt, 8 * 7);
        batchPointers = Memory.allocateDirect(rt, 8 * 7);
        for (int i = 0; i < 7; i++) {
            batchIds.putInt(4L * i, SYSCALL_REGS[i]);
            batchPointers.putAddress(8L * i, batchValues.address() + 8L * i);
        }
        byte[] code = guest(n, mode.equals("nop"));
        check(uc.uc_mem_map(engine, CODE, 4096, 7), "map");
        check(uc.uc_mem_write(engine, CODE, code, code.length), "write");
        LongLongByReference hh = new LongLongByReference();
        SyscallHook keep = null;
        switch (mode) {
            case "nop", "jnr-downcall" -> { }
            case "native-empty", "native-rw", "native-batch" -> {
                String lib = System.getProperty("probe.lib");
                com.kenai.jffi.Library l = com.kenai.jffi.Library.getCachedInstance(lib, com.kenai.jffi.Library.NOW);
                if (l == null) throw new IllegalStateException("cannot load " + lib + ": " + com.kenai.jffi.Library.getLastError());
                long addr = l.getSymbolAddress("probe_" + mode.substring(7) + "_hook");
                check(uc.uc_hook_add(engine, hh, 2, Pointer.wrap(rt, addr), null, 1, 0, 699), "hook");
            }
            case "jnr-empty" -> keep = JnrProbe::onEmpty;
            case "jnr-rw" -> keep = JnrProbe::onRw;
            case "jnr-batch" -> keep = JnrProbe::onBatch;
            default -> throw new IllegalArgumentException(mode);
        }
        KEEP = keep;
        if (keep != null) check(uc.uc_hook_add(engine, hh, 2, keep, null, 1, 0, 699), "hook");
        double[] ns = new double[runs];
        int warm = 5;
        for (int r = -warm; r < runs; r++) {
            long t0 = System.nanoTime();
            if (mode.equals("jnr-downcall")) {
                // uc_reg_read + uc_reg_write pair outside any hook: the downcall cost of "rw".
                for (int i = 0; i < n; i++) {
                    uc.uc_reg_read(engine, RAX, scratch);
                    scratch.putLong(0, scratch.getLong(0) + 1);
                    uc.uc_reg_write(engine, RAX, scratch);
                }
            } else {
                check(uc.uc_emu_start(engine, CODE, CODE + code.length, 0, 0), "emu_start");
            }
            long t1 = System.nanoTime();
            if (r >= 0) ns[r] = (t1 - t0) / (double) n;
        }
        if (keep != null && hookCalls != (long) n * (runs + warm)) throw new IllegalStateException("hook calls " + hookCalls);
        Arrays.sort(ns);
        System.out.printf("%-14s jdk%-3d min %7.1f  median %7.1f ns/syscall  (n=%d x %d runs)%n", mode,
                java.lang.Runtime.version().feature(), ns[0], ns[runs / 2], n, runs);
    }
}
