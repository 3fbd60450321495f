package dev.jlibos.host.unicorn;

import dev.jlibos.core.cpu.Cpu;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.LongLongByReference;

import java.util.ArrayList;
import java.util.List;

/**
 * One engine's side of cross-engine code coherence ({@link Cpu#watchCodeStores}): a store hook over the
 * writable+executable ranges its address space names, which records the bytes this engine stores into,
 * and the translations that other engines' stores made stale, dropped before this engine runs guest code.
 * Exact byte ranges, not pages: a JIT writes data next to its code (HotSpot's nmethod headers and
 * relocations), and dropping whole pages made the other threads translate the same code again and again.
 *
 * <p>The hook is native code (below): a Java upcall per store cost HotSpot as a guest 1.6x its run time
 * (328,000 stores into its code cache in a small program). It extends the range recorded last when the
 * store touches or adjoins it, else appends a range; the engine's owner hands the buffer to the address
 * space's log whenever it
 * leaves guest code ({@link #flush}: at each syscall and each return from the engine), which is before any
 * other thread of the process can run guest code, since they take turns under the execution lock.
 *
 * <pre>
 *   struct state { uint64_t count; struct { uint64_t start, end; } ranges[CAPACITY]; };
 *   void hook(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, struct state *s) {
 *       uint64_t end = address + (uint32_t) size;
 *       if (s->count > CAPACITY) return;
 *       if (s->count > 0) {
 *           last = &s->ranges[s->count - 1];
 *           if (address <= last->end && end >= last->start) {   // touches or adjoins: extend it
 *               last->start = min(last->start, address); last->end = max(last->end, end); return;
 *           }
 *       }
 *       if (s->count < CAPACITY) s->ranges[s->count] = (start, end);
 *       s->count++;
 *   }
 * </pre>
 * A count above CAPACITY means the buffer overflowed: every watched range counts as stored.
 *
 * <p>Requests to change the ranges may come from any thread; hooks are added only by the engine's owner
 * ({@link #apply}, before guest code), since another thread may hold the execution lock while this
 * engine's owner sits in a blocking call inside the engine.
 */
final class CodeStoreWatch {
    private static final int CAPACITY = 16384;
    private static final int COUNT = 0, RANGES = 8;
    private static volatile long recorder;

    private final UnicornLibrary uc;
    private final Pointer engine;
    private final Invalidate invalidate;
    private final List<Long> hooks = new ArrayList<>();
    private List<long[]> hooked = List.of();
    /** The native hook's state; allocated with the first hook (most engines never need one). */
    private Pointer state;

    private volatile boolean rangesChanged;
    private List<long[]> wantedRanges = List.of();
    private volatile Cpu.CodeStores stores;

    @FunctionalInterface
    interface Invalidate {
        void range(long address, long size);
    }

    CodeStoreWatch(UnicornLibrary uc, Pointer engine, Invalidate invalidate) {
        this.uc = uc;
        this.engine = engine;
        this.invalidate = invalidate;
    }

    synchronized void want(List<long[]> ranges, Cpu.CodeStores stores) {
        wantedRanges = List.copyOf(ranges);
        this.stores = stores;
        rangesChanged = true;
    }

    /** On the owner's thread, before guest code: installs the wanted hooks and drops stale translations. */
    void apply() {
        if (rangesChanged) {
            List<long[]> ranges;
            synchronized (this) {
                ranges = wantedRanges;
                rangesChanged = false;
            }
            flush();
            rehook(ranges);
        }
        Cpu.CodeStores s = stores;
        if (s != null) s.dropStale(invalidate::range);
    }

