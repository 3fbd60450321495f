package dev.jlibos.syscalls;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;

/** TEMPORARY stand-in until the table branch lands: raw hex arguments. */
public final class StraceFormatter {
    public String formatEntry(SyscallDef def, long[] args, AddressSpace mem) {
        StringBuilder b = new StringBuilder(def.name()).append('(');
        for (int i = 0; i < 6; i++) b.append(i > 0 ? ", " : "").append("0x").append(Long.toHexString(args[i]));
        return b.append(')').toString();
    }

    public String formatExit(SyscallDef def, long[] args, long result, AddressSpace mem) {
        String call = formatEntry(def, args, mem);
        if (result < 0 && result >= -4095) {
            Errno e = Errno.of((int) -result);
            return call + " = -1 " + (e == null ? "E" + -result : e.name() + " (" + e.message + ")");
        }
        return call + " = " + result;
    }
}
