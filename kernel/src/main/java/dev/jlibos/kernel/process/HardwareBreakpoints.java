package dev.jlibos.kernel.process;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;

/**
 * The breakpoints a tracer armed in DR0-DR3 through DR7 (ptrace's POKEUSER), for a CPU that has no debug
 * registers: the tracee then runs one instruction at a time, and this says after each whether one fired.
 * An instruction breakpoint fires before the instruction at its address runs. A data watchpoint fires
 * after an instruction that changed the watched bytes: an instruction that stores the value already there
 * goes unseen (the hardware would trap; gdb's {@code watch} ignores such a trap anyway), and so does a
 * read ({@code rwatch}, and the read half of {@code awatch}). Stores made by a system call are not the
 * program's own and never fire, as Linux's user-only breakpoints do not.
 */
final class HardwareBreakpoints {
    /** DR7's R/W field: break on execution, on writes, (I/O, refused), on reads and writes. */
    private static final int EXECUTE = 0, WRITE = 1, READ_WRITE = 3;

    private final long[] address = new long[4];
    private final int[] type = new int[4];
    private final int[] length = new int[4];
    private final int enabled;
    /** The watched bytes as they were before the instruction being run. */
    private final byte[][] before = new byte[4][];

    private HardwareBreakpoints(long[] dr, long dr7) {
        int on = 0;
        for (int i = 0; i < 4; i++) {
            if ((dr7 >>> (2 * i) & 3) == 0) continue;
            int rw = (int) (dr7 >>> (16 + 4 * i)) & 3;
            int len = switch ((int) (dr7 >>> (18 + 4 * i)) & 3) {
                case 0 -> 1;
                case 1 -> 2;
                case 2 -> 8;
                default -> 4;
            };
            // hw_breakpoint_arch_parse: no I/O breakpoints, an instruction breakpoint is one byte long,
            // and a watched range is aligned to its length.
            if (rw == 2 || (rw == EXECUTE && len != 1) || (dr[i] & (len - 1)) != 0) throw Errno.EINVAL.fail();
            if (Long.compareUnsigned(dr[i], AddressSpace.USER_END - len) > 0) throw Errno.EINVAL.fail();
            address[i] = dr[i];
            type[i] = rw;
            length[i] = len;
            on |= 1 << i;
        }
        enabled = on;
    }

    /** The breakpoints DR0-DR3 and DR7 arm; null if DR7 enables none. EINVAL for what Linux refuses. */
    static HardwareBreakpoints of(long[] dr, long dr7) {
        HardwareBreakpoints b = new HardwareBreakpoints(dr, dr7);
        return b.enabled == 0 ? null : b;
    }

    /** DR6's B0-B3 bits of the instruction breakpoints at {@code rip}. */
    int executionHits(long rip) {
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            if ((enabled & 1 << i) != 0 && type[i] == EXECUTE && address[i] == rip) hits |= 1 << i;
        }
        return hits;
    }

    /** Remembers the watched bytes before an instruction runs. */
    void snapshot(AddressSpace memory) {
        for (int i = 0; i < 4; i++) before[i] = watches(i) ? read(memory, i) : null;
    }

    /** DR6's B0-B3 bits of the watchpoints whose bytes the instruction just run changed. */
    int dataHits(AddressSpace memory) {
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            if (before[i] != null && !java.util.Arrays.equals(before[i], read(memory, i))) hits |= 1 << i;
        }
        return hits;
    }

    private boolean watches(int i) {
        return (enabled & 1 << i) != 0 && (type[i] == WRITE || type[i] == READ_WRITE);
    }

    /** The watched bytes (unmapped ones read as absent: a mapping that comes or goes counts as a change). */
    private byte[] read(AddressSpace memory, int i) {
        byte[] b = new byte[length[i] + 1];
        b[length[i]] = (byte) memory.transferForced(address[i], b, 0, length[i], false);
        return b;
    }
}
