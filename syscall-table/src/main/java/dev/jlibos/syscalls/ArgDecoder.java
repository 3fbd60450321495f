package dev.jlibos.syscalls;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;

import java.util.List;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFD;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;
import static dev.jlibos.core.abi.Fcntl.F_GETOWN;
import static dev.jlibos.core.abi.Fcntl.F_GETPIPE_SZ;
import static dev.jlibos.core.abi.Fcntl.F_SETFD;
import static dev.jlibos.core.abi.Fcntl.F_SETFL;
import static dev.jlibos.core.abi.Fcntl.F_SETOWN;
import static dev.jlibos.core.abi.Fcntl.F_SETPIPE_SZ;
import static dev.jlibos.core.abi.Fcntl.O_ACCMODE;
import static dev.jlibos.core.abi.Fcntl.O_CREAT;
import static dev.jlibos.syscalls.LinuxNames.*;

/**
 * Turns one raw argument register into strace text, reading guest memory where the kind says so.
 *
 * <p>Guest memory is only read through the checked accessors; a pointer that faults is shown as hex
 * instead, because tracing must never change what the guest sees or crash the tracer.
 */
final class ArgDecoder {
    /** strace reads paths up to PATH_MAX (the NUL included) and does not shorten them with -s. */
    private static final int PATH_MAX = 4096;
    /** Upper bound when counting environment strings, so a looping pointer array cannot hang the tracer. */
    private static final int ENVP_SCAN_LIMIT = 1 << 16;

    private final int stringLimit;

    ArgDecoder(int stringLimit) {
        this.stringLimit = stringLimit;
    }

