package dev.jlibos.kernel;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.Limit;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Enforces a wall-clock limit on a guest: at the deadline the process dies as if sent SIGKILL. */
final class Watchdog {
    private static final int SIGKILL = 9;
    private static final ScheduledExecutorService TIMER = timer();

    private final ScheduledFuture<?> task;

    private Watchdog(ScheduledFuture<?> task) {
        this.task = task;
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "jlibos-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    static Watchdog start(Kernel kernel, Duration limit) {
        Thread guestThread = Thread.currentThread();
        return new Watchdog(TIMER.schedule(() -> {
            // exit() stops every engine (uc_emu_stop is safe from another thread); the interrupt wakes a
            // guest blocked in a host read or sleep.
            for (GuestProcess p : kernel.processes()) {
                if (!p.exited()) kernel.limits().exceeded(Limit.TIMEOUT); // not a guest that had just ended
                p.exit(ExitStatus.killed(SIGKILL, -1));
                p.signals().wake();
            }
            guestThread.interrupt();
        }, limit.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** How often CPU time is sampled: the most a process can overrun its budget by, give or take scheduling. */
    private static final long CPU_CHECK_MILLIS = 20;

    /**
     * Enforces a CPU time budget per process, like RLIMIT_CPU's hard limit: a process whose host thread
     * has used more than {@code limit} of CPU time dies as if sent SIGKILL (the run ends when it is the
     * first process). Time blocked in sleeps, pipes or wait4 does not count.
     */
    static Watchdog cpuBudget(Kernel kernel, Duration limit) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) throw new UnsupportedOperationException("no per-thread CPU time on this JVM");
        long budget = limit.toNanos();
        // The first process runs on the caller's thread, which has used CPU time before the run; forked
        // processes get fresh threads whose whole CPU time is theirs.
        Thread caller = Thread.currentThread();
        long callerBefore = mx.getCurrentThreadCpuTime();
        return new Watchdog(TIMER.scheduleAtFixedRate(() -> {
            for (GuestProcess p : kernel.processes()) {
                if (p.exited()) continue;
                long used = 0;
                for (GuestThread t : java.util.List.copyOf(p.threads)) {
                    Thread host = t.hostThread();
                    long ns = host == null ? -1 : mx.getThreadCpuTime(host.getId());
                    if (ns > 0) used += host == caller ? ns - callerBefore : ns;
                }
                if (used > budget) {
                    kernel.limits().exceeded(Limit.CPU_TIME);
                    p.exit(ExitStatus.killed(SIGKILL, -1));
                    p.signals().wake();
                }
            }
        }, CPU_CHECK_MILLIS, CPU_CHECK_MILLIS, TimeUnit.MILLISECONDS));
    }

    void cancel() {
        task.cancel(false);
        Thread.interrupted(); // clear a late interrupt so it does not leak into the caller
    }
}
