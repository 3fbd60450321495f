package dev.jlibos.signals;

import dev.jlibos.core.mem.Longs;

/**
 * A signal disposition in the kernel's x86-64 {@code struct sigaction} layout as rt_sigaction sees it:
 * handler, flags, restorer, mask (8 bytes each, 32 in all; not glibc's larger user-space struct).
 */
public record SigAction(long handler, long flags, long restorer, long mask) {
    public static final long SIG_DFL = 0, SIG_IGN = 1;
    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_RESTORER = 0x04000000L,
            SA_ONSTACK = 0x08000000L, SA_RESTART = 0x10000000L, SA_NODEFER = 0x40000000L, SA_RESETHAND = 0x80000000L;
    public static final int SIZE = 32;
    public static final SigAction DEFAULT = new SigAction(SIG_DFL, 0, 0, 0);

    public static SigAction decode(byte[] b) {
        return new SigAction(Longs.fromBytes(b, 0), Longs.fromBytes(b, 8), Longs.fromBytes(b, 16), Longs.fromBytes(b, 24));
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Longs.put(b, 0, handler, 8);
        Longs.put(b, 8, flags, 8);
        Longs.put(b, 16, restorer, 8);
        Longs.put(b, 24, mask, 8);
        return b;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }
}
