package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.FutexWakeOp;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.FutexTable;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.Futex.*;
import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;

/**
 * futex(2) with real wait queues ({@link FutexTable}). Every operation runs under the process's
 * execution lock, so reading, comparing and updating the futex word is atomic with respect to guest
 * code, as the kernel's futex hash-bucket lock makes it; a waiter sleeps with the lock released.
 */
public final class FutexCalls implements SyscallFamily {

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.FUTEX, "WAIT/WAIT_BITSET (timeouts, CLOCK_REALTIME), WAKE/WAKE_BITSET, REQUEUE, CMP_REQUEUE,"
                + " WAKE_OP, LOCK_PI/LOCK_PI2/TRYLOCK_PI/UNLOCK_PI (ownership hand-off, no priority boosting);"
                + " shared futexes only between threads of one process; requeue-PI ops: ENOSYS", this::futex)
                        .traits(RESTARTABLE)
                        .coveredBy("CProgramsTest[threads timedwait]", "CProgramsTest[pimutex]");
    }

    private long futex(GuestThread t, SyscallArgs a) {
        long uaddr = a.get(0);
        int op = a.i32(1), val = a.i32(2);
        long timeout = a.get(3), uaddr2 = a.get(4);
        int val3 = a.i32(5);
        int cmd = op & FUTEX_CMD_MASK;
        AddressSpace m = t.process.memory();
        FutexTable table = t.process.futexes;
        if ((uaddr & 3) != 0) throw Errno.EINVAL.fail();
        if ((op & FUTEX_CLOCK_REALTIME) != 0 && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT && cmd != FUTEX_LOCK_PI2) {
            throw Errno.ENOSYS.fail();
        }
        switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                int bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
                if (bitset == 0) throw Errno.EINVAL.fail();
                long nanos = waitTime(t, cmd, op, timeout);
                if (m.readInt(uaddr) != val) throw Errno.EAGAIN.fail();
                // A signal that came before the call (its interrupt was cleared on entry) ends the wait at once.
                if (t.signals.hasDeliverable(t.signals.blocked())) throw Errno.EINTR.fail();
                FutexTable.Waiter w = table.enqueue(t, uaddr, bitset);
                try {
                    if (table.sleep(w, nanos)) return 0;
                } catch (InterruptedException e) {
                    if (w.woken()) return 0;
                    throw Errno.EINTR.fail();
                }
                throw Errno.ETIMEDOUT.fail();
            }
            case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
                int bitset = cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
                if (bitset == 0) throw Errno.EINVAL.fail();
                return table.wake(uaddr, val, bitset);
            }
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                if (val < 0 || (int) timeout < 0) throw Errno.EINVAL.fail();
                if (cmd == FUTEX_CMP_REQUEUE && m.readInt(uaddr) != val3) throw Errno.EAGAIN.fail();
                if ((uaddr2 & 3) != 0) throw Errno.EINVAL.fail();
                return table.requeue(uaddr, uaddr2, val, (int) timeout);
            }
            case FUTEX_WAKE_OP -> {
                if ((uaddr2 & 3) != 0) throw Errno.EINVAL.fail();
                boolean second = wakeOp(m, uaddr2, val3);
                int n = table.wake(uaddr, val, FUTEX_BITSET_MATCH_ANY);
                if (second) n += table.wake(uaddr2, (int) timeout, FUTEX_BITSET_MATCH_ANY);
                return n;
            }
            case FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI -> {
                return lockPi(t, uaddr, cmd, op, timeout);
            }
            case FUTEX_UNLOCK_PI -> {
                int v = m.readInt(uaddr);
                if ((v & FUTEX_TID_MASK) != t.tid()) throw Errno.EPERM.fail();
                // Hand the lock to the first waiter (it wakes owning it), or free it.
                GuestThread next = table.wakeFirst(uaddr);
                m.writeInt(uaddr, next == null ? 0 : next.tid() | (table.hasWaiters(uaddr) ? FUTEX_WAITERS : 0));
                return 0;
            }
            default -> {
                t.kernel().log().once("futex operation " + cmd + " is not supported (ENOSYS)");
                throw Errno.ENOSYS.fail();
            }
        }
    }

    /**
     * FUTEX_LOCK_PI (absolute CLOCK_REALTIME timeout), LOCK_PI2 (absolute, CLOCK_MONOTONIC unless
     * FUTEX_CLOCK_REALTIME) and TRYLOCK_PI: a free word (no owner tid) is taken, keeping FUTEX_OWNER_DIED
     * for the robust-mutex code to see; a held one gets FUTEX_WAITERS and the caller sleeps until
     * UNLOCK_PI hands it over (or a robust owner's death frees it). Priorities are not boosted.
     */
    private static long lockPi(GuestThread t, long uaddr, int cmd, int op, long timeout) {
        AddressSpace m = t.process.memory();
        FutexTable table = t.process.futexes;
        long deadline = Long.MAX_VALUE;
        if (cmd != FUTEX_TRYLOCK_PI && timeout != 0) {
            int clock = cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME
                    : CLOCK_MONOTONIC;
            long left = Math.max(0, Timespec.read(m, timeout) - TimeCalls.now(t, clock));
            deadline = System.nanoTime() + left;
        }
        boolean handedOver = false;
        while (true) {
            int v = m.readInt(uaddr);
            int owner = v & FUTEX_TID_MASK;
            if (owner == t.tid()) {
                if (handedOver) return 0;
                throw Errno.EDEADLK.fail();
            }
            if (owner == 0) {
                m.writeInt(uaddr, t.tid() | (v & FUTEX_OWNER_DIED) | (table.hasWaiters(uaddr) ? FUTEX_WAITERS : 0));
                return 0;
            }
            if (cmd == FUTEX_TRYLOCK_PI) throw Errno.EAGAIN.fail();
            if (t.signals.hasDeliverable(t.signals.blocked())) throw Errno.EINTR.fail();
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) throw Errno.ETIMEDOUT.fail();
            m.writeInt(uaddr, v | FUTEX_WAITERS);
            FutexTable.Waiter w = table.enqueue(t, uaddr, FUTEX_BITSET_MATCH_ANY);
            try {
                if (!table.sleep(w, left)) throw Errno.ETIMEDOUT.fail();
            } catch (InterruptedException e) {
                if (!w.woken()) throw Errno.EINTR.fail();
            }
            handedOver = true;
        }
    }

    /** Relative timeout for FUTEX_WAIT, absolute deadline for FUTEX_WAIT_BITSET; NULL waits forever. */
    private static long waitTime(GuestThread t, int cmd, int op, long timeout) {
        if (timeout == 0) return Long.MAX_VALUE;
        long value = Timespec.read(t.process.memory(), timeout);
        if (cmd == FUTEX_WAIT) return value;
        int clock = (op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
        return Math.max(0, value - TimeCalls.now(t, clock));
    }

    /** FUTEX_WAKE_OP's encoded operation on *uaddr2; returns whether the old value passes its comparison. */
    private static boolean wakeOp(AddressSpace m, long uaddr2, int encoded) {
        FutexWakeOp op = FutexWakeOp.decode(encoded);
        int old = m.readInt(uaddr2);
        m.writeInt(uaddr2, op.apply(old));
        return op.passes(old);
    }
}