    /** On the owner's thread, leaving guest code: reports the bytes stored into since the last flush. */
    void flush() {
        if (state == null) return;
        long count = state.getLong(COUNT);
        if (count == 0) return;
        Cpu.CodeStores s = stores;
        if (s != null) {
            if (count > CAPACITY) {
                for (long[] r : hooked) s.stored(r[0], r[1] - r[0]);
            } else {
                for (int i = 0; i < count; i++) {
                    long start = state.getLong(RANGES + 16L * i), end = state.getLong(RANGES + 16L * i + 8);
                    s.stored(start, end - start);
                }
            }
        }
        state.putLong(COUNT, 0);
    }

    private void rehook(List<long[]> ranges) {
        for (long h : hooks) uc.uc_hook_del(engine, h);
        hooks.clear();
        hooked = ranges;
        if (ranges.isEmpty()) return;
        if (state == null) {
            state = Memory.allocateDirect(Unicorn.runtime(), RANGES + 16 * CAPACITY);
            state.putLong(COUNT, 0);
        }
        Pointer callback = Pointer.wrap(Unicorn.runtime(), recorder());
        for (long[] r : ranges) {
            LongLongByReference handle = new LongLongByReference();
            if (uc.uc_hook_add(engine, handle, UnicornLibrary.UC_HOOK_MEM_WRITE, callback, state, r[0], r[1] - 1, 0)
                    == UnicornLibrary.UC_ERR_OK) {
                hooks.add(handle.getValue());
            }
        }
    }

    private static long recorder() {
        long a = recorder;
        if (a == 0) {
            synchronized (CodeStoreWatch.class) {
                if (recorder == 0) recorder = StopAtBlockHook.install(recorderCode());
                a = recorder;
            }
        }
        return a;
    }

    /** The hook above, assembled (GNU as, Intel syntax; rdx = address, ecx = size, r9 = state). */
    private static byte[] recorderCode() {
        int[] code = {
            0x89, 0xc9,                         //        mov ecx, ecx
            0x48, 0x8d, 0x04, 0x0a,             //        lea rax, [rdx+rcx]          end
            0x4d, 0x8b, 0x11,                   //        mov r10, [r9]               count
            0x4d, 0x85, 0xd2, 0x74, 0x35,       //        test r10, r10; jz append
            0x49, 0x81, 0xfa, 0x00, 0x40, 0x00, 0x00, 0x77, 0x4d, // cmp r10, CAPACITY; ja done (overflowed)
            0x4d, 0x89, 0xd3, 0x49, 0xc1, 0xe3, 0x04, // mov r11, r10; shl r11, 4
            0x4d, 0x01, 0xcb, 0x49, 0x83, 0xeb, 0x08, // add r11, r9; sub r11, 8  -> last range
            0x49, 0x3b, 0x53, 0x08, 0x77, 0x18, //        cmp rdx, [r11+8]; ja append
            0x49, 0x3b, 0x03, 0x72, 0x13,       //        cmp rax, [r11]; jb append
            0x49, 0x3b, 0x13, 0x73, 0x03,       //        cmp rdx, [r11]; jae 1f
            0x49, 0x89, 0x13,                   //        mov [r11], rdx
            0x49, 0x3b, 0x43, 0x08, 0x76, 0x26, // 1:     cmp rax, [r11+8]; jbe done
            0x49, 0x89, 0x43, 0x08, 0xc3,       //        mov [r11+8], rax; ret
            0x49, 0x81, 0xfa, 0x00, 0x40, 0x00, 0x00, 0x73, 0x12, // append: cmp r10, CAPACITY; jae full
            0x4d, 0x89, 0xd3, 0x49, 0xc1, 0xe3, 0x04, 0x4d, 0x01, 0xcb, // mov r11, r10; shl r11, 4; add r11, r9
            0x49, 0x89, 0x53, 0x08, 0x49, 0x89, 0x43, 0x10, //  mov [r11+8], rdx; mov [r11+16], rax
            0x49, 0xff, 0xc2, 0x4d, 0x89, 0x11, // full:  inc r10; mov [r9], r10
            0xc3,                               // done:  ret
        };
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) bytes[i] = (byte) code[i];
        return bytes;
    }
}
