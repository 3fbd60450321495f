package dev.jlibos.core.abi;

/** futex(2) operations and flags, and the bits of a robust or PI futex word (linux/futex.h). */
public final class Futex {
    public static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9,
            FUTEX_WAKE_BITSET = 10, FUTEX_LOCK_PI2 = 13;
    public static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256, FUTEX_CMD_MASK = ~(128 | 256);
    /** FUTEX_BITSET_MATCH_ANY: the bitset of plain WAIT and WAKE. */
    public static final int FUTEX_BITSET_MATCH_ANY = -1;
    public static final int FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
    /** ROBUST_LIST_LIMIT: a corrupt (cyclic) robust list is walked at most this far. */
    public static final int ROBUST_LIST_LIMIT = 2048;

    private Futex() {
    }
}
