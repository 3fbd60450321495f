package dev.jlibos.signals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The signal state a process's threads share (Linux's sighand_struct and signal_struct): dispositions
 * and the process-directed pending set (kill, timers, SIGCHLD). Each thread's mask, private pending set
 * and alternate stack are in its {@link ThreadSignals}. This object's monitor guards both, so a thread
 * waiting for a signal wakes whichever set it arrives in.
 *
 * <p>Standard signals coalesce: a second instance while one is pending is dropped. Real-time signals
 * queue, each with its own siginfo.
 */
public final class SignalState implements dev.jlibos.vfs.event.NotifiedMonitor {
    /**
     * Deterministic mode: told, with this monitor held, whenever threads sleeping on it are notified (null
     * otherwise); the kernel queues their next turns at that point.
     */
    private volatile Runnable wakeHook;

    public void onNotified(Runnable hook) {
        wakeHook = hook;
    }

    /** Called with this monitor held after every notifyAll on it. */
    @Override
    public void notified() {
        Runnable h = wakeHook;
        if (h != null) h.run();
    }

    public static final int SS_ONSTACK = 1, SS_DISABLE = 2;
    public static final long SS_AUTODISARM = 1L << 31;
    public static final long MINSIGSTKSZ = 2048;

    private final SigAction[] actions = new SigAction[Signal.COUNT + 1];
    private final List<byte[]> pending = new ArrayList<>();
    /** Whether anything is pending; read without the lock on every syscall return (the hot path). */
    private volatile boolean anyPending;
    /** The live threads, so that discarding an ignored signal reaches their private sets too. */
    final List<ThreadSignals> threads = new CopyOnWriteArrayList<>();
    /** ptrace: a traced process keeps ignored signals, so its tracer sees them (sig_ignored's t->ptrace). */
    private volatile boolean traced;

    /** Set while a tracer is attached to the process (see {@link #dropsWhenGenerated}). */
    public void traced(boolean value) {
        traced = value;
    }

    /** Whether a tracer is attached: a fatal signal then waits for its delivery stop (complete_signal's !t->ptrace). */
    public boolean traced() {
        return traced;
    }

    /** Whether {@code sig} vanishes when generated: it is ignored and no tracer wants to see it. */
    public boolean dropsWhenGenerated(int sig) {
        return !traced && ignored(sig);
    }

    public SignalState() {
        java.util.Arrays.fill(actions, SigAction.DEFAULT);
    }

    public synchronized SigAction action(int sig) {
        return actions[sig];
    }

    /** SigIgn and SigCgt of /proc/PID/status: the signals set to SIG_IGN, and those with a handler. */
    public synchronized long ignoredSet() {
        long set = 0;
        for (int sig = 1; sig < actions.length && sig <= 64; sig++) {
            if (actions[sig].handler() == SigAction.SIG_IGN) set |= 1L << (sig - 1);
        }
        return set;
    }

    public synchronized long caughtSet() {
        long set = 0;
        for (int sig = 1; sig < actions.length && sig <= 64; sig++) {
            long h = actions[sig].handler();
            if (h != SigAction.SIG_IGN && h != SigAction.SIG_DFL) set |= 1L << (sig - 1);
        }
        return set;
    }

    public synchronized void setAction(int sig, SigAction action) {
        actions[sig] = action;
        // Setting SIG_IGN (or a default that ignores) discards what is pending, in every thread (POSIX, Linux).
        if (ignored(sig)) {
            discard(pending, sig);
            anyPending = !pending.isEmpty();
            for (ThreadSignals t : threads) t.discard(sig);
        }
    }

    static void discard(List<byte[]> queue, int sig) {
        queue.removeIf(info -> SigInfo.signo(info) == sig);
    }

    /** A lock-free check: false means nothing process-directed is pending. */
    public boolean anyPending() {
        return anyPending;
    }

    /** The process-directed pending set (ShdPnd). */
    public synchronized long pendingSet() {
        return setOf(pending);
    }

