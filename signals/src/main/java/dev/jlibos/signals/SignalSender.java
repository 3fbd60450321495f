package dev.jlibos.signals;

/**
 * Generating signals: kill and timers (process-directed), tgkill and SIGEV_THREAD_ID timers
 * (thread-directed), and the kernel's own (SIGCHLD, SIGXCPU, PR_SET_PDEATHSIG). Generation applies job
 * control's side effects, the fatal-signal shortcut, and wakes a thread that can take the signal.
 */
public final class SignalSender {
    private SignalSender() {
    }

    /**
     * Sends a process-directed signal (kill, timers, PR_SET_PDEATHSIG) and interrupts a thread that does
     * not block it, so it is delivered even mid-computation or in a wait.
     */
    public static void send(SignalProcess target, byte[] info) {
        post(target, info, true);
    }

    /**
     * Posts a process-directed signal. As Linux's complete_signal, the first thread (oldest first, the
     * leader before the others) that does not block it is chosen to take it; a default-fatal signal
     * kills the whole process at once, even in a wait. {@code wakeWaits}: also interrupt the chosen
     * thread's host thread (a wait then fails with EINTR or restarts), not only its engine.
     */
    public static void post(SignalProcess target, byte[] info, boolean wakeWaits) {
        int sig = SigInfo.signo(info);
        SignalThread chosen = null;
        for (SignalThread th : target.threads()) {
            if (sig == Signal.SIGKILL || (th.signals().blocked() & Signal.bit(sig)) == 0) {
                chosen = th;
                break;
            }
        }
        if (JobControl.onGenerate(target, sig, chosen != null)) return;
        if (target.job().stopped() && sig != Signal.SIGKILL) {
            // No thread of a stopped process wants a signal (wants_signal): it waits for SIGCONT.
            target.signals().post(info);
            return;
        }
        if (chosen != null && fatal(target.signals(), sig)) {
            // Like Linux's fatal-signal shortcut: the process dies even if it is blocked in a wait.
            target.killedBy(sig, -1);
            return;
        }
        target.signals().post(info);
        if (chosen == null) return; // pending until some thread unblocks it
        if (wakeWaits) chosen.interrupt(); else chosen.cpu().requestStop();
    }

    private static boolean fatal(SignalState s, int sig) {
        return sig == Signal.SIGKILL || (s.action(sig).handler() == SigAction.SIG_DFL
                && (Signal.defaultAction(sig) == Signal.DefaultAction.TERMINATE
                    || Signal.defaultAction(sig) == Signal.DefaultAction.CORE));
    }

    /** Sends a thread-directed signal (tgkill, tkill): only {@code target} may take it. */
    public static void sendToThread(SignalThread target, byte[] info) {
        int sig = SigInfo.signo(info);
        SignalProcess p = target.process();
        boolean blocked = sig != Signal.SIGKILL && (target.signals().blocked() & Signal.bit(sig)) != 0;
        if (JobControl.onGenerate(p, sig, !blocked)) return;
        if (p.job().stopped() && sig != Signal.SIGKILL) {
            target.signals().post(info); // delivered once the process is continued
            return;
        }
        if (!blocked && fatal(p.signals(), sig)) {
            p.killedBy(sig, -1); // fatal to the whole group
            return;
        }
        target.signals().post(info);
        // The sender itself takes it on its way back from this syscall; others are stopped and woken.
        if (!blocked && target.hostThread() != Thread.currentThread()) target.interrupt();
    }
}
