package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.process.Tracee;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;

/**
 * The stops a traced thread makes in the syscall path (Linux's syscall_trace_enter/exit and the events
 * of fork and exec), on the tracee's own thread while its engine waits in the syscall hook.
 */
final class PtraceStops {
    /** The entry's verdict when the call runs; any other value is its result (the tracer cancelled it). */
    static final long RUN = Long.MIN_VALUE;
    /** Linux's internal "restart the call" code, which a tracer sees at the exit stop. */
    private static final long ERESTARTSYS = 512;
    private static final long TRAP_FLAG = 0x100;
    private static final int TRAP_BRKPT = 1;

    private PtraceStops() {
    }

    /**
     * Syscall-entry-stop (under PTRACE_SYSCALL): RAX reads -ENOSYS and orig_rax the number, as on Linux; the
     * tracer may change the number and arguments, and a number of -1 skips the call with RAX as its result.
     * Under PTRACE_SYSEMU the same stop is made and the call never runs: RAX as the tracer left it is its
     * result (decided when the call entered, as Linux reads the flag before the stop, whatever the
     * tracer resumes with).
     */
    static long entry(GuestThread thread, Tracee tr, SyscallArgs args) {
        if (tr.detached()) return RUN;
        tr.syscallEntered();
        tr.origRax(args.registers()[0]);
        long verdict = RUN;
        boolean emulated = tr.emulatesSyscalls();
        if (tr.syscallStops() || emulated) {
            var cpu = thread.cpu;
            cpu.set(Reg.RAX, Errno.ENOSYS.negated());
            tr.syscallStop(true);
            if (thread.process.exited()) return Errno.ENOSYS.negated();
            long rax = cpu.get(Reg.RAX);
            cpu.set(Reg.RAX, tr.origRax());
            args.readFrom(cpu);
            if (emulated || tr.origRax() == -1) verdict = rax;
        }
        // PTRACE_EVENT_EXIT comes when the thread ends (Tracee.exitEvent), after seccomp's verdict and the call.
        if (verdict == RUN && args.number() == Sysno.EXIT) tr.exitCalled(args.i32(0));
        return verdict;
    }

    /**
     * After the call: the fork or exec event it owes the tracer, then the syscall-exit-stop (under
     * PTRACE_SYSCALL), where the tracer may change the result in RAX. Returns the result.
     */
    static long exit(GuestThread thread, Tracee tr, int number, long result, boolean replacedImage, boolean restartable) {
        if (tr.detached() || thread.process.exited() || thread.exiting()) return result;
        if (number == Sysno.RT_SIGRETURN) tr.origRax(-1); // restore_sigcontext: the restored context is in no call
        if (result == Errno.EINTR.negated() && (tr.interruptRequested() || thread.process.job().stopped())) {
            // PTRACE_INTERRUPT, or a group-stop its tracer must hear of, woke a blocking call: the tracee
            // traps (the group-stop on the way back to user mode), then the call starts again unless a
            // signal is to be delivered (Linux's -ERESTARTSYS when no handler runs).
            tr.checkpoint();
            if (!thread.process.exited() && !thread.signals.hasDeliverable(thread.signals.blocked())) {
                thread.cpu.set(Reg.RIP, thread.cpu.get(Reg.RIP) - 2);
                return number;
            }
        }
        int fork = tr.takeForkEvent();
        if (fork != 0 && result > 0) tr.eventStop(fork, tr.forkChild());
        if (replacedImage && result == 0) {
            tr.clearDebugRegisters();
            if (tr.has(Tracee.O_TRACEEXEC)) tr.eventStop(Tracee.EVENT_EXEC, thread.tid());
            else if (!tr.seized) thread.signals.post(SigInfo.basic(Signal.SIGTRAP, SigInfo.SI_USER)); // legacy exec SIGTRAP
        }
        if (tr.stepping() && tr.emulatesSyscalls() && !thread.process.exited()) {
            // PTRACE_SYSEMU_SINGLESTEP: the entry stop was the step's report (report_single_step says no
            // more); the instruction after the call runs alone, then traps. The syscall instruction's
            // own #DB is not the step's.
            thread.cpu.set(Reg.EFLAGS, thread.cpu.get(Reg.EFLAGS) & ~TRAP_FLAG);
            thread.cpu.requestStop();
            return result;
        }
        if (tr.stepping() && !thread.process.exited()) {
            // PTRACE_SINGLESTEP over a syscall instruction traps at the call's exit (user_single_step_report):
            // SIGTRAP with TRAP_BRKPT at the next instruction. The trap flag goes now, so no #DB follows.
            tr.stepEnded();
            thread.cpu.set(Reg.EFLAGS, thread.cpu.get(Reg.EFLAGS) & ~TRAP_FLAG);
            thread.signals.post(SigInfo.fault(Signal.SIGTRAP, TRAP_BRKPT, thread.cpu.get(Reg.RIP)));
            return result;
        }
        if (!tr.syscallStops() || thread.process.exited()) return result;
        // A restartable call a signal interrupted reads -ERESTARTSYS at its exit stop, as on Linux (strace
        // prints "= ? ERESTARTSYS"); left so by the tracer, the dispatcher's restart step decides as usual.
        boolean interrupted = result == Errno.EINTR.negated() && restartable
                && thread.signals.hasDeliverable(thread.signals.blocked());
        long shown = interrupted ? -ERESTARTSYS : result;
        thread.cpu.set(Reg.RAX, shown);
        tr.syscallStop(false);
        long after = thread.cpu.get(Reg.RAX);
        return after == shown ? result : after;
    }
}