    static long setOf(List<byte[]> queue) {
        long set = 0;
        for (byte[] info : queue) set |= Signal.bit(SigInfo.signo(info));
        return set;
    }

    /**
     * Whether the current disposition discards {@code sig} (explicit SIG_IGN or an ignoring default).
     * SIGCONT's default counts as ignoring (Linux's sig_kernel_ignore): continuing happens when it is
     * generated, so nothing is left to deliver.
     */
    public synchronized boolean ignored(int sig) {
        SigAction a = actions[sig];
        return a.handler() == SigAction.SIG_IGN
                || (a.handler() == SigAction.SIG_DFL && (Signal.defaultAction(sig) == Signal.DefaultAction.IGNORE
                    || sig == Signal.SIGCONT));
    }

    /** Whether this very siginfo (by identity) is still queued, process-directed (POSIX timer overruns). */
    public synchronized boolean holds(byte[] info) {
        for (byte[] b : pending) if (b == info) return true;
        return false;
    }

    /** Discards the pending signals in {@code set}, process-directed and every thread's (SIGCONT vs stops). */
    public synchronized void discardPending(long set) {
        pending.removeIf(info -> (Signal.bit(SigInfo.signo(info)) & set) != 0);
        anyPending = !pending.isEmpty();
        for (ThreadSignals t : threads) {
            for (int sig = 1; sig <= Signal.COUNT; sig++) {
                if ((Signal.bit(sig) & set) != 0) t.discard(sig);
            }
        }
    }

    /** Whether every live thread blocks {@code sig} (then an ignored signal still stays pending). */
    public synchronized boolean blockedByAll(int sig) {
        if (threads.isEmpty()) return false;
        for (ThreadSignals t : threads) {
            if ((t.blocked() & Signal.bit(sig)) == 0) return false;
        }
        return true;
    }

    /**
     * Generates a process-directed signal: ignored signals no thread blocks vanish, standard ones
     * coalesce; any thread not blocking it may take it.
     */
    public synchronized void post(byte[] info) {
        int sig = SigInfo.signo(info);
        if (dropsWhenGenerated(sig) && !blockedByAll(sig)) return;
        if (!Signal.realtime(sig) && (setOf(pending) & Signal.bit(sig)) != 0) return;
        pending.add(info);
        anyPending = true;
        notifyAll();
        notified();
    }

    /** Removes process-directed signal {@code sig} (the caller chose the number); null if none. */
    synchronized byte[] remove(int sig) {
        byte[] info = removeFrom(pending, sig);
        anyPending = !pending.isEmpty();
        return info;
    }

    static byte[] removeFrom(List<byte[]> queue, int sig) {
        for (Iterator<byte[]> it = queue.iterator(); it.hasNext(); ) {
            byte[] info = it.next();
            if (SigInfo.signo(info) == sig) {
                it.remove();
                return info;
            }
        }
        return null;
    }

    /** fork: dispositions are inherited; nothing is pending in the child. */
    public synchronized SignalState copyForFork() {
        SignalState child = new SignalState();
        System.arraycopy(actions, 0, child.actions, 0, actions.length);
        return child;
    }

    /** execve: caught signals return to SIG_DFL (ignored ones stay ignored). */
    public synchronized void resetForExec() {
        for (int sig = 1; sig <= Signal.COUNT; sig++) {
            if (actions[sig].handler() != SigAction.SIG_IGN) actions[sig] = SigAction.DEFAULT;
        }
    }

    /** Wakes threads waiting on this state (a child changed state, for wait4). */
    public synchronized void wake() {
        notifyAll();
        notified();
    }

    /** Waits at most {@code millis} for {@link #wake} or a new signal, unless {@code kicked} already. */
    public synchronized void waitBriefly(long millis, java.util.function.BooleanSupplier kicked) throws InterruptedException {
        if (!kicked.getAsBoolean()) wait(millis);
    }
}
