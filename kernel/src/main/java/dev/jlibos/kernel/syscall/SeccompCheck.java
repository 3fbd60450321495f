package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Seccomp;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.seccomp.SeccompFilter;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.process.Tracee;
import dev.jlibos.signals.SigAction;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;

/**
 * Seccomp at syscall entry, before anything else serves the call (Linux's __secure_computing): strict
 * mode's four calls, or the verdict of the thread's filter stack, acted on.
 */
final class SeccompCheck {
    /** The verdict that lets the call run; any other value is the call's result, the call skipped. */
    static final long RUN = Long.MIN_VALUE;
    /** MAX_ERRNO: SECCOMP_RET_ERRNO's data is capped there. */
    private static final int MAX_ERRNO = 4095;

    private SeccompCheck() {
    }

    /** RUN, or the result of a call the thread's seccomp mode does not let run. */
    static long check(GuestThread thread, SyscallArgs args) {
        return switch (thread.seccomp.mode()) {
            case Seccomp.MODE_DISABLED -> RUN;
            case Seccomp.MODE_STRICT -> strict(thread, args.number());
            default -> filtered(thread, args);
        };
    }

    /** Strict mode: read, write, exit and rt_sigreturn; anything else ends the thread with SIGKILL. */
    private static long strict(GuestThread thread, int number) {
        if (number == Sysno.READ || number == Sysno.WRITE || number == Sysno.EXIT || number == Sysno.RT_SIGRETURN) return RUN;
        killThread(thread, Signal.SIGKILL);
        return Errno.ENOSYS.negated();
    }

    /** The filter stack's verdict ({@link SeccompFilter#verdict}), acted on. */
    private static long filtered(GuestThread thread, SyscallArgs args) {
        return filtered(thread, args, false);
    }

    /** {@code afterTrace}: the recheck after a tracer's PTRACE_EVENT_SECCOMP stop, where TRACE lets the call run. */
    private static long filtered(GuestThread thread, SyscallArgs args, boolean afterTrace) {
        int verdict = thread.seccomp.filters().verdict(SeccompFilter.data(args.registers(), thread.cpu.get(Reg.RIP)));
        int value = verdict & Seccomp.RET_DATA;
        return switch (verdict & Seccomp.RET_ACTION_FULL) {
            case Seccomp.RET_ALLOW, Seccomp.RET_LOG -> RUN;
            case Seccomp.RET_ERRNO -> -Math.min(value, MAX_ERRNO);
            case Seccomp.RET_TRAP -> trap(thread, args, value);
            case Seccomp.RET_TRACE -> afterTrace ? RUN : trace(thread, args, value);
            // No listener fd is ever created: Linux's answer without one.
            case Seccomp.RET_USER_NOTIF -> Errno.ENOSYS.negated();
            case Seccomp.RET_KILL_THREAD -> {
                killThread(thread, Signal.SIGSYS);
                yield Errno.ENOSYS.negated();
            }
            default -> { // KILL_PROCESS, and any action Linux does not know
                thread.process.killedBy(Signal.SIGSYS, -1);
                yield Errno.ENOSYS.negated();
            }
        };
    }

    /**
     * SECCOMP_RET_TRACE: ENOSYS unless a tracer asked for PTRACE_O_TRACESECCOMP; then PTRACE_EVENT_SECCOMP
     * with the filter's data as the event message, RAX -ENOSYS as at entry. The tracer may change the call
     * (orig_rax and the arguments, seen again by the filters, where TRACE now lets it run) or skip it
     * (orig_rax -1: RAX is its result), as Linux's __seccomp_filter does.
     */
    private static long trace(GuestThread thread, SyscallArgs args, int data) {
        Tracee tr = thread.tracee;
        if (tr == null || tr.detached() || !tr.has(Tracee.O_TRACESECCOMP)) return Errno.ENOSYS.negated();
        var cpu = thread.cpu;
        tr.origRax(args.registers()[0]);
        cpu.set(Reg.RAX, Errno.ENOSYS.negated());
        tr.seccompStop(data);
        long rax = cpu.get(Reg.RAX);
        if (thread.process.exited() || thread.exiting()) return Errno.ENOSYS.negated(); // dying: the call is skipped
        long number = tr.origRax();
        cpu.set(Reg.RAX, number);
        args.readFrom(cpu);
        if (number < 0) return rax;
        return filtered(thread, args, true);
    }

    /**
     * SECCOMP_RET_TRAP: the call is skipped and SIGSYS is forced on the thread. The handler sees RAX as it
     * was at entry (the call's number), which is also what the call returns if the handler leaves it. A
     * blocked, ignored or defaulted SIGSYS kills (force_sig_seccomp).
     */
    private static long trap(GuestThread thread, SyscallArgs args, int value) {
        long number = args.registers()[0];
        var signals = thread.signals;
        long handler = signals.action(Signal.SIGSYS).handler();
        boolean blocked = (signals.blocked() & Signal.bit(Signal.SIGSYS)) != 0;
        if (blocked || handler == SigAction.SIG_IGN || handler == SigAction.SIG_DFL) {
            thread.process.killedBy(Signal.SIGSYS, -1);
            return number;
        }
        signals.post(SigInfo.seccompTrap(Seccomp.SYS_SECCOMP, value, thread.cpu.get(Reg.RIP), (int) number,
                Seccomp.AUDIT_ARCH_X86_64));
        return number;
    }

    /**
     * Linux's do_exit(sig) on the calling thread alone: the other threads go on (and the last of them to
     * exit gives the process its status, as on Linux); the process's last thread takes the process with it.
     */
    private static void killThread(GuestThread thread, int sig) {
        GuestProcess p = thread.process;
        if (p.threads.size() == 1) {
            p.killedBy(sig, -1);
            return;
        }
        thread.exitThread();
    }
}
