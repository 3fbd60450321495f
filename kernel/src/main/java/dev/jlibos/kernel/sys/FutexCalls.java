package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

/**
 * futex(2) for single-threaded processes: with one thread nobody else can wait, so wakes find no
 * waiter and a wait whose value matches can only end by timeout or signal. The value checks, the
 * FUTEX_WAKE_OP update and every error are Linux's, so libc's lock and once code paths behave. Waiter
 * queues shared between threads arrive with threads (issue 4).
 */
public final class FutexCalls implements SyscallFamily {
    private static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
    private static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256, FUTEX_CMD_MASK = ~(128 | 256);

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.FUTEX, "single-threaded: WAIT/WAIT_BITSET, WAKE/WAKE_BITSET, REQUEUE, CMP_REQUEUE,"
                + " WAKE_OP; PI and FUTEX_WAIT_REQUEUE_PI: ENOSYS", this::futex);
    }

    private long futex(GuestThread t, SyscallArgs a) {
        long uaddr = a.get(0);
        int op = a.i32(1), val = a.i32(2);
        long timeout = a.get(3), uaddr2 = a.get(4);
        int val3 = a.i32(5);
        int cmd = op & FUTEX_CMD_MASK;
        AddressSpace m = t.process.memory;
        if ((uaddr & 3) != 0) throw Errno.EINVAL.fail();
        if ((op & FUTEX_CLOCK_REALTIME) != 0 && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT) throw Errno.ENOSYS.fail();
        switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                if (cmd == FUTEX_WAIT_BITSET && val3 == 0) throw Errno.EINVAL.fail();
                long nanos = waitTime(t, cmd, op, timeout);
                if (m.readInt(uaddr) != val) throw Errno.EAGAIN.fail();
                if (TimeCalls.sleep(t, nanos) > 0) throw Errno.EINTR.fail();
                throw Errno.ETIMEDOUT.fail();
            }
            case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
                if (cmd == FUTEX_WAKE_BITSET && val3 == 0) throw Errno.EINVAL.fail();
                m.readInt(uaddr);
                return 0;
            }
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                if (cmd == FUTEX_CMP_REQUEUE && m.readInt(uaddr) != val3) throw Errno.EAGAIN.fail();
                if (val < 0 || (int) timeout < 0) throw Errno.EINVAL.fail();
                return 0;
            }
            case FUTEX_WAKE_OP -> {
                wakeOp(m, uaddr2, val3);
                return 0;
            }
            default -> {
                t.kernel().log().once("futex operation " + cmd + " is not supported (ENOSYS)");
                throw Errno.ENOSYS.fail();
            }
        }
    }

    /** Relative timeout for FUTEX_WAIT, absolute deadline for FUTEX_WAIT_BITSET; NULL waits forever. */
    private static long waitTime(GuestThread t, int cmd, int op, long timeout) {
        if (timeout == 0) return Long.MAX_VALUE;
        long value = TimeCalls.readTimespec(t.process.memory, timeout);
        if (cmd == FUTEX_WAIT) return value;
        int clock = (op & FUTEX_CLOCK_REALTIME) != 0 ? TimeCalls.CLOCK_REALTIME : TimeCalls.CLOCK_MONOTONIC;
        return Math.max(0, value - TimeCalls.now(t, clock));
    }

    /** FUTEX_WAKE_OP's encoded operation on *uaddr2 (the wake half finds no waiter). */
    private static void wakeOp(AddressSpace m, long uaddr2, int encoded) {
        int op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
        int oparg = (encoded << 8) >> 20, cmparg = (encoded << 20) >> 20;
        if (((encoded >>> 28) & 8) != 0) oparg = 1 << (oparg & 31);
        int old = m.readInt(uaddr2);
        int updated = switch (op) {
            case 0 -> oparg;
            case 1 -> old + oparg;
            case 2 -> old | oparg;
            case 3 -> old & ~oparg;
            case 4 -> old ^ oparg;
            default -> throw Errno.ENOSYS.fail();
        };
        if (cmp > 5) throw Errno.ENOSYS.fail();
        m.writeInt(uaddr2, updated);
    }
}
