package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.SignalFdFile;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.event.Epoll;
import dev.jlibos.vfs.event.EventFd;
import dev.jlibos.vfs.event.TimerFd;

import java.util.ArrayList;
import java.util.List;

import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME_ALARM;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;

/** Event file descriptors: eventfd, timerfd and epoll. */
public final class EventCalls implements SyscallFamily {
    private static final int EFD_SEMAPHORE = 1, TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
    /** struct epoll_event is packed on x86-64: u32 events, u64 data. */
    private static final int EPOLL_EVENT_SIZE = 12;
    private static final int EP_MAX_EVENTS = Integer.MAX_VALUE / EPOLL_EVENT_SIZE;
    private static final long NANOS = 1_000_000_000L;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.EVENTFD, (t, a) -> eventfd(t, a.i32(0), 0));
        r.full(Sysno.EVENTFD2, (t, a) -> eventfd(t, a.i32(0), a.i32(1))).coveredBy("CProgramsTest[events eventfd]");
        r.partial(Sysno.TIMERFD_CREATE, "expirations follow the host's monotonic time: an absolute CLOCK_REALTIME"
                + " timer does not follow later wall-clock changes (TFD_TIMER_CANCEL_ON_SET is accepted, never fires)",
                this::timerfdCreate).coveredBy("CProgramsTest[events timerfd]");
        r.full(Sysno.TIMERFD_SETTIME, this::timerfdSettime).coveredBy("CProgramsTest[events timerfd]");
        r.full(Sysno.TIMERFD_GETTIME, this::timerfdGettime).coveredBy("CProgramsTest[events timerfd]");
        r.partial(Sysno.SIGNALFD, "reports the creating process's signals (Linux: the reader's)",
                (t, a) -> signalfd(t, a.i32(0), a.get(1), a.get(2), 0));
        r.partial(Sysno.SIGNALFD4, "reports the creating process's signals (Linux: the reader's)",
                (t, a) -> signalfd(t, a.i32(0), a.get(1), a.get(2), a.i32(3)))
                        .coveredBy("CProgramsTest[events signalfd]");
        r.full(Sysno.EPOLL_CREATE, (t, a) -> {
            if (a.i32(0) <= 0) throw Errno.EINVAL.fail();
            return t.process.files.install(new Epoll(0), false);
        });
        r.full(Sysno.EPOLL_CREATE1, (t, a) -> {
            if ((a.i32(0) & ~O_CLOEXEC) != 0) throw Errno.EINVAL.fail();
            return t.process.files.install(new Epoll(0), (a.i32(0) & O_CLOEXEC) != 0);
        }).coveredBy("CProgramsTest[events epoll]");
        r.partial(Sysno.EPOLL_CTL, "edge-triggered entries on host fds (terminals, TCP/UDP sockets) see an edge"
                + " only when readiness rises; EPOLLEXCLUSIVE and EPOLLWAKEUP are accepted without effect", this::epollCtl)
                        .coveredBy("CProgramsTest[events epoll]");
        r.full(Sysno.EPOLL_WAIT, (t, a) -> epollWait(t, a, millis(a.i32(3)), t.signals.blocked()))
                .coveredBy("CProgramsTest[events epoll]");
        r.full(Sysno.EPOLL_PWAIT, (t, a) -> {
            long mask = PollCalls.sigmask(t, a.get(4), a.get(5));
            return InterruptibleSleep.withSigmask(t, mask, () -> epollWait(t, a, millis(a.i32(3)), mask));
        }).coveredBy("CProgramsTest[events epoll]");
        r.full(Sysno.EPOLL_PWAIT2, (t, a) -> {
            long timeout = a.get(3) == 0 ? -1 : Timespec.read(t.process.memory(), a.get(3));
            long mask = PollCalls.sigmask(t, a.get(4), a.get(5));
            return InterruptibleSleep.withSigmask(t, mask, () -> epollWait(t, a, timeout, mask));
        });
    }

    private static long millis(int ms) {
        return ms < 0 ? -1 : ms * 1_000_000L;
    }

    private long eventfd(GuestThread t, int initial, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE)) != 0) throw Errno.EINVAL.fail();
        EventFd f = new EventFd(initial & 0xffffffffL, (flags & EFD_SEMAPHORE) != 0, flags & O_NONBLOCK);
        return t.process.files.install(f, (flags & O_CLOEXEC) != 0);
    }

    private long signalfd(GuestThread t, int fd, long maskAddress, long size, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) != 0 || size != 8) throw Errno.EINVAL.fail();
        long mask = t.process.memory().readLong(maskAddress) & ~dev.jlibos.signals.Signal.UNBLOCKABLE;
        if (fd != -1) {
            if (!(t.process.files.get(fd) instanceof SignalFdFile existing)) throw Errno.EINVAL.fail();
            existing.setMask(mask);
            return fd;
        }
        return t.process.files.install(new SignalFdFile(t.signals, mask, flags & O_NONBLOCK),
                (flags & O_CLOEXEC) != 0);
    }

    private long timerfdCreate(GuestThread t, SyscallArgs a) {
        int clock = a.i32(0), flags = a.i32(1);
        switch (clock) {
            case CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                    CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM -> { }
            default -> throw Errno.EINVAL.fail();
        }
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) != 0) throw Errno.EINVAL.fail();
        return t.process.files.install(new TimerFd(clock, flags & O_NONBLOCK), (flags & O_CLOEXEC) != 0);
    }

    private static TimerFd timerfd(GuestThread t, int fd) {
        if (t.process.files.get(fd) instanceof TimerFd f) return f;
        throw Errno.EINVAL.fail();
    }

    private long timerfdSettime(GuestThread t, SyscallArgs a) {
        TimerFd timer = timerfd(t, a.i32(0));
        int flags = a.i32(1);
        if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) throw Errno.EINVAL.fail();
        AddressSpace m = t.process.memory();
        long interval = Timespec.read(m, a.get(2)), value = Timespec.read(m, a.get(2) + 16);
        long delay = value;
        if (value != 0 && (flags & TFD_TIMER_ABSTIME) != 0) {
            delay = Math.max(1, value - TimeCalls.now(t, timer.clock)); // already passed: expires at once
        }
        long[] old = timer.set(delay, interval);
        if (a.get(3) != 0) Timespec.writeItimerspec(m, a.get(3), old);
        return 0;
    }

    private long timerfdGettime(GuestThread t, SyscallArgs a) {
        Timespec.writeItimerspec(t.process.memory(), a.get(1), timerfd(t, a.i32(0)).get());
        return 0;
    }

    private static Epoll epoll(GuestThread t, int fd) {
        if (t.process.files.get(fd) instanceof Epoll e) return e;
        throw Errno.EINVAL.fail();
    }

    private long epollCtl(GuestThread t, SyscallArgs a) {
        int op = a.i32(1), fd = a.i32(2);
        FileDescription epFile = t.process.files.get(a.i32(0));
        FileDescription target = t.process.files.get(fd);
        int events = 0;
        long data = 0;
        if (op != Epoll.CTL_DEL) {
            byte[] ev = t.process.memory().read(a.get(3), EPOLL_EVENT_SIZE);
            events = (int) Longs.fromBytes(ev, 0, 4);
            data = Longs.fromBytes(ev, 4);
        }
        if (!(epFile instanceof Epoll ep)) throw Errno.EINVAL.fail();
        // Files that never block (regular files, directories) have no poll support: EPERM.
        if (target.hostFd() >= 0) {
            int type = StatLayout.mode(target.stat()) & StatLayout.S_IFMT;
            if (type == StatLayout.S_IFREG || type == StatLayout.S_IFDIR) throw Errno.EPERM.fail();
        }
        ep.control(op, fd, target, events, data);
        return 0;
    }

    private long epollWait(GuestThread t, SyscallArgs a, long timeoutNanos, long mask) {
        int max = a.i32(2);
        if (max <= 0 || max > EP_MAX_EVENTS) throw Errno.EINVAL.fail();
        Epoll ep = epoll(t, a.i32(0));
        AddressSpace m = t.process.memory();
        long address = a.get(1);
        m.requireAccess(address, (long) max * EPOLL_EVENT_SIZE, true);
        List<FileDescription> sources = new ArrayList<>(ep.unannouncedTargets());
        sources.add(ep);
        List<List<Epoll.Event>> got = new ArrayList<>(List.of(List.of()));
        int n = InterruptibleSleep.awaitAny(t, sources, InterruptibleSleep.deadline(timeoutNanos), mask, () -> {
            got.set(0, ep.collect(max, true));
            return got.get(0).size();
        });
        byte[] out = new byte[n * EPOLL_EVENT_SIZE];
        for (int i = 0; i < n; i++) {
            Epoll.Event e = got.get(0).get(i);
            Longs.put(out, i * EPOLL_EVENT_SIZE, e.events(), 4);
            Longs.put(out, i * EPOLL_EVENT_SIZE + 4, e.data(), 8);
        }
        m.write(address, out);
        return n;
    }
}
