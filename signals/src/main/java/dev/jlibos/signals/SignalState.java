package dev.jlibos.signals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Dispositions, blocked mask, pending signals and the alternate stack of a single-threaded process.
 * (Process-directed vs thread-directed pending sets split when threads arrive with issue 4.)
 *
 * <p>Standard signals coalesce: a second instance while one is pending is dropped. Real-time signals
 * queue, each with its own siginfo.
 */
public final class SignalState {
    public static final int SS_ONSTACK = 1, SS_DISABLE = 2;
    public static final long SS_AUTODISARM = 1L << 31;
    public static final long MINSIGSTKSZ = 2048;

    private final SigAction[] actions = new SigAction[Signal.COUNT + 1];
    private long blocked;
    private final List<byte[]> pending = new ArrayList<>();
    /** Whether anything is pending; read without the lock on every syscall return (the hot path). */
    private volatile boolean anyPending;
    /** sigaltstack: base, size, flags (SS_DISABLE when none). */
    public long altBase, altSize;
    public int altFlags = SS_DISABLE;

    public SignalState() {
        java.util.Arrays.fill(actions, SigAction.DEFAULT);
    }

    public synchronized SigAction action(int sig) {
        return actions[sig];
    }

    public synchronized void setAction(int sig, SigAction action) {
        actions[sig] = action;
        // Setting SIG_IGN (or a default that ignores) discards what is pending (POSIX, Linux).
        if (ignored(sig)) {
            pending.removeIf(info -> SigInfo.signo(info) == sig);
            anyPending = !pending.isEmpty();
        }
    }

    public synchronized long blocked() {
        return blocked;
    }

    public synchronized void setBlocked(long mask) {
        blocked = mask & ~Signal.UNBLOCKABLE;
    }

    /** A lock-free check for the syscall return path: false means nothing can be delivered. */
    public boolean anyPending() {
        return anyPending;
    }

    public synchronized long pendingSet() {
        long set = 0;
        for (byte[] info : pending) set |= Signal.bit(SigInfo.signo(info));
        return set;
    }

    /** Whether the current disposition discards {@code sig} (explicit SIG_IGN or an ignoring default). */
    public synchronized boolean ignored(int sig) {
        SigAction a = actions[sig];
        return a.handler() == SigAction.SIG_IGN
                || (a.handler() == SigAction.SIG_DFL && Signal.defaultAction(sig) == Signal.DefaultAction.IGNORE);
    }

    /** Generates a signal: ignored unblocked signals vanish, standard ones coalesce. */
    public synchronized void post(byte[] info) {
        int sig = SigInfo.signo(info);
        if (ignored(sig) && (blocked & Signal.bit(sig)) == 0) return;
        if (!Signal.realtime(sig) && (pendingSet() & Signal.bit(sig)) != 0) return;
        pending.add(info);
        anyPending = true;
        notifyAll();
    }

    public synchronized boolean hasDeliverable(long mask) {
        return (pendingSet() & ~mask) != 0;
    }

    /**
     * Removes the next signal to deliver under {@code mask}: synchronous faults first, then the lowest
     * number, as Linux's dequeue order; null if none.
     */
    public synchronized byte[] take(long mask) {
        long ready = pendingSet() & ~mask;
        if (ready == 0) return null;
        long sync = ready & Signal.SYNCHRONOUS;
        int sig = Long.numberOfTrailingZeros(sync != 0 ? sync : ready) + 1;
        for (Iterator<byte[]> it = pending.iterator(); it.hasNext(); ) {
            byte[] info = it.next();
            if (SigInfo.signo(info) == sig) {
                it.remove();
                anyPending = !pending.isEmpty();
                return info;
            }
        }
        return null;
    }

    /** The number of the signal {@link #take} would return under {@code mask}, or 0. */
    public synchronized int peek(long mask) {
        long ready = pendingSet() & ~mask;
        if (ready == 0) return 0;
        long sync = ready & Signal.SYNCHRONOUS;
        return Long.numberOfTrailingZeros(sync != 0 ? sync : ready) + 1;
    }

    /** Blocks the caller until a signal outside {@code mask} is pending (sigsuspend, pause). */
    public synchronized void awaitDeliverable(long mask) throws InterruptedException {
        while (!hasDeliverable(mask)) wait();
    }

    /**
     * Waits up to {@code nanos} for a signal outside {@code mask}; true if one is pending (the sleeping
     * call then fails with EINTR, as Linux's interruptible sleeps do).
     */
    public synchronized boolean awaitDeliverable(long mask, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!hasDeliverable(mask)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(left / 1_000_000, (int) (left % 1_000_000));
        }
        return true;
    }

    /** fork: dispositions, mask and alternate stack are inherited; nothing is pending in the child. */
    public synchronized SignalState copyForFork() {
        SignalState child = new SignalState();
        System.arraycopy(actions, 0, child.actions, 0, actions.length);
        child.blocked = blocked;
        child.altBase = altBase;
        child.altSize = altSize;
        child.altFlags = altFlags;
        return child;
    }

    /** execve: caught signals return to SIG_DFL (ignored ones stay ignored); the alternate stack is gone. */
    public synchronized void resetForExec() {
        for (int sig = 1; sig <= Signal.COUNT; sig++) {
            if (actions[sig].handler() != SigAction.SIG_IGN) actions[sig] = SigAction.DEFAULT;
        }
        altBase = altSize = 0;
        altFlags = SS_DISABLE;
    }

    /** Wakes a thread waiting on this state (a child changed state, for wait4). */
    public synchronized void wake() {
        notifyAll();
    }

    /** Waits at most {@code millis} for {@link #wake} or a new signal. */
    public synchronized void waitBriefly(long millis) throws InterruptedException {
        wait(millis);
    }

    public boolean onAltStack(long sp) {
        return altFlags != SS_DISABLE && sp > altBase && sp - altBase <= altSize;
    }
}