    /**
     * @param afterCall true when formatting the exit line: output arguments are decoded if the call
     *                  succeeded ({@code result} is then meaningful)
     * @return the text, or null when strace leaves this argument out (open's mode without O_CREAT...)
     */
    String decode(SyscallDef def, int i, long[] args, AddressSpace mem, boolean afterCall, long result) {
        List<ArgKind> kinds = def.args();
        ArgKind kind = kinds.get(i);
        long v = arg(args, i);
        boolean succeeded = afterCall && !StraceFormatter.isError(result);
        return switch (kind) {
            case INT, FD -> Integer.toString((int) v);
            case UINT -> Integer.toUnsignedString((int) v);
            case LONG -> Long.toString(v);
            case ULONG, SIZE -> Long.toUnsignedString(v);
            case HEX -> SymbolTable.hex(v);
            case PTR, STRUCT -> pointer(v);
            case DIRFD -> (int) v == AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v);
            case PATH -> cString(mem, v, PATH_MAX - 1, false);
            case STRING -> cString(mem, v, stringLimit, true);
            case BUF_IN -> buffer(mem, v, arg(args, i + 1));
            case BUF_OUT -> succeeded ? buffer(mem, v, result) : pointer(v);
            case STRING_OUT -> succeeded ? cString(mem, v, PATH_MAX - 1, false) : pointer(v);
            case OPEN_FLAGS -> openFlags(u32(v));
            case FILE_FLAGS -> OPEN_FLAGS.bits(u32(v), "0");
            case MODE -> modeHidden(kinds, i, args) ? null : octal(u32(v), 3);
            case ACCESS_MODE -> ACCESS.bits(u32(v), "F_OK");
            case PROT -> PROT.bits(v, "PROT_NONE");
            case MMAP_FLAGS -> mmapFlags(u32(v));
            case SIGNAL -> signal((int) v);
            case SIGSET_PTR -> sigset(mem, v);
            case SIGSET_OUT -> succeeded ? sigset(mem, v) : pointer(v);
            case SIGMASK_HOW -> SIGMASK_HOW.value(u32(v));
            case AT_FLAGS -> (i > 0 && kinds.get(i - 1) == ArgKind.ACCESS_MODE ? AT_ACCESS_FLAGS : AT_FLAGS)
                    .bits(u32(v), "0");
            case CLOCK -> CLOCKS.value(u32(v));
            case FCNTL_CMD -> FCNTL.value(u32(v));
            case FCNTL_ARG -> fcntlArg((int) arg(args, i - 1), v);
            case IOCTL_REQ -> ioctl(u32(v));
            case ARCH_PRCTL_CODE -> ARCH_PRCTL.value(u32(v));
            case WHENCE -> WHENCE.value(u32(v));
            case RLIMIT -> RLIMITS.value(u32(v));
            case FUTEX_OP -> futexOp((int) v);
            case SECCOMP_OP -> SECCOMP_OPS.value(u32(v));
            case ARGV -> argv(mem, v);
            case ENVP -> envp(mem, v);
        };
    }

    private static long arg(long[] args, int i) {
        return i >= 0 && i < args.length ? args[i] : 0;
    }

    private static long u32(long v) {
        return v & 0xffffffffL;
    }

    static String pointer(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    /** C's {@code %#0<width>o}: a leading 0, zero-padded to {@code width} ({@code 000}, {@code 0644}). */
    static String octal(long v, int width) {
        String s = v == 0 ? "0" : "0" + Long.toOctalString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    // ---------------------------------------------------------------------------------------------
    // Guest memory

    private static String cString(AddressSpace mem, long addr, int limit, boolean truncate) {
        if (addr == 0) return "NULL";
        if (mem == null) return pointer(addr);
        try {
            byte[] s = mem.readCBytes(addr, limit, Errno.ENAMETOOLONG);
            return Quoting.quote(s, s.length, false);
        } catch (LinuxException e) {
            if (e.errno() != Errno.ENAMETOOLONG) return pointer(addr);
        }
        // Longer than the limit: the first limit+1 bytes were readable, so this read cannot fault.
        try {
            byte[] s = mem.read(addr, limit);
            return Quoting.quote(s, limit, true);
        } catch (LinuxException e) {
            return pointer(addr);
        }
    }

    private String buffer(AddressSpace mem, long addr, long length) {
        if (addr == 0) return "NULL";
        if (mem == null) return pointer(addr);
        boolean truncated = Long.compareUnsigned(length, stringLimit) > 0;
        int shown = truncated ? stringLimit : (int) length;
        try {
            return Quoting.quote(mem.read(addr, shown), shown, truncated);
        } catch (LinuxException e) {
            return pointer(addr);
        }
    }

    private String argv(AddressSpace mem, long addr) {
        if (addr == 0) return "NULL";
        if (mem == null) return pointer(addr);
        StringBuilder sb = new StringBuilder("[");
        try {
            for (int n = 0; ; n++) {
                long p = mem.readLong(addr + 8L * n);
                if (p == 0) break;
                if (n > 0) sb.append(", ");
                // strace shows at most -s elements, then "..." for the rest.
                if (n == stringLimit) {
                    sb.append("...");
                    break;
                }
                sb.append(cString(mem, p, stringLimit, true));
            }
        } catch (LinuxException e) {
            return pointer(addr);
        }
        return sb.append(']').toString();
    }

    private static String envp(AddressSpace mem, long addr) {
        if (addr == 0) return "NULL";
        if (mem == null) return pointer(addr);
        int n = 0;
        try {
            while (n < ENVP_SCAN_LIMIT && mem.readLong(addr + 8L * n) != 0) n++;
        } catch (LinuxException e) {
            return pointer(addr);
        }
        return pointer(addr) + " /* " + n + (n == 1 ? " var */" : " vars */");
    }

    private static String sigset(AddressSpace mem, long addr) {
        if (addr == 0) return "NULL";
        if (mem == null) return pointer(addr);
        try {
            return sigset(mem.readLong(addr));
        } catch (LinuxException e) {
            return pointer(addr);
        }
    }

    /** Bit n-1 is signal n. More than half set prints the complement, as strace does ({@code ~[KILL STOP]}). */
    static String sigset(long mask) {
        boolean inverted = Long.bitCount(mask) > NSIG / 2;
        long shown = inverted ? ~mask : mask;
        StringBuilder sb = new StringBuilder(inverted ? "~[" : "[");
        for (int sig = 1; sig <= NSIG; sig++) {
            if ((shown & (1L << (sig - 1))) == 0) continue;
            if (sb.charAt(sb.length() - 1) != '[') sb.append(' ');
            sb.append(signalBase(sig));
        }
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Constants

    static String signal(int sig) {
        String base = signalBase(sig);
        return base == null ? Integer.toString(sig) : "SIG" + base;
    }

    private static String openFlags(long flags) {
        StringBuilder sb = new StringBuilder(ACCESS_MODES[(int) (flags & O_ACCMODE)]);
        long rest = OPEN_FLAGS.bits(flags & ~O_ACCMODE, sb);
        if (rest != 0) SymbolTable.join(sb, SymbolTable.hex(rest));
        return sb.toString();
    }

    /** open(2) reads its mode only when it may create a file; strace then omits it, and so do we. */
    private static boolean modeHidden(List<ArgKind> kinds, int i, long[] args) {
        if (i == 0 || kinds.get(i - 1) != ArgKind.OPEN_FLAGS || i != kinds.size() - 1) return false;
        return (arg(args, i - 1) & (O_CREAT | O_TMPFILE_BIT)) == 0;
    }

    private static String mmapFlags(long flags) {
        StringBuilder sb = new StringBuilder();
        long type = flags & MAP_TYPE_MASK;
        String typeName = MAP_TYPES.nameOf(type);
        if (typeName != null) sb.append(typeName);
        long rest = MAP_FLAGS.bits(flags & ~MAP_TYPE_MASK, sb);
        long huge = (rest >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
        if (huge != 0) {
            SymbolTable.join(sb, huge + "<<MAP_HUGE_SHIFT");
            rest &= ~((long) MAP_HUGE_MASK << MAP_HUGE_SHIFT);
        }
        if (typeName == null) rest |= type;
        if (rest != 0 || sb.length() == 0) SymbolTable.join(sb, SymbolTable.hex(rest));
        return sb.toString();
    }

    /** fcntl's third argument means what the command says; strace omits it for commands that ignore it. */
    private static String fcntlArg(int cmd, long v) {
        return switch (cmd) {
            case F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE, F_GET_SEALS, F_GETPIPE_SZ -> null;
            case F_SETFD -> FD_FLAGS.bits(u32(v), "0");
            case F_SETFL -> openFlags(u32(v));
            case F_ADD_SEALS -> SEALS.bits(u32(v), "0");
            case F_DUPFD, F_DUPFD_CLOEXEC, F_SETOWN, F_SETSIG, F_SETPIPE_SZ, F_SETLEASE, F_NOTIFY ->
                    Integer.toString((int) v);
            default -> SymbolTable.hex(v);
        };
    }

    /** Unknown requests are split into the fields of the _IOC encoding, as strace does. */
    private static String ioctl(long req) {
        String name = IOCTLS.nameOf(req);
        if (name != null) return name;
        return "_IOC(" + IOC_DIRECTIONS[(int) (req >>> 30)] + ", " + SymbolTable.hex((req >>> 8) & 0xff) + ", "
                + SymbolTable.hex(req & 0xff) + ", " + SymbolTable.hex((req >>> 16) & 0x3fff) + ")";
    }

    private static String futexOp(int op) {
        String name = FUTEX_OPS.nameOf(op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME));
        if (name == null) return FUTEX_OPS.value(u32(op));
        if ((op & FUTEX_PRIVATE_FLAG) != 0) name += "_PRIVATE";
        if ((op & FUTEX_CLOCK_REALTIME) != 0) name += "|FUTEX_CLOCK_REALTIME";
        return name;
    }
}
