package dev.jlibos.kernel.process;

import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;

import static dev.jlibos.core.abi.Futex.FUTEX_BITSET_MATCH_ANY;
import static dev.jlibos.core.abi.Futex.FUTEX_OWNER_DIED;
import static dev.jlibos.core.abi.Futex.FUTEX_TID_MASK;
import static dev.jlibos.core.abi.Futex.FUTEX_WAITERS;
import static dev.jlibos.core.abi.Futex.ROBUST_LIST_LIMIT;

/**
 * What a dying thread leaves in its futex words (mm_release): the process model runs it when a thread
 * ends, the futex family only records the addresses (set_robust_list, set_tid_address, CLONE_CHILD_CLEARTID).
 */
final class RobustFutexes {
    private RobustFutexes() {
    }

    /**
     * A thread is ending while its process lives on: robust futexes it holds are marked FUTEX_OWNER_DIED
     * and one waiter woken; then its clear_child_tid word is zeroed and woken, which is how pthread_join
     * learns that the thread is gone. Bad pointers are ignored, as Linux does.
     */
    static void threadExited(GuestThread t) {
        AddressSpace m = t.process.memory();
        if (t.robustListHead() != 0) {
            try {
                walkRobustList(t, m);
            } catch (LinuxException ignored) {
                // a corrupt list: Linux stops walking
            }
        }
        if (t.clearChildTid() != 0) {
            try {
                m.writeInt(t.clearChildTid(), 0);
                t.process.futexes.wake(t.clearChildTid(), 1, FUTEX_BITSET_MATCH_ANY);
            } catch (LinuxException ignored) {
                // unmapped: nothing to clear
            }
        }
    }

    /** struct robust_list_head { list.next; long futex_offset; list_op_pending }; entries link by next. */
    private static void walkRobustList(GuestThread t, AddressSpace m) {
        long head = t.robustListHead();
        long offset = m.readLong(head + 8);
        long pending = m.readLong(head + 16) & ~1L; // bit 0 marks a PI futex
        long entry = m.readLong(head) & ~1L;
        for (int i = 0; entry != head && entry != 0 && i < ROBUST_LIST_LIMIT; i++) {
            long next = m.readLong(entry) & ~1L;
            if (entry != pending) handleDeath(t, m, entry + offset);
            entry = next;
        }
        if (pending != 0) handleDeath(t, m, pending + offset);
    }

    private static void handleDeath(GuestThread t, AddressSpace m, long word) {
        if ((word & 3) != 0) return;
        int value = m.readInt(word);
        if ((value & FUTEX_TID_MASK) != t.tid()) return;
        m.writeInt(word, (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
        if ((value & FUTEX_WAITERS) != 0) t.process.futexes.wake(word, 1, FUTEX_BITSET_MATCH_ANY);
    }
}
