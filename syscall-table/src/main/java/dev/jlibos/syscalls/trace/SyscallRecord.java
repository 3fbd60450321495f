package dev.jlibos.syscalls.trace;

import dev.jlibos.core.Errno;

/**
 * One served syscall, as delivered to a {@link SyscallListener}.
 *
 * @param pid           the calling process (jlibos's pid namespace: the first process is 1000)
 * @param tid           the calling thread
 * @param number        the x86-64 syscall number (RAX at entry)
 * @param name          its Linux name, or {@code syscall_0x...} for a number Linux does not define
 * @param args          the six argument registers (rdi, rsi, rdx, r10, r8, r9) as raw 64-bit values; a
 *                      fresh array per record, which listeners must not modify
 * @param result        what the guest got in RAX: a value, or {@code -errno} (Linux's -1..-4095 range)
 * @param errno         the Linux errno number when {@code result} is an error, else 0
 * @param startNanos    when the call started, in nanoseconds since the machine started
 * @param durationNanos wall-clock time spent serving the call (blocking included, like {@code strace -w})
 * @param text          the call strace-style ({@code openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3}) when
 *                      some listener asked for it ({@link SyscallListener#wantsText()}), else null
 */
public record SyscallRecord(int pid, int tid, int number, String name, long[] args, long result, int errno,
                            long startNanos, long durationNanos, String text) {
    /** Linux returns errors as -1..-4095 in RAX; anything else is a value, even if negative (mmap). */
    private static final long MAX_ERRNO = 4095;

    /** The errno a raw result stands for, or 0 for a successful result. */
    public static int errnoOf(long result) {
        return result < 0 && result >= -MAX_ERRNO ? (int) -result : 0;
    }

    public boolean failed() {
        return errno != 0;
    }

    /** {@code ENOENT}, {@code EAGAIN}...; null when the call succeeded; {@code ERRNO_n} for an unnamed number. */
    public String errnoName() {
        if (errno == 0) return null;
        Errno e = Errno.of(errno);
        return e != null ? e.name() : "ERRNO_" + errno;
    }

    /** The strace-style text when recorded, else {@code name(0x..., ...) = result}. */
    public String describe() {
        if (text != null) return text;
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append("0x").append(Long.toHexString(args[i]));
        }
        sb.append(") = ");
        return errno != 0 ? sb.append("-1 ").append(errnoName()).toString() : sb.append(result).toString();
    }
}
