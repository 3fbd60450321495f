package dev.jlibos.signals;

import dev.jlibos.core.Blocking;
import dev.jlibos.core.mem.Longs;

/**
 * Job control: stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) with their default action stop the
 * whole process, SIGCONT resumes it, and the parent learns of both (SIGCHLD with CLD_STOPPED or
 * CLD_CONTINUED, wait4 with WUNTRACED/WCONTINUED, waitid with WSTOPPED/WCONTINUED).
 *
 * <p>As in Linux's prepare_signal, the side effects happen when the signal is <em>generated</em>:
 * SIGCONT resumes a stopped process and discards its pending stop signals even if SIGCONT itself is
 * blocked or ignored, and a stop signal discards a pending SIGCONT. A stop signal that some thread
 * can take and whose action is the default stops the process at once (like the fatal-signal
 * shortcut); a blocked one stays pending and stops the process when it is delivered.
 *
 * <p>A stopped thread parks in {@link #park} with the execution lock released (see core's Blocking):
 * threads running guest code park at their next block boundary (their engines are asked to stop),
 * a thread in a syscall parks on its way back to user mode, and one blocked in a wait stays there
 * and parks when the wait ends. SIGKILL ends a stopped process: {@link SignalProcess#killedBy} interrupts
 * every thread, and the park loop sees the process exiting.
 */
public final class JobControl {
    private static final long STOP_SIGNALS = Signal.bit(Signal.SIGSTOP) | Signal.bit(Signal.SIGTSTP)
            | Signal.bit(Signal.SIGTTIN) | Signal.bit(Signal.SIGTTOU);
    /** si_code of SIGCHLD and waitid for a stopped and a continued child. */
    public static final int CLD_STOPPED = 5, CLD_CONTINUED = 6;

    private JobControl() {
    }

    public static boolean isStopSignal(int sig) {
        return sig > 0 && sig < 64 && (Signal.bit(sig) & STOP_SIGNALS) != 0;
    }

    /**
     * The generation-time side effects of {@code sig} sent to {@code target}; true if the signal was
     * consumed (a default stop that stopped the process) and must not be queued.
     * {@code canTake}: whether the receiving thread (or some thread, for a process-directed signal)
     * does not block it.
     */
    static boolean onGenerate(SignalProcess target, int sig, boolean canTake) {
        if (sig == Signal.SIGCONT) {
            target.signals().discardPending(STOP_SIGNALS);
            resume(target);
            return false;
        }
        if (!isStopSignal(sig)) return false;
        target.signals().discardPending(Signal.bit(Signal.SIGCONT));
        // A traced process's stop signal is delivered, so that the tracer sees it first (ptrace).
        if (!canTake || target.signals().action(sig).handler() != SigAction.SIG_DFL || target.traced()) return false;
        stop(target, sig);
        return true;
    }

    /** Stops every thread of {@code p} (a default stop signal taken): they park at their next boundary. */
    static void stop(SignalProcess p, int sig) {
        if (p.exited()) return;
        if (!p.job().stop(sig)) return;
        for (SignalThread t : p.threads()) {
            // Only engines running guest code need stopping; a thread in a wait parks when it ends. A traced
            // one is woken from its wait, which starts again after the group-stop its tracer is told of.
            if (t.hostThread() == Thread.currentThread()) continue;
            if (t.traced()) t.interrupt();
            else t.cpu().requestStop();
        }
        notifyParent(p, CLD_STOPPED, sig);
    }

    /** SIGCONT: a stopped process goes on; its parent is told (CLD_CONTINUED). */
    static void resume(SignalProcess p) {
        if (!p.job().resume()) return;
        notifyParent(p, CLD_CONTINUED, Signal.SIGCONT);
    }

    /**
     * Parks the calling thread while its process is stopped, without the execution lock. Interruptible:
     * it returns when the process is continued or is exiting (SIGKILL) or the thread is ending.
     */
    public static void park(SignalThread t) {
        SignalProcess p = t.process();
        JobState job = p.job();
        while (job.stopped() && !p.exited() && !t.exiting()) {
            if (t.traced()) { // ptrace: a group-stop the tracer is told of, and which it ends
                t.traceGroupStop(job.stopSignal());
                return;
            }
            try {
                Blocking.run(() -> {
                    job.awaitContinued(() -> p.exited() || t.exiting() || t.traced());
                    return null;
                });
            } catch (InterruptedException e) {
                // kill() interrupts the host thread: re-check whether we are continued or dying.
            }
        }
    }

    /**
     * do_notify_parent_cldstop: SIGCHLD with CLD_STOPPED/CLD_CONTINUED, unless the parent set
     * SA_NOCLDSTOP; the parent's wait4/waitid is woken either way.
     */
    private static void notifyParent(SignalProcess child, int code, int status) {
        SignalProcess parent = child.parentProcess();
        if (parent == null || parent.exited()) return;
        SigAction chld = parent.signals().action(Signal.SIGCHLD);
        if (!chld.has(SigAction.SA_NOCLDSTOP)) {
            byte[] info = SigInfo.fromProcess(Signal.SIGCHLD, code, child.pid(), child.ruid());
            Longs.put(info, 24, status, 4);
            parent.signals().post(info);
            // As for an exit (Kernel.finish): interrupt the parent's user code only when a handler runs.
            if (!parent.signals().ignored(Signal.SIGCHLD)) {
                for (SignalThread t : parent.threads()) t.cpu().requestStop();
            }
        }
        parent.signals().wake();
    }
}
