package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.event.Poll;

import java.util.ArrayList;
import java.util.List;

/**
 * Waiting for readiness of many fds: poll, ppoll, select, pselect6. All of them ask every description
 * its {@link FileDescription#pollEvents()} and sleep in {@link InterruptibleSleep} until one changes.
 */
public final class PollCalls implements SyscallFamily {
    private static final int POLLFD_SIZE = 8, SIGSET_SIZE = 8;
    private static final long NANOS = 1_000_000_000L;
    /** fs/select.c: what makes an fd count as readable, writable or exceptional for select. */
    private static final int POLLIN_SET = Poll.POLLIN | Poll.POLLRDNORM | Poll.POLLRDBAND | Poll.POLLHUP | Poll.POLLERR,
            POLLOUT_SET = Poll.POLLOUT | Poll.POLLWRNORM | Poll.POLLWRBAND | Poll.POLLERR, POLLEX_SET = Poll.POLLPRI;
    /** FD_SETSIZE: the largest nfds select serves (the fd table's size, as Linux caps nfds). */
    private static final int FD_SETSIZE = FdTable.DEFAULT_LIMIT;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.POLL, (t, a) -> {
            int ms = a.i32(2);
            return poll(t, a.get(0), a.get(1), InterruptibleSleep.deadline(ms < 0 ? -1 : ms * 1_000_000L), t.signals.blocked());
        }).coveredBy("CProgramsTest[events poll]");
        r.full(Sysno.PPOLL, this::ppoll).coveredBy("CProgramsTest[events ppoll-signal]");
        r.full(Sysno.SELECT, this::select);
        r.full(Sysno.PSELECT6, this::pselect6).coveredBy("CProgramsTest[events select]");
    }

    /** A temporary signal mask argument: null pointer means "keep the current mask". */
    static long sigmask(GuestThread t, long address, long size) {
        if (address == 0) return t.signals.blocked();
        if (size != SIGSET_SIZE) throw Errno.EINVAL.fail();
        return t.process.memory().readLong(address) & ~Signal.UNBLOCKABLE;
    }

    private long ppoll(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        long tsp = a.get(2);
        long deadline = tsp == 0 ? InterruptibleSleep.FOREVER : InterruptibleSleep.deadline(Timespec.read(m, tsp));
        long mask = sigmask(t, a.get(3), a.get(4));
        try {
            return InterruptibleSleep.withSigmask(t, mask, () -> poll(t, a.get(0), a.get(1), deadline, mask));
        } finally {
            writeRemaining(m, tsp, deadline, NANOS);
        }
    }

    /** Linux's poll_select_finish: the timeout is updated with the time left (ppoll, select, pselect6). */
    private static void writeRemaining(AddressSpace m, long address, long deadline, long unitsPerSecond) {
        if (address == 0 || deadline == InterruptibleSleep.FOREVER) return;
        long left = InterruptibleSleep.remaining(deadline);
        try {
            m.writeLong(address, left / NANOS);
            m.writeLong(address + 8, (left % NANOS) / (NANOS / unitsPerSecond));
        } catch (RuntimeException e) {
            // Linux ignores a fault here: the call's result stands.
        }
    }

    static long poll(GuestThread t, long address, long nfds, long deadline, long mask) {
        if (Long.compareUnsigned(nfds, t.process.limits.soft(ResourceLimits.NOFILE)) > 0) throw Errno.EINVAL.fail();
        AddressSpace m = t.process.memory();
        int n = (int) nfds;
        byte[] raw = m.read(address, Math.multiplyExact(n, POLLFD_SIZE));
        int[] fds = new int[n];
        short[] events = new short[n];
        short[] revents = new short[n];
        FileDescription[] files = new FileDescription[n];
        List<FileDescription> distinct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fds[i] = (int) dev.jlibos.core.mem.Longs.fromBytes(raw, i * POLLFD_SIZE, 4);
            events[i] = (short) dev.jlibos.core.mem.Longs.fromBytes(raw, i * POLLFD_SIZE + 4, 2);
            if (fds[i] < 0) continue;
            try {
                files[i] = t.process.files.get(fds[i]);
                if (!distinct.contains(files[i])) distinct.add(files[i]);
            } catch (RuntimeException e) {
                files[i] = null; // POLLNVAL
            }
        }
        int ready = InterruptibleSleep.awaitAny(t, distinct, deadline, mask, () -> {
            int count = 0;
            for (int i = 0; i < n; i++) {
                int r = 0;
                if (fds[i] >= 0) {
                    r = files[i] == null ? Poll.POLLNVAL
                            : files[i].pollEvents() & ((events[i] & 0xffff) | Poll.POLLERR | Poll.POLLHUP);
                }
                revents[i] = (short) r;
                if (r != 0) count++;
            }
            return count;
        });
        for (int i = 0; i < n; i++) {
            raw[i * POLLFD_SIZE + 6] = (byte) revents[i];
            raw[i * POLLFD_SIZE + 7] = (byte) (revents[i] >> 8);
        }
        m.write(address, raw);
        return ready;
    }

    private long select(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        long tvp = a.get(4);
        long deadline = InterruptibleSleep.FOREVER;
        if (tvp != 0) {
            long sec = m.readLong(tvp), usec = m.readLong(tvp + 8);
            if (sec < 0 || usec < 0 || usec >= 1_000_000) throw Errno.EINVAL.fail();
            deadline = InterruptibleSleep.deadline(sec > Long.MAX_VALUE / NANOS - 1 ? -1 : sec * NANOS + usec * 1000);
        }
        long d = deadline;
        try {
            return select(t, a.i32(0), a.get(1), a.get(2), a.get(3), d, t.signals.blocked());
        } finally {
            writeRemaining(m, tvp, deadline, 1_000_000);
        }
    }

    private long pselect6(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        long tsp = a.get(4);
        long deadline = tsp == 0 ? InterruptibleSleep.FOREVER : InterruptibleSleep.deadline(Timespec.read(m, tsp));
        long mask = t.signals.blocked();
        if (a.get(5) != 0) mask = sigmask(t, m.readLong(a.get(5)), m.readLong(a.get(5) + 8));
        long effective = mask;
        try {
            return InterruptibleSleep.withSigmask(t, effective,
                    () -> select(t, a.i32(0), a.get(1), a.get(2), a.get(3), deadline, effective));
        } finally {
            writeRemaining(m, tsp, deadline, NANOS);
        }
    }

    /** select over three fd_sets of {@code nfds} bits (rounded up to whole longs, as Linux reads them). */
    static long select(GuestThread t, int nfds, long readAddr, long writeAddr, long exceptAddr, long deadline, long mask) {
        if (nfds < 0) throw Errno.EINVAL.fail();
        int n = Math.min(nfds, FD_SETSIZE);
        int words = (n + 63) / 64;
        AddressSpace m = t.process.memory();
        long[][] in = new long[3][];
        long[] addresses = {readAddr, writeAddr, exceptAddr};
        for (int s = 0; s < 3; s++) {
            in[s] = new long[words];
            if (addresses[s] != 0) for (int w = 0; w < words; w++) in[s][w] = m.readLong(addresses[s] + 8L * w);
        }
        FileDescription[] files = new FileDescription[n];
        List<FileDescription> distinct = new ArrayList<>();
        for (int fd = 0; fd < n; fd++) {
            long bit = 1L << (fd & 63);
            if (((in[0][fd >> 6] | in[1][fd >> 6] | in[2][fd >> 6]) & bit) == 0) continue;
            files[fd] = t.process.files.get(fd); // EBADF for a closed fd in any set
            if (!distinct.contains(files[fd])) distinct.add(files[fd]);
        }
        long[][] out = new long[3][words];
        int[] sets = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};
        int ready = InterruptibleSleep.awaitAny(t, distinct, deadline, mask, () -> {
            int count = 0;
            for (int s = 0; s < 3; s++) java.util.Arrays.fill(out[s], 0);
            for (int fd = 0; fd < n; fd++) {
                if (files[fd] == null) continue;
                int events = files[fd].pollEvents();
                long bit = 1L << (fd & 63);
                for (int s = 0; s < 3; s++) {
                    if ((in[s][fd >> 6] & bit) != 0 && (events & sets[s]) != 0) {
                        out[s][fd >> 6] |= bit;
                        count++;
                    }
                }
            }
            return count;
        });
        for (int s = 0; s < 3; s++) {
            if (addresses[s] != 0) for (int w = 0; w < words; w++) m.writeLong(addresses[s] + 8L * w, out[s][w]);
        }
        return ready;
    }
}
