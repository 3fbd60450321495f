package dev.jlibos.syscalls;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;

/**
 * strace-style text for one syscall, built from the {@link SyscallTable} argument kinds.
 *
 * <p>The kernel calls {@link #formatEntry} before dispatching (so a call that blocks or never returns is
 * still visible) and {@link #formatExit} after it, which repeats the call with its output arguments
 * decoded and appends the result. Formatting never throws for bad guest pointers: they print as hex.
 *
 * <p>Output matches strace 6.1 with its defaults: strings cut at 32 bytes ({@code -s 32}) and the
 * {@code =} of the result at column 40 ({@code -a 40}).
 */
public final class StraceFormatter {
    public static final int DEFAULT_STRING_LIMIT = 32;
    public static final int DEFAULT_ALIGN_COLUMN = 40;
    /** Linux returns errors as -1..-4095 in RAX; anything else is a value, even if negative. */
    private static final long MAX_ERRNO = 4095;

    private final ArgDecoder decoder;
    private final int alignColumn;

    public StraceFormatter() {
        this(DEFAULT_STRING_LIMIT, DEFAULT_ALIGN_COLUMN);
    }

    /**
     * @param stringLimit bytes of a buffer or string shown before {@code ...} (strace {@code -s})
     * @param alignColumn column of the result's {@code =}; 0 for a single space (strace {@code -a})
     */
    public StraceFormatter(int stringLimit, int alignColumn) {
        if (stringLimit < 0 || alignColumn < 0) throw new IllegalArgumentException();
        this.decoder = new ArgDecoder(stringLimit);
        this.alignColumn = alignColumn;
    }

    /** {@code name(args...)} before the call; output buffers show as pointers. */
    public String formatEntry(SyscallDef def, long[] args, AddressSpace mem) {
        return call(def, args, mem, false, 0);
    }

    /** The same for a raw number; numbers Linux does not define print as {@code syscall_0x1c8(...)}. */
    public String formatEntry(int nr, long[] args, AddressSpace mem) {
        return formatEntry(SyscallTable.getOrUnknown(nr), args, mem);
    }

    /** The whole line after the call: {@code read(3, "root:x:0:0"..., 4096) = 1234}. */
    public String formatExit(SyscallDef def, long[] args, long result, AddressSpace mem) {
        StringBuilder sb = new StringBuilder(call(def, args, mem, true, result)).append(' ');
        while (sb.length() < alignColumn) sb.append(' ');
        return sb.append("= ").append(formatResult(def.result(), result)).toString();
    }

    public String formatExit(int nr, long[] args, long result, AddressSpace mem) {
        return formatExit(SyscallTable.getOrUnknown(nr), args, result, mem);
    }

    /** The text after {@code = }: {@code 3}, {@code 0x7f00...}, {@code -1 ENOENT (No such file or directory)}. */
    public static String formatResult(ResultKind kind, long result) {
        if (kind == ResultKind.NONE) return "?";
        if (isError(result)) {
            int n = (int) -result;
            Errno e = Errno.of(n);
            return e != null ? "-1 " + e.name() + " (" + e.message + ")"
                    : "-1 ERRNO_" + n + " (Unknown error " + n + ")";
        }
        return switch (kind) {
            case HEX -> SymbolTable.hex(result);
            case OCTAL -> ArgDecoder.octal(result, 0);
            default -> Long.toString(result);
        };
    }

    static boolean isError(long result) {
        return result < 0 && result >= -MAX_ERRNO;
    }

    private String call(SyscallDef def, long[] args, AddressSpace mem, boolean afterCall, long result) {
        StringBuilder sb = new StringBuilder(def.name()).append('(');
        boolean first = true;
        for (int i = 0; i < def.arity(); i++) {
            String text = decoder.decode(def, i, args, mem, afterCall, result);
            if (text == null) continue;
            if (!first) sb.append(", ");
            sb.append(text);
            first = false;
        }
        return sb.append(')').toString();
    }
}
