package dev.jlibos.core.abi;

import dev.jlibos.core.Errno;

/**
 * FUTEX_WAKE_OP's encoded operation (FUTEX_OP in linux/futex.h): 4 bits of operation (the top one shifts
 * the argument: 1 << oparg), 4 of comparison, 12 each of signed operation and comparison arguments.
 */
public record FutexWakeOp(int op, int oparg, int cmp, int cmparg) {
    /** ENOSYS for a comparison Linux does not know; an unknown operation fails later, in {@link #apply}. */
    public static FutexWakeOp decode(int encoded) {
        int op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
        int oparg = (encoded << 8) >> 20, cmparg = (encoded << 20) >> 20;
        if (((encoded >>> 28) & 8) != 0) oparg = 1 << (oparg & 31);
        if (cmp > 5) throw Errno.ENOSYS.fail();
        return new FutexWakeOp(op, oparg, cmp, cmparg);
    }

    /** The new value of the second futex word: SET, ADD, OR, ANDN or XOR with the argument. */
    public int apply(int old) {
        return switch (op) {
            case 0 -> oparg;
            case 1 -> old + oparg;
            case 2 -> old | oparg;
            case 3 -> old & ~oparg;
            case 4 -> old ^ oparg;
            default -> throw Errno.ENOSYS.fail();
        };
    }

    /** Whether the word's old value passes the comparison (EQ, NE, LT, LE, GT, GE): the second wake happens. */
    public boolean passes(int old) {
        return switch (cmp) {
            case 0 -> old == cmparg;
            case 1 -> old != cmparg;
            case 2 -> old < cmparg;
            case 3 -> old <= cmparg;
            case 4 -> old > cmparg;
            default -> old >= cmparg;
        };
    }
}
