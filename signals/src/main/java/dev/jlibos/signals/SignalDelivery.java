package dev.jlibos.signals;

import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.Reg;

import java.util.function.LongPredicate;

/**
 * Delivers signals the way Linux does on the way back to user mode: after every syscall, after an
 * asynchronous interruption of the CPU, and synchronously for CPU faults.
 */
public final class SignalDelivery implements SignalHooks {
    /** Whether an address lies in the kml-shim's entry page (a wild jump there faults as unmapped). */
    private final LongPredicate shimEntryPage;

    public SignalDelivery(LongPredicate shimEntryPage) {
        this.shimEntryPage = shimEntryPage;
    }

    @Override
    public void afterSyscall(SignalThread thread) {
        deliverPending(thread);
    }

    @Override
    public void onInterrupted(SignalThread thread) {
        deliverPending(thread);
    }

    /** Delivers every pending unblocked signal; each handler frame nests on the previous one. */
    public static void deliverPending(SignalThread thread) {
        SignalProcess p = thread.process();
        ThreadSignals s = thread.signals();
        if (p.job().stopped()) JobControl.park(thread); // a volatile read: the return path stays lock-free
        thread.traceCheckpoint(); // after the park: a tracee seized while stopped reports that stop first
        if (!s.anyPending()) return;
        byte[] info;
        while (!p.exited() && (info = s.take(s.blocked())) != null) {
            if (thread.traced() && (info = thread.traceSignal(info)) == null) continue; // ptrace: suppressed
            deliver(thread, info, s.blocked(), -1, 0);
            if (p.job().stopped()) JobControl.park(thread);
        }
    }

    /**
     * Delivers one signal whose handler runs with {@code savedMask} restored afterwards; true if a
     * handler frame was pushed. {@code faultAddress} is -1 for signals that are not CPU faults.
     */
    public static boolean deliver(SignalThread thread, byte[] info, long savedMask, long faultAddress, int trapno) {
        SignalProcess p = thread.process();
        ThreadSignals s = thread.signals();
        int sig = SigInfo.signo(info);
        // A thread of a stopped process that took a signal in a wait (sigsuspend) acts on it only once
        // continued, as Linux's get_signal stops before dequeuing.
        if (p.job().stopped()) JobControl.park(thread);
        if (p.exited()) return false;
        SigAction action = s.action(sig);
        if (action.handler() == SigAction.SIG_IGN) return false;
        if (action.handler() == SigAction.SIG_DFL) {
            applyDefault(thread, sig, faultAddress);
            return false;
        }
        long sp = thread.cpu().get(Reg.RSP);
        boolean switchStack = action.has(SigAction.SA_ONSTACK) && s.altFlags != SignalState.SS_DISABLE && !s.onAltStack(sp);
        long frameTop = switchStack ? s.altBase + s.altSize : sp - SignalFrame.RED_ZONE;
        int altFlags = s.altFlags == SignalState.SS_DISABLE ? SignalState.SS_DISABLE
                : (s.onAltStack(sp) ? SignalState.SS_ONSTACK : 0);
        try {
            SignalFrame.push(thread.cpu(), p.memory(), frameTop, sig, info, action.handler(), action.restorer(), savedMask,
                    s.altBase, s.altSize, altFlags, Math.max(0, faultAddress), trapno);
        } catch (LinuxException e) {
            // No room for the frame: Linux forces SIGSEGV, which kills.
            p.killedBy(Signal.SIGSEGV, -1);
            return false;
        }
        long mask = savedMask | action.mask();
        if (!action.has(SigAction.SA_NODEFER)) mask |= Signal.bit(sig);
        s.setBlocked(mask);
        if (action.has(SigAction.SA_RESETHAND)) s.setAction(sig, SigAction.DEFAULT);
        return true;
    }

    private static void applyDefault(SignalThread thread, int sig, long faultAddress) {
        switch (Signal.defaultAction(sig)) {
            case TERMINATE, CORE -> thread.process().killedBy(sig, faultAddress);
            case IGNORE, CONTINUE -> { }
            case STOP -> JobControl.stop(thread.process(), sig); // the caller parks the thread
        }
    }

    /**
     * A fault is delivered at once with the faulting instruction as the saved RIP, so returning from
     * the handler retries it. A blocked, ignored or defaulted fault signal kills (force_sig_fault).
     * The kernel logs engine errors before handing the fault here.
     */
    @Override
    public void onFault(SignalThread thread, CpuExit fault) {
        FaultSignals f = FaultSignals.of(fault, shimEntryPage, thread.process().memory()::pastEndOfFile);
        ThreadSignals s = thread.signals();
        byte[] info = SigInfo.fault(f.signal(), f.code(), f.address());
        if (thread.traced()) {
            // The tracer sees the fault's signal at its delivery stop first, and may suppress it (a
            // debugger's breakpoint or single step) or hand over another, which is then an ordinary signal.
            info = thread.traceSignal(info);
            if (info == null || thread.process().exited()) return;
            if (SigInfo.signo(info) != f.signal()) {
                if ((s.blocked() & Signal.bit(SigInfo.signo(info))) != 0) s.post(info);
                else deliver(thread, info, s.blocked(), -1, 0);
                return;
            }
        }
        SigAction action = s.action(f.signal());
        boolean blocked = (s.blocked() & Signal.bit(f.signal())) != 0;
        if (blocked || action.handler() == SigAction.SIG_IGN || action.handler() == SigAction.SIG_DFL) {
            thread.process().killedBy(f.signal(), f.address());
            return;
        }
        deliver(thread, info, s.blocked(), f.address(), fault.vector());
    }
}
