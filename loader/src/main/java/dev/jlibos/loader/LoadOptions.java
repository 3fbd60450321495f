package dev.jlibos.loader;

import dev.jlibos.core.mem.AddressSpace;

import java.util.function.Supplier;

/**
 * What the loader needs from the kernel besides the program: identity and CPU facts for auxv, the
 * source of AT_RANDOM bytes, and the stack geometry.
 *
 * @param hwcap      AT_HWCAP: on x86 the EDX of CPUID leaf 1 as the guest sees it
 * @param random16   16 fresh bytes for AT_RANDOM (glibc seeds its stack protector and pointer guard)
 * @param stackSize  bytes reserved for the main thread's stack (RLIMIT_STACK)
 * @param stackTop   the first address above the stack
 * @param mmapBase   top of the top-down area where the interpreter is placed
 * @param vdso       maps a vDSO and passes it as AT_SYSINFO_EHDR; null for none (the guest's libc then
 *                   makes every clock call a syscall)
 */
public record LoadOptions(long hwcap, int uid, int euid, int gid, int egid, Supplier<byte[]> random16,
                          long stackSize, long stackTop, long mmapBase, VdsoMapper vdso) {
    public static final long DEFAULT_STACK_SIZE = 8L << 20;
    public static final long DEFAULT_MMAP_BASE = 0x7ffff7fff000L;

    public static LoadOptions defaults(long hwcap, int uid, int gid, Supplier<byte[]> random16) {
        return new LoadOptions(hwcap, uid, uid, gid, gid, random16, DEFAULT_STACK_SIZE, AddressSpace.USER_END,
                DEFAULT_MMAP_BASE, null);
    }

    public LoadOptions withVdso(VdsoMapper mapper) {
        return new LoadOptions(hwcap, uid, euid, gid, egid, random16, stackSize, stackTop, mmapBase, mapper);
    }
}
