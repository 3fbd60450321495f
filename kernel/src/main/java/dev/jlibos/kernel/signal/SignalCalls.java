package dev.jlibos.kernel.signal;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.SigAction;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.signals.SignalFrame;
import dev.jlibos.signals.SignalSender;
import dev.jlibos.signals.ThreadSignals;
import dev.jlibos.syscalls.Sysno;

/** Signal syscalls: dispositions, masks, handlers' return, sending (pidfds too), waiting, timers. */
public final class SignalCalls implements SyscallFamily {
    private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    private static final int SIGSET_SIZE = 8;
    private static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    private static final long SECOND = 1_000_000_000L;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.RT_SIGACTION, this::sigaction).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.RT_SIGPROCMASK, this::sigprocmask).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.RT_SIGRETURN, this::sigreturn).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.SIGALTSTACK, this::sigaltstack).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.RT_SIGPENDING, (t, a) -> {
            if (a.get(1) > SIGSET_SIZE) throw Errno.EINVAL.fail();
            t.process.memory().writeLong(a.get(0), t.signals.pendingSet());
            return 0;
        }).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.RT_SIGSUSPEND, this::sigsuspend);
        r.full(Sysno.PAUSE, (t, a) -> InterruptibleSleep.suspend(t, t.signals.blocked())).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.KILL, this::kill).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.TGKILL, (t, a) -> threadKill(t, a.i32(0), a.i32(1), a.i32(2), null))
                .coveredBy("CProgramsTest[signals]");
        r.full(Sysno.TKILL, (t, a) -> threadKill(t, -1, a.i32(0), a.i32(1), null));
        r.partial(Sysno.RT_SIGQUEUEINFO, "within this process only", (t, a) -> queueInfo(t, a.i32(0), a.i32(1), a.get(2)))
                .coveredBy("CProgramsTest[signals]");
        r.partial(Sysno.RT_TGSIGQUEUEINFO, "threads of this process only", this::tgQueueInfo);
        r.full(Sysno.RT_SIGTIMEDWAIT, this::sigtimedwait).coveredBy("CProgramsTest[threads pthread-kill]");
        r.full(Sysno.ALARM, this::alarm).coveredBy("CProgramsTest[signals]");
        r.partial(Sysno.SETITIMER, "ITIMER_REAL only; ITIMER_VIRTUAL/ITIMER_PROF: EINVAL", this::setitimer)
                .coveredBy("CProgramsTest[signals]");
        r.partial(Sysno.GETITIMER, "ITIMER_REAL only", this::getitimer);
        r.partial(Sysno.PIDFD_SEND_SIGNAL, "pidfds of guest processes and the PIDFD_SIGNAL_* scopes, with kill's"
                + " permission rules; /proc/PID directory fds: EBADF", this::pidfdSendSignal)
                        .coveredBy("CProgramsTest[longtail pidfd]");
    }

    private static long fail(Errno e) {
        throw e.fail();
    }

    private static void checkSignal(int sig) {
        if (!Signal.valid(sig)) throw Errno.EINVAL.fail();
    }

    private long sigaction(GuestThread t, SyscallArgs a) {
        int sig = a.i32(0);
        long act = a.get(1), oldact = a.get(2);
        if (a.get(3) != SIGSET_SIZE) throw Errno.EINVAL.fail();
        checkSignal(sig);
        ThreadSignals s = t.signals;
        SigAction next = act != 0 ? SigAction.decode(t.process.memory().read(act, SigAction.SIZE)) : null;
        if (next != null && (sig == Signal.SIGKILL || sig == Signal.SIGSTOP)) throw Errno.EINVAL.fail();
        if (oldact != 0) t.process.memory().write(oldact, s.action(sig).encode());
        if (next != null) {
            s.setAction(sig, new SigAction(next.handler(), next.flags(), next.restorer(), next.mask() & ~Signal.UNBLOCKABLE));
        }
        return 0;
    }

    private long sigprocmask(GuestThread t, SyscallArgs a) {
        int how = a.i32(0);
        long set = a.get(1), oldset = a.get(2);
        if (a.get(3) != SIGSET_SIZE) throw Errno.EINVAL.fail();
        ThreadSignals s = t.signals;
        long old = s.blocked();
        long mask = old;
        if (set != 0) {
            long value = t.process.memory().readLong(set);
            mask = switch (how) {
                case SIG_BLOCK -> old | value;
                case SIG_UNBLOCK -> old & ~value;
                case SIG_SETMASK -> value;
                default -> throw Errno.EINVAL.fail();
            };
        }
        if (oldset != 0) t.process.memory().writeLong(oldset, old);
        s.setBlocked(mask);
        return 0;
    }

    private long sigreturn(GuestThread t, SyscallArgs a) {
        SignalFrame.Restored r;
        try {
            r = SignalFrame.pop(t.cpu, t.process.memory());
        } catch (RuntimeException e) {
            t.process.killedBy(Signal.SIGSEGV, -1);
            return 0;
        }
        t.signals.setBlocked(r.mask());
        // The dispatcher writes our result to RAX: hand back the restored value so it stays intact.
        return t.cpu.get(dev.jlibos.core.cpu.Reg.RAX);
    }

    private long sigaltstack(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        long ss = a.get(0), oldss = a.get(1);
        long sp = t.cpu.get(dev.jlibos.core.cpu.Reg.RSP);
        byte[] next = ss != 0 ? m.read(ss, 24) : null;
        if (oldss != 0) m.write(oldss, t.signals.altStack(sp));
        if (next != null) t.signals.setAltStack(next, sp);
        return 0;
    }

    private long sigsuspend(GuestThread t, SyscallArgs a) {
        if (a.get(1) != SIGSET_SIZE) throw Errno.EINVAL.fail();
        return InterruptibleSleep.suspend(t, t.process.memory().readLong(a.get(0)) & ~Signal.UNBLOCKABLE);
    }

    private long kill(GuestThread t, SyscallArgs a) {
        int pid = a.i32(0), sig = a.i32(1);
        if (sig != 0) checkSignal(sig);
        GuestProcess self = t.process;
        SignalSender.kill(self, pid, SigInfo.fromProcess(sig, SigInfo.SI_USER, self.pid, self.credentials.ruid),
                t.kernel().processes());
        return 0;
    }

    private static final int PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;

    /**
     * pidfd_send_signal(pidfd, sig, info, flags): as kill(2) to the pidfd's process (PIDFD_SIGNAL_THREAD:
     * to its leader thread, as tgkill; PIDFD_SIGNAL_PROCESS_GROUP: to the group it leads). A caller's
     * siginfo must name the same signal, and only a process's own threads may give one that claims to
     * come from the kernel or from kill (si_code &gt;= 0 or SI_TKILL). A zombie can be signalled, with no
     * effect; a reaped process is ESRCH.
     */
    private long pidfdSendSignal(GuestThread t, SyscallArgs a) {
        long flags = a.get(3) & 0xffffffffL;
        if ((flags & ~(long) (PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP)) != 0
                || Long.bitCount(flags) > 1) {
            throw Errno.EINVAL.fail();
        }
        if (!(t.process.files.get(a.i32(0)) instanceof dev.jlibos.vfs.event.PidFd pidfd)) throw Errno.EBADF.fail();
        GuestProcess target = (GuestProcess) pidfd.target();
        int sig = a.i32(1);
        GuestProcess self = t.process;
        byte[] info;
        if (a.get(2) != 0) {
            info = self.memory().read(a.get(2), SigInfo.SIZE);
            if (SigInfo.signo(info) != sig) throw Errno.EINVAL.fail();
            int code = SigInfo.code(info);
            if ((t.tid() != target.pid || flags == PIDFD_SIGNAL_PROCESS_GROUP) && (code >= 0 || code == SigInfo.SI_TKILL)) {
                throw Errno.EPERM.fail();
            }
        } else {
            info = SigInfo.fromProcess(sig, flags == PIDFD_SIGNAL_THREAD ? SigInfo.SI_TKILL : SigInfo.SI_USER, self.pid,
                    self.credentials.ruid);
        }
        if (flags == PIDFD_SIGNAL_PROCESS_GROUP) return signalGroup(t, target.pid, sig, info);
        if (target.reaped()) throw Errno.ESRCH.fail();
        signalOne(t, target, sig, info, flags == PIDFD_SIGNAL_THREAD);
        return 0;
    }

    /** group_send_sig_info: the signal's validity, the sender's right (check_kill_permission), then delivery. */
    private static void signalOne(GuestThread t, GuestProcess target, int sig, byte[] info, boolean leaderThread) {
        if (sig != 0) checkSignal(sig);
        if (SigInfo.code(info) <= 0 && !mayKill(t, target, sig)) throw Errno.EPERM.fail();
        if (sig == 0 || target.exited()) return;
        if (leaderThread) {
            for (var th : target.threads) {
                if (th.tid() == target.pid && !th.exiting()) {
                    SignalSender.sendToThread(th, info);
                    return;
                }
            }
            return; // the leader thread has ended while others run: Linux queues to the zombie leader
        }
        SignalSender.send(target, info);
    }

    /** kill_pgrp_info: every process of group {@code pgid}; ESRCH if none, else the last error if none took it. */
    private static long signalGroup(GuestThread t, int pgid, int sig, byte[] info) {
        dev.jlibos.core.LinuxException last = null;
        boolean any = false, delivered = false;
        for (GuestProcess p : t.kernel().processes()) {
            if (p.pgid() != pgid) continue;
            any = true;
            try {
                signalOne(t, p, sig, info, false);
                delivered = true;
            } catch (dev.jlibos.core.LinuxException e) {
                last = e;
            }
        }
        if (!any) throw Errno.ESRCH.fail();
        if (!delivered) throw last;
        return 0;
    }

    /**
     * kill_ok_by_cred: the sender's real or effective uid is the target's real or saved one, or it has
     * CAP_KILL; SIGCONT may also go to a process of the sender's session.
     */
    private static boolean mayKill(GuestThread t, GuestProcess target, int sig) {
        if (target == t.process) return true;
        var c = t.process.credentials;
        var tc = target.credentials;
        if (c.euid == tc.suid || c.euid == tc.ruid || c.ruid == tc.suid || c.ruid == tc.ruid
                || c.capable(dev.jlibos.core.abi.Capability.CAP_KILL)) {
            return true;
        }
        return sig == Signal.SIGCONT && target.sid() == t.process.sid();
    }

    /** tgkill(tgid, tid, sig), and tkill(tid, sig) with {@code tgid} -1; {@code info} null builds SI_TKILL. */
    private long threadKill(GuestThread t, int tgid, int tid, int sig, byte[] info) {
        if (tid <= 0 || (tgid <= 0 && tgid != -1)) throw Errno.EINVAL.fail();
        if (sig != 0) checkSignal(sig);
        var target = SignalSender.findThread(t.kernel().processes(), tgid, tid);
        if (sig == 0) return 0;
        GuestProcess self = t.process;
        SignalSender.sendToThread(target, info != null ? info : SigInfo.fromProcess(sig, SigInfo.SI_TKILL, self.pid, self.credentials.ruid));
        return 0;
    }

    private long queueInfo(GuestThread t, int pid, int sig, long infoAddress) {
        checkSignal(sig);
        byte[] info = t.process.memory().read(infoAddress, SigInfo.SIZE);
        if (pid != t.process.pid) throw Errno.ESRCH.fail();
        Longs.put(info, 0, sig, 4); // the kernel trusts the signal argument, not si_signo
        SignalSender.post(t.process, info, true);
        return 0;
    }

    /** rt_tgsigqueueinfo(tgid, tid, sig, info): the caller's siginfo, to one thread of this process. */
    private long tgQueueInfo(GuestThread t, SyscallArgs a) {
        int tgid = a.i32(0), tid = a.i32(1), sig = a.i32(2);
        checkSignal(sig);
        byte[] info = t.process.memory().read(a.get(3), SigInfo.SIZE);
        if (tgid != t.process.pid) throw Errno.ESRCH.fail();
        Longs.put(info, 0, sig, 4);
        return threadKill(t, tgid, tid, sig, info);
    }

    private long sigtimedwait(GuestThread t, SyscallArgs a) {
        if (a.get(3) != SIGSET_SIZE) throw Errno.EINVAL.fail();
        long wanted = t.process.memory().readLong(a.get(0)) & ~Signal.UNBLOCKABLE;
        long timeout = a.get(2) == 0 ? Long.MAX_VALUE : Timespec.read(t.process.memory(), a.get(2));
        byte[] info = InterruptibleSleep.awaitSignal(t, wanted, timeout);
        if (a.get(1) != 0) t.process.memory().write(a.get(1), info);
        return SigInfo.signo(info);
    }

    private long alarm(GuestThread t, SyscallArgs a) {
        long seconds = a.get(0) & 0xffffffffL;
        long[] old = t.process.timers().real().set(t.process, seconds * SECOND, 0);
        // alarm(2) reports whole seconds, rounding a partial second up.
        return (old[0] + SECOND - 1) / SECOND;
    }

    private long setitimer(GuestThread t, SyscallArgs a) {
        int which = a.i32(0);
        if (which != ITIMER_REAL) {
            if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
                t.kernel().log().once("setitimer: ITIMER_VIRTUAL/ITIMER_PROF are not supported (EINVAL)");
            }
            throw Errno.EINVAL.fail();
        }
        AddressSpace m = t.process.memory();
        long interval = 0, value = 0;
        if (a.get(1) != 0) {
            interval = Timespec.readTimeval(m, a.get(1));
            value = Timespec.readTimeval(m, a.get(1) + 16);
        }
        long[] old = t.process.timers().real().set(t.process, value, interval);
        if (a.get(2) != 0) Timespec.writeItimerval(m, a.get(2), old);
        return 0;
    }

    private long getitimer(GuestThread t, SyscallArgs a) {
        if (a.i32(0) != ITIMER_REAL) throw Errno.EINVAL.fail();
        Timespec.writeItimerval(t.process.memory(), a.get(1), t.process.timers().real().get());
        return 0;
    }
}
