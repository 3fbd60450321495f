package dev.jlibos.syscalls.offload;

/**
 * How one argument of a forwarded syscall crosses to the host. Only values and host fds travel as
 * they are; every pointer kind names a copy through jlibos's own scratch memory, so a guest address is
 * never handed to the host kernel (it would be an address in the JVM's process, not the guest's).
 *
 * @param kind    what the argument is
 * @param sizeArg for {@link Kind#IN_BUF} and {@link Kind#OUT_BUF}: the index of the argument holding
 *                the buffer's length; -1 otherwise
 * @param size    for the struct kinds: the struct's size in bytes; for {@link Kind#STRING} the longest
 *                string accepted, NUL excluded; 0 otherwise
 */
public record Marshal(Kind kind, int sizeArg, int size) {
    public enum Kind {
        /** A plain integer (flags, modes, offsets, lengths): passed as is. */
        VALUE,
        /** A guest fd: replaced by its description's host fd; a description without one is EBADF. */
        FD,
        /** A *at directory fd: AT_FDCWD becomes the guest cwd's host fd, other values as {@link #FD}. */
        DIRFD,
        /** A NUL-terminated path, copied in; passthrough mode only (a sandbox path must be walked). */
        PATH,
        /** Another NUL-terminated string (a memfd name), copied in. */
        STRING,
        /** Bytes the host reads: pointer plus length in argument {@code sizeArg}, copied in. */
        IN_BUF,
        /** Bytes the host fills: pointer plus length in {@code sizeArg}; the result counts the bytes copied back. */
        OUT_BUF,
        /** A fixed-size struct the host reads, copied in; NULL stays NULL. */
        IN_STRUCT,
        /** A fixed-size struct the host fills, copied back whole on success; NULL stays NULL. */
        OUT_STRUCT,
        /** A fixed-size struct read and filled by the host. */
        INOUT_STRUCT
    }

    public static final Marshal VALUE = new Marshal(Kind.VALUE, -1, 0);
    public static final Marshal FD = new Marshal(Kind.FD, -1, 0);
    public static final Marshal DIRFD = new Marshal(Kind.DIRFD, -1, 0);
    public static final Marshal PATH = new Marshal(Kind.PATH, -1, 0);

    public static Marshal string(int maxLength) {
        return new Marshal(Kind.STRING, -1, maxLength);
    }

    public static Marshal in(int sizeArg) {
        return new Marshal(Kind.IN_BUF, sizeArg, 0);
    }

    public static Marshal out(int sizeArg) {
        return new Marshal(Kind.OUT_BUF, sizeArg, 0);
    }

    public static Marshal inStruct(int size) {
        return new Marshal(Kind.IN_STRUCT, -1, size);
    }

    public static Marshal outStruct(int size) {
        return new Marshal(Kind.OUT_STRUCT, -1, size);
    }

    public static Marshal inOutStruct(int size) {
        return new Marshal(Kind.INOUT_STRUCT, -1, size);
    }

    /** True for the kinds that stand for guest memory. */
    public boolean isPointer() {
        return switch (kind) {
            case VALUE, FD, DIRFD -> false;
            default -> true;
        };
    }
}
