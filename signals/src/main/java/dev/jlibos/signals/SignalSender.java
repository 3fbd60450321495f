package dev.jlibos.signals;

import dev.jlibos.core.Errno;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
        // An ignored signal (SIG_IGN, or a default action of ignoring, SIGCONT's too once it has continued the
        // process) is dropped when generated and wakes nobody: a wait it would interrupt goes on (sig_ignored).
        if (chosen != null && target.signals().dropsWhenGenerated(sig)) return;
        target.signals().post(info);
        if (chosen == null) return; // pending until some thread unblocks it
        if (wakeWaits) chosen.interrupt(); else chosen.cpu().requestStop();
    }

    private static boolean fatal(SignalState s, int sig) {
        // A traced process's tracer sees the signal at its delivery stop first, and may suppress it.
        return sig == Signal.SIGKILL || !s.traced() && (s.action(sig).handler() == SigAction.SIG_DFL
                && (Signal.defaultAction(sig) == Signal.DefaultAction.TERMINATE
                    || Signal.defaultAction(sig) == Signal.DefaultAction.CORE));
    }

    /**
     * kill(2) from {@code sender} among a machine's {@code processes} (zombies included): pid &gt; 0 names one
     * process, 0 the sender's group, -1 every process but the sender, below -1 group -pid. Signal 0 only
     * checks that a target exists. ESRCH when none does; a zombie can be signalled, with no effect.
     */
    public static void kill(SignalProcess sender, int pid, byte[] info, Collection<? extends SignalProcess> processes) {
        List<SignalProcess> targets = new ArrayList<>();
        boolean zombie = false;
        for (SignalProcess p : processes) {
            boolean chosen = pid > 0 ? p.pid() == pid
                    : pid == 0 ? p.pgid() == sender.pgid()
                    : pid == -1 ? p != sender
                    : p.pgid() == -pid;
            if (!chosen) continue;
            if (!p.exited()) targets.add(p);
            else if (pid > 0) zombie = true;
        }
        if (pid == -1 && targets.isEmpty()) return;
        if (targets.isEmpty()) {
            if (zombie) return;
            throw Errno.ESRCH.fail();
        }
        if (SigInfo.signo(info) == 0) return;
        for (SignalProcess p : targets) send(p, info);
    }

    /** A live thread by tid (in process {@code tgid} unless it is -1), across {@code processes}; ESRCH if none. */
    public static SignalThread findThread(Collection<? extends SignalProcess> processes, int tgid, int tid) {
        for (SignalProcess p : processes) {
            if (p.exited() || (tgid != -1 && p.pid() != tgid)) continue;
            for (SignalThread th : p.threads()) {
                if (th.tid() == tid && !th.exiting()) return th;
            }
        }
        throw Errno.ESRCH.fail();
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
        if (!blocked && p.signals().dropsWhenGenerated(sig)) return; // dropped, wakes nobody (sig_ignored)
        target.signals().post(info);
        // The sender itself takes it on its way back from this syscall; others are stopped and woken.
        if (!blocked && target.hostThread() != Thread.currentThread()) target.interrupt();
    }
}
