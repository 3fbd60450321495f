package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.cred.Credentials;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.core.abi.Prctl.*;
import static dev.jlibos.kernel.syscall.Trait.SHIM_SERVED;

/** Process lifetime and per-process state: exit, pids, TLS base, rlimits, thread bookkeeping. */
public final class ProcessCalls implements SyscallFamily {
    private static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
    private static final int ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
    /** sizeof(struct robust_list_head) on x86-64; set_robust_list rejects any other length. */
    private static final long ROBUST_LIST_HEAD_SIZE = 24;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.EXIT, this::exit).coveredBy("CProgramsTest[threads mutex]");
        r.full(Sysno.EXIT_GROUP, this::exitGroup).coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.GETPID, (t, a) -> t.process.pid).traits(SHIM_SERVED).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.GETPPID, (t, a) -> t.process.ppid()).coveredBy("CProgramsTest[process]");
        r.full(Sysno.GETTID, (t, a) -> t.tid()).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.SET_TID_ADDRESS, this::setTidAddress).coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.SET_ROBUST_LIST, this::setRobustList).coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.GET_ROBUST_LIST, this::getRobustList);
        r.errno(Sysno.RSEQ, Errno.ENOSYS, "restartable sequences are not offered; glibc runs without them")
                .coveredBy("CProgramsTest[stdio]");
        r.partial(Sysno.ARCH_PRCTL, "FS/GS base and CPUID faulting query; ARCH_SET_CPUID is EINVAL", this::archPrctl)
                .coveredBy("CProgramsTest[stdio]");
        r.partial(Sysno.PRCTL, "PR_SET/GET_NAME, PDEATHSIG, DUMPABLE, NO_NEW_PRIVS (per thread), CHILD_SUBREAPER,"
                + " KEEPCAPS, CAPBSET_READ/DROP, CAP_AMBIENT, GET_SECUREBITS, SET/GET_SECCOMP (strict mode and"
                + " filters, as seccomp(2)); other options EINVAL", this::prctl)
                .coveredBy("CProgramsTest[process]", "CProgramsTest[seccomp]", "CProgramsTest[longtail caps]");
        r.full(Sysno.PRLIMIT64, this::prlimit64).coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.GETPGRP, (t, a) -> t.process.pgid()).coveredBy("CProgramsTest[sched]");
        r.partial(Sysno.GETPGID, "this process only", (t, a) -> self(t, a.i32(0)).pgid());
        r.partial(Sysno.GETSID, "this process only", (t, a) -> self(t, a.i32(0)).sid());
        r.partial(Sysno.SETPGID, "this process only", this::setpgid).coveredBy("CProgramsTest[jobctl tstp]");
        r.full(Sysno.SETSID, this::setsid);
        r.full(Sysno.GETRLIMIT, this::getrlimit);
        r.full(Sysno.SETRLIMIT, this::setrlimit);
    }

    /** exit(2) ends the calling thread only; the last thread's exit ends the process. */
    private long exit(GuestThread t, SyscallArgs a) {
        var p = t.process;
        if (t.tid() == p.pid) p.setLeaderExitCode(a.i32(0) & 0xff);
        if (p.threads.size() == 1) {
            p.exit(ExitStatus.exited(a.i32(0)));
        } else {
            t.exitThread();
        }
        return 0;
    }

    private long exitGroup(GuestThread t, SyscallArgs a) {
        t.process.exit(ExitStatus.exited(a.i32(0)));
        return 0;
    }

    private long setTidAddress(GuestThread t, SyscallArgs a) {
        t.setClearChildTid(a.get(0));
        return t.tid();
    }

    private long setRobustList(GuestThread t, SyscallArgs a) {
        if (a.get(1) != ROBUST_LIST_HEAD_SIZE) throw Errno.EINVAL.fail();
        t.setRobustList(a.get(0), a.get(1));
        return 0;
    }

    private long getRobustList(GuestThread t, SyscallArgs a) {
        if (a.i32(0) != 0 && a.i32(0) != t.tid()) throw Errno.ESRCH.fail();
        t.process.memory().writeLong(a.get(1), t.robustListHead());
        t.process.memory().writeLong(a.get(2), ROBUST_LIST_HEAD_SIZE);
        return 0;
    }

    private long archPrctl(GuestThread t, SyscallArgs a) {
        long addr = a.get(1);
        switch (a.i32(0)) {
            case ARCH_SET_FS -> setBase(t, Reg.FS_BASE, addr);
            case ARCH_SET_GS -> setBase(t, Reg.GS_BASE, addr);
            case ARCH_GET_FS -> t.process.memory().writeLong(addr, t.cpu.get(Reg.FS_BASE));
            case ARCH_GET_GS -> t.process.memory().writeLong(addr, t.cpu.get(Reg.GS_BASE));
            case ARCH_GET_CPUID -> {
                return 1; // cpuid does not fault
            }
            default -> throw Errno.EINVAL.fail();
        }
        return 0;
    }

    private static void setBase(GuestThread t, Reg reg, long addr) {
        // Linux refuses non-canonical bases for user space (above TASK_SIZE_MAX).
        if (Long.compareUnsigned(addr, 0x7ffffffff000L) >= 0) throw Errno.EPERM.fail();
        t.cpu.set(reg, addr);
    }

    /** TASK_COMM_LEN: the thread name holds 15 bytes and a NUL. */
    private static final int COMM_LENGTH = 16;

    private long prctl(GuestThread t, SyscallArgs a) {
        var p = t.process;
        long arg = a.get(1);
        switch (a.i32(0)) {
            case PR_SET_NAME -> {
                byte[] name = p.memory().read(arg, COMM_LENGTH);
                int n = 0;
                while (n < COMM_LENGTH - 1 && name[n] != 0) n++;
                t.rename(new String(name, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            case PR_GET_NAME -> {
                byte[] name = java.util.Arrays.copyOf(t.name().getBytes(java.nio.charset.StandardCharsets.UTF_8), COMM_LENGTH);
                name[COMM_LENGTH - 1] = 0;
                p.memory().write(arg, name);
            }
            case PR_SET_PDEATHSIG -> {
                if (arg < 0 || arg > 64) throw Errno.EINVAL.fail();
                p.prctl().parentDeathSignal((int) arg);
            }
            case PR_GET_PDEATHSIG -> p.memory().writeInt(arg, p.prctl().parentDeathSignal());
            case PR_GET_DUMPABLE -> {
                return p.prctl().dumpable();
            }
            case PR_SET_DUMPABLE -> {
                if (arg != 0 && arg != 1) throw Errno.EINVAL.fail();
                p.prctl().dumpable((int) arg);
            }
            case PR_GET_SECCOMP -> {
                return t.seccomp.mode();
            }
            case PR_SET_SECCOMP -> {
                return SeccompCalls.prctl(t, arg, a.get(2));
            }
            case PR_SET_CHILD_SUBREAPER -> p.prctl().childSubreaper(arg != 0);
            case PR_GET_CHILD_SUBREAPER -> p.memory().writeInt(arg, p.prctl().childSubreaper() ? 1 : 0);
            case PR_SET_NO_NEW_PRIVS -> {
                if (arg != 1 || a.get(2) != 0 || a.get(3) != 0 || a.get(4) != 0) throw Errno.EINVAL.fail();
                t.seccomp.forbidNewPrivileges();
            }
            case PR_GET_NO_NEW_PRIVS -> {
                if (arg != 0 || a.get(2) != 0 || a.get(3) != 0 || a.get(4) != 0) throw Errno.EINVAL.fail();
                return t.seccomp.noNewPrivileges() ? 1 : 0;
            }
            case PR_GET_KEEPCAPS -> {
                return p.credentials.keepCaps() ? 1 : 0;
            }
            case PR_SET_KEEPCAPS -> {
                if (Long.compareUnsigned(arg, 1) > 0) throw Errno.EINVAL.fail();
                p.credentials.keepCaps(arg == 1);
            }
            case PR_GET_SECUREBITS -> {
                return p.credentials.keepCaps() ? SECBIT_KEEP_CAPS : 0;
            }
            case PR_CAPBSET_READ -> {
                if (!Credentials.validCapability(arg)) throw Errno.EINVAL.fail();
                return p.credentials.bounding() >>> arg & 1;
            }
            case PR_CAPBSET_DROP -> p.credentials.dropFromBounding(arg);
            case PR_CAP_AMBIENT -> {
                return ambient(p.credentials, arg, a.get(2), a.get(3) | a.get(4));
            }
            default -> {
                t.kernel().log().once("prctl option " + a.i32(0) + " is not supported (EINVAL)");
                throw Errno.EINVAL.fail();
            }
        }
        return 0;
    }

    /** PR_CAP_AMBIENT: IS_SET, RAISE, LOWER (a valid capability, arg4 and arg5 0) and CLEAR_ALL (the rest 0). */
    private static long ambient(Credentials c, long op, long cap, long rest) {
        if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
            if ((cap | rest) != 0) throw Errno.EINVAL.fail();
            c.clearAmbient();
            return 0;
        }
        if (!Credentials.validCapability(cap) || rest != 0) throw Errno.EINVAL.fail();
        if (op == PR_CAP_AMBIENT_IS_SET) return c.ambient() >>> cap & 1;
        if (op == PR_CAP_AMBIENT_RAISE) c.raiseAmbient(cap);
        else if (op == PR_CAP_AMBIENT_LOWER) c.lowerAmbient(cap);
        else throw Errno.EINVAL.fail();
        return 0;
    }

    /** Process lookups before multi-process support: 0 or our own pid, anything else ESRCH. */
    private static dev.jlibos.kernel.process.GuestProcess self(GuestThread t, int pid) {
        if (pid != 0 && pid != t.process.pid) throw Errno.ESRCH.fail();
        return t.process;
    }

    private long setpgid(GuestThread t, SyscallArgs a) {
        var p = self(t, a.i32(0));
        int pgid = a.i32(1);
        if (pgid < 0) throw Errno.EINVAL.fail();
        if (p.sid() == p.pid) throw Errno.EPERM.fail(); // a session leader cannot change its group
        // With no other processes, the only group it can join is a new one named after itself.
        if (pgid != 0 && pgid != p.pid) throw Errno.EPERM.fail();
        p.joinGroup(p.pid);
        return 0;
    }

    private long setsid(GuestThread t, SyscallArgs a) {
        var p = t.process;
        if (p.pgid() == p.pid) throw Errno.EPERM.fail(); // already a process group leader
        p.startSession();
        return p.sid();
    }

    private long prlimit64(GuestThread t, SyscallArgs a) {
        int pid = a.i32(0);
        if (pid != 0 && pid != t.process.pid) throw Errno.ESRCH.fail();
        int resource = a.i32(1);
        ResourceLimits.check(resource);
        long newLimit = a.get(2), oldLimit = a.get(3);
        ResourceLimits limits = t.process.limits;
        long oldSoft = limits.soft(resource), oldHard = limits.hard(resource);
        if (newLimit != 0) {
            long soft = t.process.memory().readLong(newLimit);
            long hard = t.process.memory().readLong(newLimit + 8);
            limits.update(resource, soft, hard, t.process.credentials.capable(Capability.CAP_SYS_RESOURCE));
            applyFileLimit(t.process, resource);
            if (resource == ResourceLimits.CPU) CpuTimeLimits.limitChanged(t);
        }
        if (oldLimit != 0) {
            t.process.memory().writeLong(oldLimit, oldSoft);
            t.process.memory().writeLong(oldLimit + 8, oldHard);
        }
        return 0;
    }

    private long getrlimit(GuestThread t, SyscallArgs a) {
        int resource = a.i32(0);
        ResourceLimits.check(resource);
        t.process.memory().writeLong(a.get(1), t.process.limits.soft(resource));
        t.process.memory().writeLong(a.get(1) + 8, t.process.limits.hard(resource));
        return 0;
    }

    private long setrlimit(GuestThread t, SyscallArgs a) {
        int resource = a.i32(0);
        ResourceLimits.check(resource);
        long soft = t.process.memory().readLong(a.get(1));
        long hard = t.process.memory().readLong(a.get(1) + 8);
        t.process.limits.update(resource, soft, hard, t.process.credentials.capable(Capability.CAP_SYS_RESOURCE));
        applyFileLimit(t.process, resource);
        if (resource == ResourceLimits.CPU) CpuTimeLimits.limitChanged(t);
        return 0;
    }

    /** RLIMIT_NOFILE bounds the fd table; the machine's maxOpenFiles cannot be raised from inside. */
    public static void applyFileLimit(dev.jlibos.kernel.process.GuestProcess p, int resource) {
        if (resource != ResourceLimits.NOFILE) return;
        long soft = p.limits.soft(ResourceLimits.NOFILE);
        long limit = soft == ResourceLimits.INFINITY || soft > Integer.MAX_VALUE ? Integer.MAX_VALUE : soft;
        int machine = p.kernel.limits().openFiles();
        if (machine > 0) limit = Math.min(limit, machine);
        p.files.setLimit((int) limit);
    }
}
