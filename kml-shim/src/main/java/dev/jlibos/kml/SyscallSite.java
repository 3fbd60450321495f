package dev.jlibos.kml;

/**
 * Which {@code syscall} instructions may be rewritten, and into what.
 *
 * <p>Only the libc wrapper shape {@code mov $N,%eax; syscall; ret} (b8 N 00 00 00 0f 05 c3), which is how
 * glibc and musl compile getpid, getuid and friends. That shape proves three things the rewrite needs:
 * <ul>
 *   <li>RAX is N at the site (the mov is right before it), so the rewritten jump lands on N's entry;</li>
 *   <li>the next instruction is {@code ret}, so the stub can return to the wrapper's caller itself and
 *       nothing below RSP (a leaf function's red zone) is live: the rewrite pushes nothing at all;</li>
 *   <li>only the two bytes of the {@code syscall} change: {@code jmp *%rax} (ff e0) has the same length,
 *       so a branch to any instruction boundary still finds one.</li>
 * </ul>
 * A generic site (glibc's {@code syscall()}, or inline {@code syscall} in the middle of a function) keeps
 * the hook: its number is not known before it runs, and the Java handler serves it either way.
 */
public final class SyscallSite {
    /** Bytes examined around a site: the 5-byte mov before it, the syscall, the ret after it. */
    public static final int WINDOW = 8;
    /** Offset of the {@code syscall} instruction inside the window. */
    public static final int SYSCALL_AT = 5;
    /** {@code jmp *%rax}: FF /4 with a register operand. */
    public static final byte[] REWRITTEN = {(byte) 0xff, (byte) 0xe0};
    /** {@code syscall}: what a rewritten site held. */
    public static final byte[] ORIGINAL = {0x0f, 0x05};

    private SyscallSite() {
    }

    /** True if {@code window} (starting 5 bytes before the syscall) is {@code mov $number,%eax; syscall; ret}. */
    public static boolean isWrapper(byte[] window, int number) {
        if (window.length != WINDOW) return false;
        return (window[0] & 0xff) == 0xb8 && readInt(window, 1) == number
                && (window[5] & 0xff) == 0x0f && (window[6] & 0xff) == 0x05 && (window[7] & 0xff) == 0xc3;
    }

    /** True if {@code window} is a wrapper whose {@code syscall} was rewritten: {@code mov $n,%eax; jmp *%rax; ret}. */
    public static boolean isRewritten(byte[] window) {
        if (window.length != WINDOW) return false;
        return (window[0] & 0xff) == 0xb8 && (window[5] & 0xff) == 0xff && (window[6] & 0xff) == 0xe0
                && (window[7] & 0xff) == 0xc3;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
