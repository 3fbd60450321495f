package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.host.HostClocks;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_BOOTTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC_COARSE;
import static dev.jlibos.core.abi.Clocks.CLOCK_MONOTONIC_RAW;
import static dev.jlibos.core.abi.Clocks.CLOCK_PROCESS_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME_ALARM;
import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME_COARSE;
import static dev.jlibos.core.abi.Clocks.CLOCK_TAI;
import static dev.jlibos.core.abi.Clocks.CLOCK_THREAD_CPUTIME_ID;
import static dev.jlibos.core.abi.Clocks.TIMER_ABSTIME;

/** Clocks and sleeping: clock_gettime/getres, gettimeofday, time, nanosleep, clock_nanosleep. */
public final class TimeCalls implements SyscallFamily {
    private static final long NANOS = 1_000_000_000L;
    /** Linux's coarse clocks tick with the scheduler (CONFIG_HZ=250 on Debian): 4 ms resolution. */
    private static final long COARSE_RESOLUTION = 4_000_000L;
    /**
     * The JVM's thread MXBean, made on first use: ManagementFactory starts the platform MBeans and with them
     * java.util.logging, ~30 ms of every cold run that never reads a CPU clock.
     */
    private static final class CpuClock {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    }

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.CLOCK_GETTIME, this::clockGettime);
        r.full(Sysno.CLOCK_GETRES, this::clockGetres);
        r.full(Sysno.GETTIMEOFDAY, this::gettimeofday);
        r.full(Sysno.TIME, this::time);
        r.full(Sysno.NANOSLEEP, this::nanosleep);
        r.full(Sysno.CLOCK_NANOSLEEP, this::clockNanosleep);
        r.partial(Sysno.GETRUSAGE, "CPU time is the emulating host thread's, all counted as user time;"
                + " children's usage and memory/IO counters are zero", this::getrusage);
        r.partial(Sysno.TIMES, "as getrusage", this::times);
    }

    /**
     * Nanoseconds of {@code clock}, or EINVAL for an unknown clock id. With the vDSO on, the clocks it
     * serves come from its line here too, so a guest mixing vDSO calls and raw syscalls sees one clock.
     */
    public static long now(GuestThread t, int clock) {
        if (t.process.determinism() != null) return virtualNow(t, clock);
        dev.jlibos.kml.VdsoClock line = t.kernel().vdsoClock();
        return switch (clock) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI ->
                    line != null ? line.realtime() : HostClocks.realtime();
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM ->
                    line != null ? line.monotonic() : HostClocks.monotonic();
            // One thread per process today, so the process's CPU time is the thread's.
            case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> CpuClock.THREADS.getCurrentThreadCpuTime();
            default -> throw Errno.EINVAL.fail();
        };
    }

    /** Deterministic mode: every clock reads the process's virtual time (CPU clocks: all of it is work). */
    private static long virtualNow(GuestThread t, int clock) {
        long elapsed = t.process.determinism().elapsed();
        return switch (clock) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI ->
                    dev.jlibos.kernel.process.Determinism.EPOCH_SECONDS * NANOS + elapsed;
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM ->
                    dev.jlibos.kernel.process.Determinism.BOOT_NANOS + elapsed;
            case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> elapsed;
            default -> throw Errno.EINVAL.fail();
        };
    }

    /** CPU time of the calling thread: the host thread's, or in deterministic mode the virtual time. */
    private static long cpuTime(GuestThread t) {
        return t.process.determinism() != null ? t.process.determinism().elapsed() : CpuClock.THREADS.getCurrentThreadCpuTime();
    }

    private static final int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    /** USER_HZ: the unit of times(2). */
    private static final long CLOCK_TICKS = 100;

    private long getrusage(GuestThread t, SyscallArgs a) {
        int who = a.i32(0);
        if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD) throw Errno.EINVAL.fail();
        byte[] usage = new byte[144]; // struct rusage
        if (who != RUSAGE_CHILDREN) {
            long cpu = cpuTime(t);
            dev.jlibos.core.mem.Longs.put(usage, 0, cpu / NANOS, 8);
            dev.jlibos.core.mem.Longs.put(usage, 8, (cpu % NANOS) / 1000, 8);
        }
        t.process.memory().write(a.get(1), usage);
        return 0;
    }

    /** times(2): CPU times in clock ticks, and the elapsed ticks since an arbitrary point (boot). */
    private long times(GuestThread t, SyscallArgs a) {
        if (a.get(0) != 0) {
            byte[] tms = new byte[32];
            dev.jlibos.core.mem.Longs.put(tms, 0, cpuTime(t) / (NANOS / CLOCK_TICKS), 8);
            t.process.memory().write(a.get(0), tms);
        }
        return now(t, CLOCK_MONOTONIC) / (NANOS / CLOCK_TICKS);
    }

    private long clockGettime(GuestThread t, SyscallArgs a) {
        long nanos = now(t, a.i32(0));
        Timespec.write(t.process.memory(), a.get(1), nanos);
        return 0;
    }

    private long clockGetres(GuestThread t, SyscallArgs a) {
        int clock = a.i32(0);
        now(t, clock); // validates the id
        long res = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ? COARSE_RESOLUTION : 1;
        if (a.get(1) != 0) Timespec.write(t.process.memory(), a.get(1), res);
        return 0;
    }

    private long gettimeofday(GuestThread t, SyscallArgs a) {
        long nanos = now(t, CLOCK_REALTIME);
        AddressSpace m = t.process.memory();
        if (a.get(0) != 0) {
            m.writeLong(a.get(0), nanos / NANOS);
            m.writeLong(a.get(0) + 8, (nanos % NANOS) / 1000);
        }
        if (a.get(1) != 0) { // struct timezone: Linux keeps it zero unless settimeofday set it
            m.writeInt(a.get(1), 0);
            m.writeInt(a.get(1) + 4, 0);
        }
        return 0;
    }

    private long time(GuestThread t, SyscallArgs a) {
        long seconds = now(t, CLOCK_REALTIME) / NANOS;
        if (a.get(0) != 0) t.process.memory().writeLong(a.get(0), seconds);
        return seconds;
    }

    private long nanosleep(GuestThread t, SyscallArgs a) {
        long duration = Timespec.read(t.process.memory(), a.get(0));
        long left = sleep(t, duration);
        if (left > 0) {
            if (a.get(1) != 0) Timespec.write(t.process.memory(), a.get(1), left);
            throw Errno.EINTR.fail();
        }
        return 0;
    }

    private long clockNanosleep(GuestThread t, SyscallArgs a) {
        int clock = a.i32(0), flags = a.i32(1);
        if (clock == CLOCK_THREAD_CPUTIME_ID) throw Errno.EINVAL.fail();
        long now = now(t, clock);
        long value = Timespec.read(t.process.memory(), a.get(2));
        boolean absolute = (flags & TIMER_ABSTIME) != 0;
        long left = sleep(t, absolute ? value - now : value);
        if (left > 0) {
            if (!absolute && a.get(3) != 0) Timespec.write(t.process.memory(), a.get(3), left);
            throw Errno.EINTR.fail();
        }
        return 0;
    }

    /**
     * Sleeps until the time has passed or a signal the thread does not block is pending; returns the
     * nanoseconds left (0 when the sleep completed), so the caller can fail with EINTR like Linux.
     */
    static long sleep(GuestThread t, long nanos) {
        if (t.process.determinism() != null) {
            // Virtual time: the sleep passes at once, and the other threads get their turn first.
            t.process.determinism().advance(nanos);
            t.process.yieldTurn(t);
            return 0;
        }
        long deadline = System.nanoTime() + Math.max(0, nanos);
        try {
            var signals = t.signals;
            long mask = signals.blocked();
            if (dev.jlibos.core.Blocking.run(() -> signals.awaitDeliverable(mask, Math.max(0, nanos)))) {
                return Math.max(1, deadline - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Math.max(1, deadline - System.nanoTime());
        }
        return 0;
    }
}
