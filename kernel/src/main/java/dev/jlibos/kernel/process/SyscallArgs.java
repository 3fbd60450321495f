package dev.jlibos.kernel.process;

/**
 * The six argument registers of one syscall, with the C types Linux reads them as. An {@code int}
 * argument uses only the low 32 bits of its register, exactly like the kernel's SYSCALL_DEFINE wrappers.
 */
public final class SyscallArgs {
    /** [0] = syscall number, [1..6] = rdi, rsi, rdx, r10, r8, r9. */
    private final long[] raw = new long[7];
    /** Whether the current call was forwarded to the host kernel (shown by --strace as " [host]"). */
    private boolean forwarded;

    /** The dispatcher's first step: the registers of the call the engine stopped at. */
    public void readFrom(dev.jlibos.core.cpu.Cpu cpu) {
        cpu.readSyscallRegisters(raw);
    }

    public boolean forwarded() {
        return forwarded;
    }

    public void forwarded(boolean byHost) {
        forwarded = byHost;
    }

    public int number() {
        return (int) raw[0];
    }

    /** Argument {@code i} (0-based) as a 64-bit value (pointers, sizes, offsets, unsigned long). */
    public long get(int i) {
        return raw[i + 1];
    }

    /** Argument {@code i} as a C {@code int} (fds, flags, modes, signal numbers). */
    public int i32(int i) {
        return (int) raw[i + 1];
    }

    /** The raw register values, number first; callers must not modify it. */
    public long[] registers() {
        return raw;
    }

    public long[] arguments() {
        return java.util.Arrays.copyOfRange(raw, 1, 7);
    }
}
