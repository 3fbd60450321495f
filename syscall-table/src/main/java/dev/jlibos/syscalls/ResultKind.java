package dev.jlibos.syscalls;

/** How a syscall's successful result is shown; errors in [-4095, -1] are always {@code -1 ENAME (message)}. */
public enum ResultKind {
    /** Signed decimal. */
    LONG,
    /** A new file descriptor (decimal); lets the kernel and docs tell fd-creating calls apart. */
    FD,
    /** An address (mmap, brk): hex. */
    HEX,
    /** A mode (umask): octal. */
    OCTAL,
    /** The call does not return (exit, exit_group): {@code ?}. */
    NONE
}
