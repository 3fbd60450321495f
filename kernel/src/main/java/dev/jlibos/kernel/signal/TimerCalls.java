package dev.jlibos.kernel.signal;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.GuestProcess;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.kernel.sys.TimeCalls;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC;
import static dev.jlibos.core.abi.Clocks.CLOCK_PROCESS_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_TAI;
import static dev.jlibos.core.abi.Clocks.CLOCK_THREAD_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.TIMER_ABSTIME;

/**
 * POSIX per-process timers (timer_create and friends). Each armed timer is a task on one JVM-wide
 * scheduler thread that posts its signal and stops the receiving thread's engine at a block boundary
 * (as ITIMER_REAL does), so it reaches a guest spinning in user code.
 *
 * <p>Overruns follow Linux: a timer has at most one signal queued; expiring again while it is still
 * pending counts an overrun instead, and the count travels in the queued siginfo's si_overrun (updated
 * in place until it is dequeued). timer_getoverrun reports the count of the last delivered signal.
 */
public final class TimerCalls implements SyscallFamily {
    private static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
    /** sizeof(struct sigevent) read by timer_create: value, signo, notify, then the tid union member. */
    private static final int SIGEVENT_SIZE = 20;
    private static final long NANOS = 1_000_000_000L;
    /** Linux's per-process timer ids are small ints; the limit here is a sanity bound (EAGAIN past it). */
    private static final int MAX_TIMERS = 4096;

    /** How often a CPU-time timer samples its clock: bounds how late it fires. */
    private static final long CPU_POLL_NANOS = 1_000_000;
    private static final java.lang.management.ThreadMXBean CPU_TIMES = java.lang.management.ManagementFactory.getThreadMXBean();

