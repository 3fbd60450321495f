package dev.jlibos.syscalls;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HeapHostMemory;

import java.nio.charset.StandardCharsets;

/** A small guest address space for formatter tests: one writable area, filled by a bump allocator. */
final class TestGuest {
    static final long BASE = 0x10000;
    static final long SIZE = 0x10000;
    /** Below mmap_min_addr, so never mapped: reads fault with EFAULT. */
    static final long BAD = 0x10;

    final AddressSpace mem = new AddressSpace(new HeapHostMemory());
    private long next = BASE;

    TestGuest() {
        mem.map(BASE, SIZE, Cpu.PROT_READ | Cpu.PROT_WRITE, "test");
    }

    long bytes(byte[] b) {
        long at = next;
        mem.initWrite(at, b);
        next += (b.length + 16) & ~7L;
        return at;
    }

    /** A NUL-terminated C string. */
    long cstr(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[raw.length + 1];
        System.arraycopy(raw, 0, withNul, 0, raw.length);
        return bytes(withNul);
    }

    /** A NULL-terminated array of pointers. */
    long pointers(long... ptrs) {
        byte[] b = new byte[(ptrs.length + 1) * 8];
        for (int i = 0; i < ptrs.length; i++) {
            for (int k = 0; k < 8; k++) b[i * 8 + k] = (byte) (ptrs[i] >>> (8 * k));
        }
        return bytes(b);
    }

    long u64(long value) {
        byte[] b = new byte[8];
        for (int k = 0; k < 8; k++) b[k] = (byte) (value >>> (8 * k));
        return bytes(b);
    }

    /** The last {@code n} bytes of the mapping: anything longer runs into unmapped memory. */
    long tail(byte[] b) {
        long at = BASE + SIZE - b.length;
        mem.initWrite(at, b);
        return at;
    }
}
