package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.proc.Cpus;

import java.util.ArrayList;
import java.util.List;

import static dev.jlibos.core.abi.Sched.*;

/**
 * Scheduling attributes: nice values (get/setpriority), I/O priorities (ioprio_get/set), CPU
 * affinity (sched_get/setaffinity) and scheduling policies (sched_setscheduler...), kept per thread ({@link GuestThread#nice}, {@link GuestThread#ioprio},
 * {@link GuestThread#cpuMask}) with Linux's lookup, permission and error rules (kernel/sys.c,
 * block/ioprio.c, kernel/sched/syscalls.c). They are recorded and reported, never applied: the host
 * schedules the guest's threads and does its I/O. The privileged capabilities (CAP_SYS_NICE,
 * CAP_SYS_ADMIN) are those of euid 0.
 */
public final class SchedulingCalls implements SyscallFamily {
    private static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
    private static final int MIN_NICE = -20, MAX_NICE = 19;
    private static final int IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;
    private static final int IOPRIO_CLASS_SHIFT = 13;
    private static final int IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.GETPRIORITY, "nice values of guest threads (PRIO_USER sees guest processes only)", this::getpriority)
                .coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.SETPRIORITY, "recorded per thread with Linux's EPERM/EACCES/RLIMIT_NICE rules; the host"
                + " does not schedule by them", this::setpriority);
        r.partial(Sysno.IOPRIO_GET, "values of guest threads (WHO_USER sees guest processes only)", this::ioprioGet)
                .coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.IOPRIO_SET, "recorded per thread with Linux's checks; host I/O is not prioritised",
                this::ioprioSet).coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.SCHED_GETAFFINITY, "the thread's mask over the CPUs jlibos reports (0..N-1, N as the JVM's)",
                this::schedGetaffinity).coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.SCHED_SETAFFINITY, "recorded per thread, validated against the reported CPUs; the host"
                + " does not pin guest threads", this::schedSetaffinity).coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.SCHED_SETSCHEDULER, "SCHED_OTHER/BATCH/IDLE/FIFO/RR and SCHED_RESET_ON_FORK, recorded per thread"
                + " with Linux's EINVAL/EPERM rules (CAP_SYS_NICE, RLIMIT_RTPRIO, RLIMIT_NICE); the host does not"
                + " schedule by them", (t, a) -> {
                    if (a.i32(1) < 0) throw Errno.EINVAL.fail();
                    return setScheduler(t, a.i32(0), a.i32(1), a.get(2));
                }).coveredBy("CProgramsTest[longtail sched]");
        r.partial(Sysno.SCHED_SETPARAM, "the real-time priority, recorded per thread (as sched_setscheduler)",
                (t, a) -> setScheduler(t, a.i32(0), -1, a.get(1))).coveredBy("CProgramsTest[longtail sched]");
        r.full(Sysno.SCHED_GETSCHEDULER, this::getScheduler).coveredBy("CProgramsTest[longtail sched]");
        r.full(Sysno.SCHED_GETPARAM, this::getParam).coveredBy("CProgramsTest[longtail sched]");
        r.full(Sysno.SCHED_GET_PRIORITY_MAX, (t, a) -> priorityBound(a.i32(0), true))
                .coveredBy("CProgramsTest[longtail sched]");
        r.full(Sysno.SCHED_GET_PRIORITY_MIN, (t, a) -> priorityBound(a.i32(0), false))
                .coveredBy("CProgramsTest[longtail sched]");
        r.partial(Sysno.SCHED_RR_GET_INTERVAL, "SCHED_RR's slice (kernel.sched_rr_timeslice_ms); 0 for the other"
                + " policies, as Linux reports for a slice shorter than a jiffy", this::rrInterval)
                        .coveredBy("CProgramsTest[longtail sched]");
    }

    // ---- targets -------------------------------------------------------------------------------------

    /** A live thread by tid in any guest process (find_task_by_vpid); 0 is the caller; null if none. */
    private static GuestThread task(GuestThread t, int who) {
        if (who == 0) return t;
        for (GuestProcess p : t.kernel().processes()) {
            if (p.exited()) continue;
            for (GuestThread th : p.threads) {
                if (th.tid() == who && !th.exiting()) return th;
            }
        }
        return null;
    }

    /** Every live thread of process group {@code pgid} (0: the caller's). */
    private static List<GuestThread> group(GuestThread t, int pgid) {
        int g = pgid == 0 ? t.process.pgid() : pgid;
        List<GuestThread> out = new ArrayList<>();
        for (GuestProcess p : t.kernel().processes()) {
            if (p.exited() || p.pgid() != g) continue;
            for (GuestThread th : p.threads) if (!th.exiting()) out.add(th);
        }
        return out;
    }

    /** Every live thread whose real uid is {@code uid} (0: the caller's, as Linux's PRIO_USER reads who). */
    private static List<GuestThread> user(GuestThread t, int uid) {
        int u = uid == 0 ? t.process.credentials.ruid : uid;
        List<GuestThread> out = new ArrayList<>();
        for (GuestProcess p : t.kernel().processes()) {
            if (p.exited() || p.credentials.ruid != u) continue;
            for (GuestThread th : p.threads) if (!th.exiting()) out.add(th);
        }
        return out;
    }

    private static List<GuestThread> targets(GuestThread t, int which, int who, int process, int pgrp, int user) {
        if (which == process) {
            GuestThread th = task(t, who);
            return th == null ? List.of() : List.of(th);
        }
        if (which == pgrp) return group(t, who);
        if (which == user) return user(t, who);
        throw Errno.EINVAL.fail();
    }

    /** CAP_SYS_NICE. */
    private static boolean capable(GuestThread t) {
        return t.process.credentials.capable(Capability.CAP_SYS_NICE);
    }

    // ---- nice ----------------------------------------------------------------------------------------

    /** getpriority(2): the raw call returns 20 - nice (1..40), the highest among the targets. */
    private long getpriority(GuestThread t, SyscallArgs a) {
        List<GuestThread> targets = targets(t, a.i32(0), a.i32(1), PRIO_PROCESS, PRIO_PGRP, PRIO_USER);
        if (targets.isEmpty()) throw Errno.ESRCH.fail();
        int best = 0;
        for (GuestThread th : targets) best = Math.max(best, 20 - th.nice());
        return best;
    }

    /** setpriority(2): the value is clamped to -20..19; every target is tried, the last failure is reported. */
    private long setpriority(GuestThread t, SyscallArgs a) {
        int which = a.i32(0);
        if (which < PRIO_PROCESS || which > PRIO_USER) throw Errno.EINVAL.fail();
        int nice = Math.max(MIN_NICE, Math.min(MAX_NICE, a.i32(2)));
        Errno error = Errno.ESRCH;
        for (GuestThread p : targets(t, which, a.i32(1), PRIO_PROCESS, PRIO_PGRP, PRIO_USER)) {
            // set_one_prio: the caller must own the target, and lowering the value needs RLIMIT_NICE room.
            var caller = t.process.credentials;
            var target = p.process.credentials;
            if (target.ruid != caller.euid && target.euid != caller.euid && !capable(t)) {
                error = Errno.EPERM;
            } else if (nice < p.nice() && !canNice(t, p, nice)) {
                error = Errno.EACCES;
            } else {
                if (error == Errno.ESRCH) error = null;
                p.setNice(nice);
            }
        }
        if (error != null) throw error.fail();
        return 0;
    }

    /** can_nice: 20 - nice must not exceed the target's RLIMIT_NICE, unless the caller has CAP_SYS_NICE. */
    private static boolean canNice(GuestThread caller, GuestThread target, int nice) {
        long limit = target.process.limits.soft(ResourceLimits.NICE);
        return Long.compareUnsigned(20 - nice, limit) <= 0 || capable(caller);
    }

    // ---- I/O priority --------------------------------------------------------------------------------

    private long ioprioGet(GuestThread t, SyscallArgs a) {
        int which = a.i32(0), who = a.i32(1);
        if (which == IOPRIO_WHO_PROCESS) {
            GuestThread p = task(t, who);
            if (p == null) throw Errno.ESRCH.fail();
            return p.ioprio(); // the raw value: 0 (IOPRIO_CLASS_NONE) until ioprio_set
        }
        List<GuestThread> targets = targets(t, which, who, IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER);
        if (targets.isEmpty()) throw Errno.ESRCH.fail();
        int best = Integer.MAX_VALUE;
        for (GuestThread p : targets) best = Math.min(best, effectiveIoprio(p)); // ioprio_best
        return best;
    }

    /** __get_task_ioprio: an unset class follows the nice value, best-effort level (nice + 20) / 5. */
    private static int effectiveIoprio(GuestThread p) {
        int prio = p.ioprio();
        if (prio >> IOPRIO_CLASS_SHIFT == IOPRIO_CLASS_NONE) prio = IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT | (p.nice() + 20) / 5;
        return prio;
    }

    private long ioprioSet(GuestThread t, SyscallArgs a) {
        int which = a.i32(0), who = a.i32(1), ioprio = a.i32(2);
        checkIoprio(t, ioprio);
        if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER) throw Errno.EINVAL.fail();
        List<GuestThread> targets = targets(t, which, who, IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER);
        if (targets.isEmpty()) throw Errno.ESRCH.fail();
        var caller = t.process.credentials;
        for (GuestThread p : targets) {
            var target = p.process.credentials;
            // set_task_ioprio: the caller's uid must be the target's uid or euid, or it needs CAP_SYS_NICE.
            if (caller.ruid != target.euid && caller.ruid != target.ruid && !capable(t)) throw Errno.EPERM.fail();
            p.setIoprio(ioprio & 0xffff); // the kernel keeps an unsigned short
        }
        return 0;
    }

    /** ioprio_check_cap: RT needs privilege; NONE takes no level; classes past IDLE are invalid. */
    private static void checkIoprio(GuestThread t, int ioprio) {
        int level = ioprio & 7;
        switch ((ioprio >> IOPRIO_CLASS_SHIFT) & 7) {
            case IOPRIO_CLASS_RT -> {
                if (!capable(t) && !t.process.credentials.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.fail();
            }
            case IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE -> {
                // levels are 0..7, all a 3-bit field can hold; the bits above are hints, not checked
            }
            case IOPRIO_CLASS_NONE -> {
                if (level != 0) throw Errno.EINVAL.fail();
            }
            default -> throw Errno.EINVAL.fail();
        }
    }

    // ---- CPU affinity --------------------------------------------------------------------------------

    private long schedGetaffinity(GuestThread t, SyscallArgs a) {
        long len = a.get(1) & 0xffffffffL;
        if (len * 8 < Cpus.count() || (len & 7) != 0) throw Errno.EINVAL.fail();
        GuestThread p = task(t, a.i32(0));
        if (p == null) throw Errno.ESRCH.fail();
        byte[] mask = p.cpuMask() != null ? p.cpuMask() : Cpus.allMask();
        int n = (int) Math.min(len, mask.length);
        t.process.memory().write(a.get(2), mask, 0, n);
        return n;
    }

    private long schedSetaffinity(GuestThread t, SyscallArgs a) {
        long len = a.get(1) & 0xffffffffL;
        // get_user_cpu_mask: a shorter buffer is zero-extended, a longer one read only as far as the mask goes.
        byte[] mask = new byte[Cpus.maskBytes()];
        int n = (int) Math.min(len, mask.length);
        if (n > 0) System.arraycopy(t.process.memory().read(a.get(2), n), 0, mask, 0, n);
        GuestThread p = task(t, a.i32(0));
        if (p == null) throw Errno.ESRCH.fail();
        var caller = t.process.credentials;
        var target = p.process.credentials;
        if (caller.euid != target.euid && caller.euid != target.ruid && !capable(t)) throw Errno.EPERM.fail();
        byte[] valid = Cpus.allMask();
        boolean any = false;
        for (int i = 0; i < mask.length; i++) {
            mask[i] &= valid[i]; // CPUs that do not exist are dropped
            any |= mask[i] != 0;
        }
        if (!any) throw Errno.EINVAL.fail();
        p.setCpuMask(mask);
        return 0;
    }

    // ---- policies ------------------------------------------------------------------------------------

    private static boolean realTime(int policy) {
        return policy == SCHED_FIFO || policy == SCHED_RR;
    }

    private static boolean fair(int policy) {
        return policy == SCHED_OTHER || policy == SCHED_BATCH;
    }

    /** A thread for the sched_* calls that take a pid: negative is EINVAL, 0 the caller, unknown ESRCH. */
    private static GuestThread schedTask(GuestThread t, int pid) {
        if (pid < 0) throw Errno.EINVAL.fail();
        GuestThread p = task(t, pid);
        if (p == null) throw Errno.ESRCH.fail();
        return p;
    }

    private long getScheduler(GuestThread t, SyscallArgs a) {
        GuestThread p = schedTask(t, a.i32(0));
        return p.policy() | (p.resetOnFork() ? SCHED_RESET_ON_FORK : 0);
    }

    private long getParam(GuestThread t, SyscallArgs a) {
        if (a.get(1) == 0 || a.i32(0) < 0) throw Errno.EINVAL.fail();
        GuestThread p = schedTask(t, a.i32(0));
        t.process.memory().writeInt(a.get(1), p.rtPriority());
        return 0;
    }

    /**
     * sched_setscheduler and (with {@code requested} -1, SETPARAM_POLICY) sched_setparam, as
     * __sched_setscheduler checks them: the policy (SCHED_DEADLINE needs sched_setattr's parameters, so it
     * is EINVAL here, as in Linux), the priority (1..99 for FIFO and RR, 0 otherwise), then the caller's
     * rights over the target.
     */
    private static long setScheduler(GuestThread t, int pid, int requested, long param) {
        if (param == 0 || pid < 0) throw Errno.EINVAL.fail();
        long priority = t.process.memory().readInt(param) & 0xffffffffL;
        GuestThread p = schedTask(t, pid);
        int policy;
        boolean resetOnFork;
        if (requested == -1) {
            policy = p.policy();
            resetOnFork = p.resetOnFork();
        } else {
            resetOnFork = (requested & SCHED_RESET_ON_FORK) != 0;
            policy = requested & ~SCHED_RESET_ON_FORK;
            if (policy == SCHED_DEADLINE) throw Errno.EINVAL.fail(); // no runtime: __checkparam_dl fails
            if (!realTime(policy) && !fair(policy) && policy != SCHED_IDLE) throw Errno.EINVAL.fail();
        }
        if (priority > MAX_RT_PRIORITY || realTime(policy) != (priority != 0)) throw Errno.EINVAL.fail();
        if (!capable(t) && !mayChangeScheduling(t, p, policy, (int) priority, resetOnFork)) throw Errno.EPERM.fail();
        p.setScheduling(policy, (int) priority, resetOnFork);
        return 0;
    }

    /** user_check_sched_setscheduler: what a caller without CAP_SYS_NICE may do. */
    private static boolean mayChangeScheduling(GuestThread t, GuestThread p, int policy, int priority, boolean resetOnFork) {
        if (realTime(policy)) {
            long limit = p.process.limits.soft(ResourceLimits.RTPRIO);
            if (policy != p.policy() && limit == 0) return false; // may not take a real-time policy
            if (priority > p.rtPriority() && Long.compareUnsigned(priority, limit) > 0) return false;
        }
        // SCHED_IDLE counts as nice 20: leaving it needs RLIMIT_NICE room for the current nice value.
        if (p.policy() == SCHED_IDLE && policy != SCHED_IDLE
                && Long.compareUnsigned(20 - p.nice(), p.process.limits.soft(ResourceLimits.NICE)) > 0) {
            return false;
        }
        var caller = t.process.credentials;
        var target = p.process.credentials;
        if (caller.euid != target.euid && caller.euid != target.ruid) return false;
        return resetOnFork || !p.resetOnFork(); // the flag may be set, not cleared
    }

    /** sched_get_priority_max/min: 1..99 for the real-time policies, 0 for the others, EINVAL for unknown ones. */
    private static long priorityBound(int policy, boolean max) {
        if (realTime(policy)) return max ? MAX_RT_PRIORITY : 1;
        if (fair(policy) || policy == SCHED_IDLE || policy == SCHED_DEADLINE || policy == SCHED_EXT) return 0;
        throw Errno.EINVAL.fail();
    }

    private long rrInterval(GuestThread t, SyscallArgs a) {
        GuestThread p = schedTask(t, a.i32(0));
        long nanos = p.policy() == SCHED_RR ? HostSystem.rrTimesliceMillis() * 1_000_000L : 0;
        dev.jlibos.core.abi.Timespec.write(t.process.memory(), a.get(1), nanos);
        return 0;
    }
}
