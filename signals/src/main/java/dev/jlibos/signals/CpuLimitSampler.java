package dev.jlibos.signals;

import dev.jlibos.core.HostTimers;
import dev.jlibos.core.rlimit.ResourceLimits;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * RLIMIT_CPU of one machine's processes, as Linux's check_process_timers applies it: at the soft limit
 * the process gets SIGXCPU, and the soft limit moves up one second (so SIGXCPU repeats every second)
 * until the hard limit, where it gets SIGKILL. CPU time is the host CPU time of the process's threads
 * (engine and handlers), sampled every {@value #CHECK_MILLIS} ms once some process of the machine has a
 * finite limit; the sampler stops when every process of the machine has exited.
 *
 * <p>The process that sets the limit is charged from that moment (its host thread may have run other
 * code before, e.g. the embedder's); processes forked later are charged from their start, as on Linux.
 */
public final class CpuLimitSampler {
    private static final long CHECK_MILLIS = 20;
    private static final long NANOS = 1_000_000_000L;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final Supplier<? extends Collection<? extends SignalProcess>> processes;
    private final Function<SignalProcess, ResourceLimits> limits;
    /** CPU time of a process's threads before it was charged (only for the process that set the limit). */
    private final Map<SignalProcess, Long> baseline = new ConcurrentHashMap<>();
    /** The sampler, or null while no process of the machine has a finite limit. */
    private ScheduledFuture<?> task;

    /** {@code processes}: the machine's processes; {@code limits}: a process's rlimits. */
    public CpuLimitSampler(Supplier<? extends Collection<? extends SignalProcess>> processes,
                           Function<SignalProcess, ResourceLimits> limits) {
        this.processes = processes;
        this.limits = limits;
    }

    /** Whether this JVM can tell a thread's CPU time; without it RLIMIT_CPU cannot be enforced. */
    public static boolean supported() {
        return MX.isThreadCpuTimeSupported();
    }

    /** Whether RLIMIT_CPU in {@code l} is finite, soft or hard (else nothing needs sampling). */
    public static boolean limited(ResourceLimits l) {
        return l.soft(ResourceLimits.CPU) != ResourceLimits.INFINITY || l.hard(ResourceLimits.CPU) != ResourceLimits.INFINITY;
    }

    /** {@code p} has just changed RLIMIT_CPU to a finite value: it is charged from now on. */
    public synchronized void watch(SignalProcess p) {
        if (task == null) {
            task = HostTimers.SCHEDULER.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        baseline.putIfAbsent(p, used(p));
    }

    private static long used(SignalProcess p) {
        long sum = 0;
        for (SignalThread t : p.threads()) {
            Thread host = t.hostThread();
            long ns = host == null ? -1 : MX.getThreadCpuTime(host.getId());
            if (ns > 0) sum += ns;
        }
        return sum;
    }

    private void check() {
        boolean anyAlive = false;
        for (SignalProcess p : processes.get()) {
            if (p.exited()) continue;
            anyAlive = true;
            ResourceLimits l = limits.apply(p);
            long soft = l.soft(ResourceLimits.CPU), hard = l.hard(ResourceLimits.CPU);
            if (soft == ResourceLimits.INFINITY && hard == ResourceLimits.INFINITY) continue;
            long seconds = (used(p) - baseline.getOrDefault(p, 0L)) / NANOS;
            if (hard != ResourceLimits.INFINITY && seconds >= hard) {
                p.killedBy(Signal.SIGKILL, -1);
                p.signals().wake();
            } else if (soft != ResourceLimits.INFINITY && seconds >= soft) {
                SignalSender.post(p, SigInfo.basic(Signal.SIGXCPU, SigInfo.SI_KERNEL), true);
                if (Long.compareUnsigned(soft, hard) < 0) l.update(ResourceLimits.CPU, soft + 1, hard, true);
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
