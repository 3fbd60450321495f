package dev.jlibos.core.cpu;

/** The guest registers the libOS reads and writes. Engine bindings map these to their own ids. */
public enum Reg {
    RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP,
    R8, R9, R10, R11, R12, R13, R14, R15,
    RIP, EFLAGS,
    CS, SS, DS, ES, FS, GS,
    FS_BASE, GS_BASE;

    /** The sixteen general purpose registers in the order of the x86 encoding and of mcontext gregs. */
    public static final Reg[] GPRS = {RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15};
}
