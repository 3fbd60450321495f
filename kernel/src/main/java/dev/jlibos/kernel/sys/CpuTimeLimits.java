package dev.jlibos.kernel.sys;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.ResourceLimits;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * RLIMIT_CPU set by the guest (setrlimit, prlimit64), as Linux's check_process_timers applies it: at the
 * soft limit the process gets SIGXCPU, and the soft limit moves up one second (so SIGXCPU repeats every
 * second) until the hard limit, where it gets SIGKILL. CPU time is the host CPU time of the process's
 * threads (engine and handlers), sampled every {@value #CHECK_MILLIS} ms once some process of the machine
 * has a finite limit; the sampler stops when every process of the machine has exited.
 *
 * <p>The process that sets the limit is charged from that moment (its host thread may have run other
 * code before, e.g. the embedder's); processes forked later are charged from their start, as on Linux.
 */
public final class CpuTimeLimits {
    private static final long CHECK_MILLIS = 20;
    private static final long NANOS = 1_000_000_000L;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final Kernel kernel;
    /** CPU time of a process's threads before it was charged (only for the process that set the limit). */
    private final Map<GuestProcess, Long> baseline = new ConcurrentHashMap<>();
    /** The sampler, or null while no process of the machine has a finite limit. */
    private ScheduledFuture<?> task;

    private CpuTimeLimits(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Called after {@code caller}'s process changed RLIMIT_CPU. */
    public static void limitChanged(GuestThread caller) {
        GuestProcess p = caller.process;
        if (p.limits.soft(ResourceLimits.CPU) == ResourceLimits.INFINITY
                && p.limits.hard(ResourceLimits.CPU) == ResourceLimits.INFINITY) return;
        if (!MX.isThreadCpuTimeSupported()) {
            caller.kernel().log().once("RLIMIT_CPU is not enforced: this JVM has no per-thread CPU time");
            return;
        }
        Kernel kernel = caller.kernel();
        kernel.machineState(CpuTimeLimits.class, () -> new CpuTimeLimits(kernel)).watch(p);
    }

    private synchronized void watch(GuestProcess p) {
        if (task == null) {
            task = dev.jlibos.core.HostTimers.SCHEDULER.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        baseline.putIfAbsent(p, used(p));
    }

    private static long used(GuestProcess p) {
        long sum = 0;
        for (GuestThread t : p.threads) {
            Thread host = t.hostThread();
            long ns = host == null ? -1 : MX.getThreadCpuTime(host.getId());
            if (ns > 0) sum += ns;
        }
        return sum;
    }

    private void check() {
        boolean anyAlive = false;
        for (GuestProcess p : kernel.processes()) {
            if (p.exited()) continue;
            anyAlive = true;
            long soft = p.limits.soft(ResourceLimits.CPU), hard = p.limits.hard(ResourceLimits.CPU);
            if (soft == ResourceLimits.INFINITY && hard == ResourceLimits.INFINITY) continue;
            long seconds = (used(p) - baseline.getOrDefault(p, 0L)) / NANOS;
            if (hard != ResourceLimits.INFINITY && seconds >= hard) {
                p.exit(ExitStatus.killed(Signal.SIGKILL, -1));
                p.signals().wake();
            } else if (soft != ResourceLimits.INFINITY && seconds >= soft) {
                dev.jlibos.signals.SignalSender.post(p, SigInfo.basic(Signal.SIGXCPU, SigInfo.SI_KERNEL), true);
                if (Long.compareUnsigned(soft, hard) < 0) p.limits.update(ResourceLimits.CPU, soft + 1, hard, true);
            }
        }
        if (!anyAlive) stopWatching();
    }

    /** Every process has exited: the sampler stops; a later limit starts afresh. */
    private synchronized void stopWatching() {
        if (task == null) return;
        task.cancel(false);
        task = null;
        baseline.clear();
    }
}
