package dev.jlibos.kernel.signal;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.sys.TimeCalls;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.PosixTimer;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC;
import static dev.jlibos.core.abi.Clocks.CLOCK_PROCESS_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_TAI;
import static dev.jlibos.core.abi.Clocks.CLOCK_THREAD_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.TIMER_ABSTIME;
import static dev.jlibos.signals.PosixTimer.SIGEV_NONE;
import static dev.jlibos.signals.PosixTimer.SIGEV_SIGNAL;
import static dev.jlibos.signals.PosixTimer.SIGEV_THREAD;
import static dev.jlibos.signals.PosixTimer.SIGEV_THREAD_ID;

/**
 * POSIX per-process timers (timer_create and friends): argument decoding; the timers themselves
 * ({@link PosixTimer}) are the signal model's and belong to the process's {@code ProcessTimers}.
 */
public final class TimerCalls implements SyscallFamily {
    /** sizeof(struct sigevent) read by timer_create: value, signo, notify, then the tid union member. */
    private static final int SIGEVENT_SIZE = 20;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.TIMER_CREATE, "CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI, PROCESS/THREAD_CPUTIME_ID (sampled"
                + " every ms); SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID; other processes' CPU clocks: EINVAL", this::create)
                        .coveredBy("CProgramsTest[timers periodic]");
        r.full(Sysno.TIMER_SETTIME, this::settime).coveredBy("CProgramsTest[timers periodic]");
        r.full(Sysno.TIMER_GETTIME, this::gettime).coveredBy("CProgramsTest[timers periodic]");
        r.full(Sysno.TIMER_GETOVERRUN, (t, a) -> t.process.timers().posix(a.i32(0)).overrunLast())
                .coveredBy("CProgramsTest[timers periodic]");
        r.full(Sysno.TIMER_DELETE, this::delete).coveredBy("CProgramsTest[timers periodic]");
    }

    private long create(GuestThread t, SyscallArgs a) {
        int clock = cpuClockOfSelf(t, a.i32(0));
        long sevp = a.get(1), idAddress = a.get(2);
        switch (clock) {
            case CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_PROCESS_CPUTIME_ID,
                 CLOCK_THREAD_CPUTIME_ID -> { }
            case CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM -> throw Errno.EPERM.fail(); // needs CAP_WAKE_ALARM
            default -> throw Errno.EINVAL.fail();
        }
        GuestProcess p = t.process;
        int notify = SIGEV_SIGNAL, signo = Signal.SIGALRM;
        long value = -1; // NULL sevp: sigev_value is the timer id, filled below
        GuestThread target = null;
        if (sevp != 0) {
            byte[] ev = p.memory().read(sevp, SIGEVENT_SIZE);
            value = Longs.fromBytes(ev, 0, 8);
            signo = (int) Longs.fromBytes(ev, 8, 4);
            notify = (int) Longs.fromBytes(ev, 12, 4);
            int tid = (int) Longs.fromBytes(ev, 16, 4);
            switch (notify) {
                case SIGEV_NONE -> { }
                case SIGEV_SIGNAL, SIGEV_THREAD_ID -> {
                    if (!Signal.valid(signo)) throw Errno.EINVAL.fail();
                    if (notify == SIGEV_THREAD_ID) {
                        for (GuestThread th : p.threads) if (th.tid() == tid && !th.exiting()) target = th;
                        if (target == null) throw Errno.EINVAL.fail(); // not a thread of this process
                    }
                }
                case SIGEV_THREAD -> throw Errno.EINVAL.fail(); // libc turns it into SIGEV_THREAD_ID
                default -> throw Errno.EINVAL.fail();
            }
        }
        int notifyHow = notify, signal = signo;
        long sigValue = value;
        GuestThread thread = target;
        p.timers().add(id -> {
            p.memory().writeInt(idAddress, id); // EFAULT before the timer exists
            return new PosixTimer(id, clock, notifyHow, signal, sevp == 0 ? id : sigValue, p, thread, t);
        });
        return 0;
    }

    /**
     * glibc names the CPU-time clocks the kernel's way (posix-cpu-timers.h): a negative id holding ~pid
     * above 3 bits of type (0 PROF, 1 VIRT, 2 SCHED) and a per-thread bit; pid 0 is the caller. Those of
     * the caller become CLOCK_PROCESS/THREAD_CPUTIME_ID (the host thread CPU time is what all three
     * types measure here); other processes' and threads' clocks are refused.
     */
    private static int cpuClockOfSelf(GuestThread t, int clock) {
        if (clock >= 0) return clock;
        if ((clock & 7) == 7) throw Errno.EINVAL.fail();
        if (~(clock >> 3) != 0) {
            t.kernel().log().once("timer_create: CPU-time clocks of other processes or threads are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        return (clock & 4) != 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
    }

    private long settime(GuestThread t, SyscallArgs a) {
        PosixTimer timer = t.process.timers().posix(a.i32(0));
        int flags = a.i32(1);
        AddressSpace m = t.process.memory();
        if (a.get(2) == 0) throw Errno.EFAULT.fail();
        long interval = Timespec.readItimerspecPart(m, a.get(2)), value = Timespec.readItimerspecPart(m, a.get(2) + 16);
        if ((flags & ~TIMER_ABSTIME) != 0) {
            t.kernel().log().once("timer_settime: flags 0x" + Integer.toHexString(flags & ~TIMER_ABSTIME) + " are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        long delay = value;
        if (value != 0 && (flags & TIMER_ABSTIME) != 0) {
            // An absolute time already past expires at once (Linux), so the delay is at least 1 ns.
            long now = timer.cpuClock() ? timer.clockNow() : TimeCalls.now(t, timer.clock);
            delay = Math.max(1, value - now);
        }
        long[] old = timer.set(delay, interval);
        if (a.get(3) != 0) Timespec.writeItimerspec(m, a.get(3), old);
        return 0;
    }

    private long gettime(GuestThread t, SyscallArgs a) {
        Timespec.writeItimerspec(t.process.memory(), a.get(1), t.process.timers().posix(a.i32(0)).get());
        return 0;
    }

    private long delete(GuestThread t, SyscallArgs a) {
        t.process.timers().delete(a.i32(0));
        return 0;
    }
}
