package dev.jlibos.signals;

import dev.jlibos.core.HostTimers;
import dev.jlibos.core.mem.Longs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static dev.jlibos.core.abi.Clocks.CLOCK_PROCESS_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.CLOCK_THREAD_CPUTIME_ID;

/**
 * One POSIX timer (timer_create): its clock, how it notifies, and its current setting (guarded by its
 * monitor). Each armed timer is a task on one JVM-wide scheduler thread that posts its signal and stops
 * the receiving thread's engine at a block boundary (as ITIMER_REAL does), so it reaches a guest spinning
 * in user code.
 *
 * <p>Overruns follow Linux: a timer has at most one signal queued; expiring again while it is still
 * pending counts an overrun instead, and the count travels in the queued siginfo's si_overrun (updated
 * in place until it is dequeued). timer_getoverrun reports the count of the last delivered signal.
 */
public final class PosixTimer {
    public static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
    /** How often a CPU-time timer samples its clock: bounds how late it fires. */
    private static final long CPU_POLL_NANOS = 1_000_000;
    private static final ThreadMXBean CPU_TIMES = ManagementFactory.getThreadMXBean();

    public final int id, clock, notify, signo;
    final long value;
    final SignalProcess process;
    /** SIGEV_THREAD_ID: the thread that takes the signal. */
    final SignalThread thread;
    private ScheduledFuture<?> next;
    /** SIGEV_THREAD_ID's target, or for CLOCK_THREAD_CPUTIME_ID the thread whose CPU time counts. */
    final SignalThread owner;
    /** When it next expires (on {@link #clockNow}) and its period, 0 for a one-shot. */
    private long deadline, interval;
    private boolean armed;
    /** The siginfo last queued (its si_overrun is updated while pending) and the last delivered count. */
    private byte[] queued;
    private int overrunLast;

    public PosixTimer(int id, int clock, int notify, int signo, long value, SignalProcess process, SignalThread thread,
                      SignalThread owner) {
        this.owner = owner;
        this.id = id;
        this.clock = clock;
        this.notify = notify;
        this.signo = signo;
        this.value = value;
        this.process = process;
        this.thread = thread;
    }

    public synchronized long[] get() {
        if (!armed) return new long[] {0, interval};
        return new long[] {Math.max(1, deadline - clockNow()), interval};
    }

    /** Arms ({@code delay} > 0: expires in that many ns) or disarms it; returns the previous setting. */
    public synchronized long[] set(long delay, long interval) {
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
        next = HostTimers.SCHEDULER.schedule(this::fire, delayFor(at - clockNow()), TimeUnit.NANOSECONDS);
    }

    public boolean cpuClock() {
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
    public long clockNow() {
        if (!cpuClock()) return System.nanoTime();
        if (clock == CLOCK_THREAD_CPUTIME_ID) return cpuTime(owner);
        long sum = 0;
        for (SignalThread t : process.threads()) sum += cpuTime(t);
        return sum;
    }

    private static long cpuTime(SignalThread t) {
        Thread host = t == null ? null : t.hostThread();
        if (host == null) return 0;
        return Math.max(0, CPU_TIMES.getThreadCpuTime(host.getId())); // -1 once the thread has ended
    }

    private synchronized void fire() {
        if (!armed || process.exited()) return;
        // Expirations missed because this thread ran late count as overruns too (Linux's hrtimer_forward).
        long now = clockNow();
        if (now < deadline) { // a CPU-time sample before the deadline (or an early wake-up)
            next = HostTimers.SCHEDULER.schedule(this::fire, delayFor(deadline - now), TimeUnit.NANOSECONDS);
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
            if (!thread.exiting()) SignalSender.sendToThread(thread, info);
        } else {
            SignalSender.post(process, info, false);
        }
    }

    private boolean stillPending(byte[] info) {
        return thread != null ? thread.signals().holds(info) : process.signals().holds(info);
    }

    public synchronized int overrunLast() {
        if (queued != null && !stillPending(queued)) {
            overrunLast = overrunOf(queued);
            queued = null;
        }
        return overrunLast;
    }

    public synchronized void cancel() {
        if (next != null) next.cancel(false);
        next = null;
        armed = false;
    }

    private static int overrunOf(byte[] info) {
        return (int) Longs.fromBytes(info, 20, 4);
    }
}
