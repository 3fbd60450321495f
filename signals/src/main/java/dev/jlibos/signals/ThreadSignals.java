package dev.jlibos.signals;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;

import java.util.ArrayList;
import java.util.List;

/**
 * One thread's signal state (Linux's task_struct part): the blocked mask, the thread-directed pending
 * set (tgkill, faults, SIGPIPE) and the alternate stack. Dispositions and process-directed signals are
 * the process's {@link SignalState}, whose monitor guards this object too.
 */
public final class ThreadSignals {
    private final SignalState process;
    private long blocked;
    private final List<byte[]> pending = new ArrayList<>();
    private volatile boolean anyPending;
    /** sigaltstack: base, size, flags (SS_DISABLE when none). */
    public long altBase, altSize;
    public int altFlags = SignalState.SS_DISABLE;

    /** A new thread's state, registered with its process until {@link #detach}. */
    public ThreadSignals(SignalState process) {
        this.process = process;
        process.threads.add(this);
    }

    /** The thread has ended: process-directed signals no longer consider it. */
    public void detach() {
        process.threads.remove(this);
    }

    public SignalState process() {
        return process;
    }

    public SigAction action(int sig) {
        return process.action(sig);
    }

    public void setAction(int sig, SigAction action) {
        process.setAction(sig, action);
    }

    public boolean ignored(int sig) {
        return process.ignored(sig);
    }

    public long blocked() {
        synchronized (process) {
            return blocked;
        }
    }

    public void setBlocked(long mask) {
        synchronized (process) {
            blocked = mask & ~Signal.UNBLOCKABLE;
            // Unblocking may make a process-directed signal deliverable here: let waiters re-check.
            process.notifyAll();
            process.notified();
        }
    }

    /** A lock-free check for the syscall return path: false means nothing can be delivered. */
    public boolean anyPending() {
        return anyPending || process.anyPending();
    }

    /** What rt_sigpending reports: this thread's and the process's pending signals. */
    public long pendingSet() {
        synchronized (process) {
            return SignalState.setOf(pending) | process.pendingSet();
        }
    }

    /** This thread's own pending set (SigPnd in /proc/PID/status). */
    public long privatePendingSet() {
        synchronized (process) {
            return SignalState.setOf(pending);
        }
    }

    /** Generates a thread-directed signal: an ignored one this thread does not block vanishes. */
    public void post(byte[] info) {
        synchronized (process) {
            int sig = SigInfo.signo(info);
            if (process.dropsWhenGenerated(sig) && (blocked & Signal.bit(sig)) == 0) return;
            if (!Signal.realtime(sig) && (SignalState.setOf(pending) & Signal.bit(sig)) != 0) return;
            pending.add(info);
            anyPending = true;
            process.notifyAll();
            process.notified();
        }
    }

    /** Whether this very siginfo (by identity) is still queued for this thread (POSIX timer overruns). */
    public boolean holds(byte[] info) {
        synchronized (process) {
            for (byte[] b : pending) if (b == info) return true;
            return false;
        }
    }

    void discard(int sig) {
        SignalState.discard(pending, sig);
        anyPending = !pending.isEmpty();
    }

    public boolean hasDeliverable(long mask) {
        return (pendingSet() & ~mask) != 0;
    }

    /**
     * Removes the next signal to deliver under {@code mask}: this thread's own before the process's,
     * synchronous faults first, then the lowest number, as Linux's dequeue_signal; null if none.
     */
    public byte[] take(long mask) {
        synchronized (process) {
            int sig = next(SignalState.setOf(pending) & ~mask);
            if (sig != 0) {
                byte[] info = SignalState.removeFrom(pending, sig);
                anyPending = !pending.isEmpty();
                return info;
            }
            sig = next(process.pendingSet() & ~mask);
            return sig == 0 ? null : process.remove(sig);
        }
    }

    /** The number of the signal {@link #take} would return under {@code mask}, or 0. */
    public int peek(long mask) {
        synchronized (process) {
            int sig = next(SignalState.setOf(pending) & ~mask);
            return sig != 0 ? sig : next(process.pendingSet() & ~mask);
        }
    }

    private static int next(long ready) {
        if (ready == 0) return 0;
        long sync = ready & Signal.SYNCHRONOUS;
        return Long.numberOfTrailingZeros(sync != 0 ? sync : ready) + 1;
    }

    /** Blocks the caller until a signal outside {@code mask} is pending (sigsuspend, pause). */
    public void awaitDeliverable(long mask) throws InterruptedException {
        synchronized (process) {
            while (!hasDeliverable(mask)) process.wait();
        }
    }

    /**
     * Waits up to {@code nanos} for a signal outside {@code mask}; true if one is pending (the sleeping
     * call then fails with EINTR, as Linux's interruptible sleeps do).
     */
    public boolean awaitDeliverable(long mask, long nanos) throws InterruptedException {
        synchronized (process) {
            long deadline = System.nanoTime() + nanos;
            while (!hasDeliverable(mask)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                process.wait(left / 1_000_000, (int) (left % 1_000_000));
            }
            return true;
        }
    }

    /** clone/fork: the new thread starts with the creator's mask and alternate stack, nothing pending. */
    public void inheritFrom(ThreadSignals parent) {
        long mask;
        synchronized (parent.process) {
            mask = parent.blocked;
        }
        synchronized (process) {
            blocked = mask;
            altBase = parent.altBase;
            altSize = parent.altSize;
            altFlags = parent.altFlags;
        }
    }

    /** execve: the alternate stack is gone; the mask and pending signals stay. */
    public void resetForExec() {
        altBase = altSize = 0;
        altFlags = SignalState.SS_DISABLE;
    }

    public boolean onAltStack(long sp) {
        return altFlags != SignalState.SS_DISABLE && sp > altBase && sp - altBase <= altSize;
    }

    /** The current alternate stack as a 24-byte stack_t (ss_sp, ss_flags, ss_size) seen from {@code sp}. */
    public byte[] altStack(long sp) {
        byte[] old = new byte[24];
        Longs.put(old, 0, altBase, 8);
        Longs.put(old, 8, onAltStack(sp) ? SignalState.SS_ONSTACK : altFlags, 4);
        Longs.put(old, 16, altSize, 8);
        return old;
    }

    /**
     * sigaltstack's rules for a new stack_t: EPERM while running on the current one, EINVAL for an unknown
     * mode (SS_AUTODISARM is accepted and ignored), ENOMEM below MINSIGSTKSZ; SS_DISABLE turns it off.
     */
    public void setAltStack(byte[] stack, long sp) {
        long base = Longs.fromBytes(stack, 0), size = Longs.fromBytes(stack, 16);
        int flags = (int) Longs.fromBytes(stack, 8, 4);
        if (onAltStack(sp)) throw Errno.EPERM.fail();
        int mode = flags & ~(int) SignalState.SS_AUTODISARM;
        if (mode != 0 && mode != SignalState.SS_DISABLE && mode != SignalState.SS_ONSTACK) {
            throw Errno.EINVAL.fail();
        }
        if (mode == SignalState.SS_DISABLE) {
            altBase = 0;
            altSize = 0;
            altFlags = SignalState.SS_DISABLE;
        } else {
            if (size < SignalState.MINSIGSTKSZ) throw Errno.ENOMEM.fail();
            altBase = base;
            altSize = size;
            altFlags = 0;
        }
    }
}