    private static final Map<GuestProcess, Map<Integer, Timer>> TIMERS = new WeakHashMap<>();

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.TIMER_CREATE, "CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI, PROCESS/THREAD_CPUTIME_ID (sampled"
                + " every ms); SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID; other processes' CPU clocks: EINVAL", this::create);
        r.full(Sysno.TIMER_SETTIME, this::settime);
        r.full(Sysno.TIMER_GETTIME, this::gettime);
        r.full(Sysno.TIMER_GETOVERRUN, (t, a) -> timer(t, a.i32(0)).overrunLast());
        r.full(Sysno.TIMER_DELETE, this::delete);
    }

    /** One timer: its clock, how it notifies, and its current setting (guarded by its monitor). */
    private static final class Timer {
        final int id, clock, notify, signo;
        final long value;
        final GuestProcess process;
        /** SIGEV_THREAD_ID: the thread that takes the signal. */
        final GuestThread thread;
        private ScheduledFuture<?> next;
        /** SIGEV_THREAD_ID's target, or for CLOCK_THREAD_CPUTIME_ID the thread whose CPU time counts. */
        final GuestThread owner;
        /** When it next expires (on {@link #clockNow}) and its period, 0 for a one-shot. */
        private long deadline, interval;
        private boolean armed;
        /** The siginfo last queued (its si_overrun is updated while pending) and the last delivered count. */
        private byte[] queued;
        private int overrunLast;

        Timer(int id, int clock, int notify, int signo, long value, GuestProcess process, GuestThread thread,
              GuestThread owner) {
            this.owner = owner;
            this.id = id;
            this.clock = clock;
            this.notify = notify;
            this.signo = signo;
            this.value = value;
            this.process = process;
            this.thread = thread;
        }

        synchronized long[] get() {
            if (!armed) return new long[] {0, interval};
            return new long[] {Math.max(1, deadline - clockNow()), interval};
        }

        /** Arms ({@code delay} > 0: expires in that many ns) or disarms it; returns the previous setting. */
        synchronized long[] set(long delay, long interval) {
            long[] old = get();
            if (next != null) next.cancel(false);
            next = null;
            armed = false;
            this.interval = interval;
            if (delay > 0) schedule(clockNow() + delay);
            return old;
        }

        private void schedule(long at) {
            deadline = at;
            armed = true;
            next = dev.jlibos.core.HostTimers.SCHEDULER.schedule(this::fire, delayFor(at - clockNow()), TimeUnit.NANOSECONDS);
        }

        private boolean cpuClock() {
            return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
        }

        /**
         * How long the scheduler waits for {@code left} ns of this timer's clock: as long for wall clocks;
         * CPU time cannot be waited for, so a CPU-time timer samples it every {@link #CPU_POLL_NANOS}.
         */
        private long delayFor(long left) {
            return Math.max(0, cpuClock() ? Math.min(left, CPU_POLL_NANOS) : left);
        }

        /**
         * The timer's clock: System.nanoTime() for the wall clocks (whose differences are all it needs),
         * the host CPU time of the process's threads (or of the owning thread) for the CPU-time clocks.
         */
        long clockNow() {
            if (!cpuClock()) return System.nanoTime();
            if (clock == CLOCK_THREAD_CPUTIME_ID) return cpuTime(owner);
            long sum = 0;
            for (GuestThread t : process.threads) sum += cpuTime(t);
            return sum;
        }

        private static long cpuTime(GuestThread t) {
            Thread host = t == null ? null : t.hostThread;
            if (host == null) return 0;
            return Math.max(0, CPU_TIMES.getThreadCpuTime(host.getId())); // -1 once the thread has ended
        }

        private synchronized void fire() {
            if (!armed || process.exited()) return;
            // Expirations missed because this thread ran late count as overruns too (Linux's hrtimer_forward).
            long now = clockNow();
            if (now < deadline) { // a CPU-time sample before the deadline (or an early wake-up)
                next = dev.jlibos.core.HostTimers.SCHEDULER.schedule(this::fire, delayFor(deadline - now), TimeUnit.NANOSECONDS);
                return;
            }
            int missed = interval > 0 && now - deadline >= interval ? (int) Math.min(Integer.MAX_VALUE, (now - deadline) / interval) : 0;
            if (interval > 0) {
                schedule(deadline + (long) (missed + 1) * interval);
            } else {
                armed = false;
                next = null;
            }
            if (notify == SIGEV_NONE) return;
            if (queued != null && stillPending(queued)) {
                int overrun = (int) Math.min(Integer.MAX_VALUE, (long) overrunOf(queued) + 1 + missed);
                Longs.put(queued, 20, overrun, 4);
                return;
            }
            if (queued != null) overrunLast = overrunOf(queued);
            byte[] info = SigInfo.basic(signo, SigInfo.SI_TIMER);
            Longs.put(info, 16, id, 4);          // si_timerid
            Longs.put(info, 20, missed, 4);      // si_overrun
            Longs.put(info, 24, value, 8);       // si_value
            queued = info;
            if (thread != null) {
                if (!thread.exiting()) SignalCalls.sendToThread(thread, info);
            } else {
                SignalCalls.post(process, info, false);
            }
        }

        private boolean stillPending(byte[] info) {
            return thread != null ? thread.signals.holds(info) : process.signals.holds(info);
        }

        synchronized int overrunLast() {
            if (queued != null && !stillPending(queued)) {
                overrunLast = overrunOf(queued);
                queued = null;
            }
            return overrunLast;
        }

        synchronized void cancel() {
            if (next != null) next.cancel(false);
            next = null;
            armed = false;
        }

        private static int overrunOf(byte[] info) {
            return (int) Longs.fromBytes(info, 20, 4);
        }
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
            byte[] ev = p.memory.read(sevp, SIGEVENT_SIZE);
            value = Longs.fromBytes(ev, 0, 8);
            signo = (int) Longs.fromBytes(ev, 8, 4);
            notify = (int) Longs.fromBytes(ev, 12, 4);
            int tid = (int) Longs.fromBytes(ev, 16, 4);
            switch (notify) {
                case SIGEV_NONE -> { }
                case SIGEV_SIGNAL, SIGEV_THREAD_ID -> {
                    if (!Signal.valid(signo)) throw Errno.EINVAL.fail();
                    if (notify == SIGEV_THREAD_ID) {
                        for (GuestThread th : p.threads) if (th.tid == tid && !th.exiting()) target = th;
                        if (target == null) throw Errno.EINVAL.fail(); // not a thread of this process
                    }
                }
                case SIGEV_THREAD -> throw Errno.EINVAL.fail(); // libc turns it into SIGEV_THREAD_ID
                default -> throw Errno.EINVAL.fail();
            }
        }
        synchronized (TIMERS) {
            Map<Integer, Timer> timers = TIMERS.computeIfAbsent(p, k -> new HashMap<>());
            int id = 0;
            while (timers.containsKey(id)) id++;
            if (id >= MAX_TIMERS) throw Errno.EAGAIN.fail();
            p.memory.writeInt(idAddress, id); // EFAULT before the timer exists
            timers.put(id, new Timer(id, clock, notify, signo, sevp == 0 ? id : value, p, target, t));
        }
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

    private static Timer timer(GuestThread t, int id) {
        synchronized (TIMERS) {
            Map<Integer, Timer> timers = TIMERS.get(t.process);
            Timer timer = timers == null ? null : timers.get(id);
            if (timer == null) throw Errno.EINVAL.fail();
            return timer;
        }
    }

    private long settime(GuestThread t, SyscallArgs a) {
        Timer timer = timer(t, a.i32(0));
        int flags = a.i32(1);
        AddressSpace m = t.process.memory;
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
        Timespec.writeItimerspec(t.process.memory, a.get(1), timer(t, a.i32(0)).get());
        return 0;
    }

    private long delete(GuestThread t, SyscallArgs a) {
        Timer timer;
        synchronized (TIMERS) {
            Map<Integer, Timer> timers = TIMERS.get(t.process);
            timer = timers == null ? null : timers.remove(a.i32(0));
        }
        if (timer == null) throw Errno.EINVAL.fail();
        timer.cancel();
        return 0;
    }


    /** Deletes every timer of {@code p}: it exits or execs (POSIX timers do not survive execve). */
    public static void release(GuestProcess p) {
        Map<Integer, Timer> timers;
        synchronized (TIMERS) {
            timers = TIMERS.remove(p);
        }
        if (timers != null) for (Timer timer : timers.values()) timer.cancel();
    }
}
