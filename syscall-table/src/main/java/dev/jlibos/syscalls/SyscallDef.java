package dev.jlibos.syscalls;

import java.util.List;

/**
 * One x86-64 syscall as Linux declares it: number, name, the kinds of its arguments (exactly as many as
 * the kernel's prototype has) and how its result reads.
 */
public record SyscallDef(int number, String name, List<ArgKind> args, ResultKind result) {
    public SyscallDef {
        if (args.size() > 6) throw new IllegalArgumentException(name + ": x86-64 passes at most 6 arguments");
        args = List.copyOf(args);
    }

    public int arity() {
        return args.size();
    }

    /**
     * A stand-in for a number Linux does not define. strace cannot know the arity, so it shows all six
     * argument registers in hex under the name {@code syscall_0x<nr>}; so do we.
     */
    public static SyscallDef unknown(int number) {
        return new SyscallDef(number, "syscall_0x" + Integer.toHexString(number),
                List.of(ArgKind.HEX, ArgKind.HEX, ArgKind.HEX, ArgKind.HEX, ArgKind.HEX, ArgKind.HEX),
                ResultKind.LONG);
    }
}
