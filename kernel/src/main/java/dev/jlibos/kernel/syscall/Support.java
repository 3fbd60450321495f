package dev.jlibos.kernel.syscall;

/** How faithfully jlibos serves a syscall; shown by {@code ./jlibos syscalls} and in the docs. */
public enum Support {
    /** Implemented with Linux semantics. */
    FULL,
    /** Implemented; the note says which flags or cases are missing (those fail with a logged errno). */
    PARTIAL,
    /** Deliberately answered with a fixed errno (for example rseq: ENOSYS so glibc does without it). */
    ERRNO,
    /** Not implemented: ENOSYS and one log line naming the call. */
    UNIMPLEMENTED
}
