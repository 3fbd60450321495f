package dev.jlibos.syscalls.offload;

import java.util.List;

/**
 * The marshalling of one forwardable syscall: one {@link Marshal} per argument of its Linux
 * prototype, what its result means, and the argument values that make jlibos keep the call.
 *
 * @param number      x86-64 syscall number (the host's and the guest's: same ABI)
 * @param args        one entry per argument, in order
 * @param result      how the result is taken back
 * @param flagsArg    for {@link Result#NEW_FD}: the argument holding the close-on-exec bit, else -1
 * @param cloexecBit  the value of that bit (O_CLOEXEC, MFD_CLOEXEC...)
 * @param declineMask bits of argument {@code flagsArg} (or of argument 0 when flagsArg is -1 and the mask
 *                    is not 0) with which the call is not forwarded, e.g. O_CREAT whose mode needs the
 *                    guest's umask
 * @param mayBlock    whether the host call may wait (flock, open of a FIFO): it then runs with the
 *                    process's execution lock released, like every other wait
 */
public record OffloadSpec(int number, List<Marshal> args, Result result, int flagsArg, int cloexecBit,
                          long declineMask, boolean mayBlock) {
    public enum Result {
        /** A value or -errno, returned as is. */
        VALUE,
        /** A new host fd, installed in the guest's fd table as a host file; the guest sees its guest fd. */
        NEW_FD
    }

    public OffloadSpec {
        args = List.copyOf(args);
        if (args.size() > 6) throw new IllegalArgumentException("at most 6 arguments");
        for (Marshal m : args) {
            if (m.sizeArg() >= args.size()) throw new IllegalArgumentException(number + ": size argument out of range");
            if (m.sizeArg() >= 0 && args.get(m.sizeArg()).kind() != Marshal.Kind.VALUE) {
                throw new IllegalArgumentException(number + ": a buffer's size must be a plain value");
            }
        }
    }

    /** Whether the call names a path (and is therefore never forwarded in a sandbox). */
    public boolean takesPath() {
        return args.stream().anyMatch(m -> m.kind() == Marshal.Kind.PATH);
    }
}
