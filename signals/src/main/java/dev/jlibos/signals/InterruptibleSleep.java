package dev.jlibos.signals;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.event.Poll;
import dev.jlibos.vfs.event.WaitQueue;
import dev.jlibos.vfs.event.Waiter;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How a guest thread blocks on file readiness (pipes, sockets, eventfds, timerfds, epoll, host ttys):
 * Linux's interruptible sleep on wait queues.
 *
 * <p>Every such wait ends in {@link #sleep}, the ONE place a guest thread sleeps for I/O. The thread
 * sleeps on its process's {@link SignalState} monitor, so the three reasons to wake meet in one place:
 * a {@link Waiter} registered on a file's {@link WaitQueue} fires, a signal is posted (post and wake
 * notify that monitor; kill also interrupts the host thread), or the time is up. Descriptions without a
 * wait queue (host fds) cannot announce anything, so a sleep that involves one lasts at most
 * {@link #HOST_POLL_SLICE_NANOS} before readiness is asked again.
 */
public final class InterruptibleSleep {
    /** How often readiness of host fds is re-polled while blocked: bounds their wake-up latency. */
    public static final long HOST_POLL_SLICE_NANOS = 5_000_000L;
    public static final long FOREVER = Long.MAX_VALUE;

    private InterruptibleSleep() {
    }

    /** A deadline on System.nanoTime() for a relative timeout; negative means forever. */
    public static long deadline(long timeoutNanos) {
        if (timeoutNanos < 0) return FOREVER;
        long d = System.nanoTime() + timeoutNanos;
        return d < 0 ? FOREVER : d;
    }

    public static long remaining(long deadline) {
        return deadline == FOREVER ? FOREVER : Math.max(0, deadline - System.nanoTime());
    }

    /**
     * THE blocking point for I/O waits. Sleeps until {@code waiter} is woken, {@code deadline} passes
     * (returns false), a signal outside {@code mask} is deliverable or the process is exiting (EINTR);
     * with {@code slice} true it also returns after a short period so host fds can be re-polled.
     * Returns true when the caller should re-check readiness.
     *
     * <p>The per-process execution lock (threads) is released for the wait and re-taken after it; no
     * other lock is held here, as callers only hold the waiter's registrations, never a file's monitor.
     */
    public static boolean sleep(SignalThread t, Waiter waiter, long deadline, long mask, boolean slice) {
        // The process's execution lock is given up for the wait, so its other threads run meanwhile.
        return dev.jlibos.core.Blocking.runWakeable(() -> sleepUnlocked(t, waiter, deadline, mask, slice));
    }

    private static boolean sleepUnlocked(SignalThread t, Waiter waiter, long deadline, long mask, boolean slice) {
        ThreadSignals signals = t.signals();
        Object monitor = waiter.monitor();
        // A hand-off from another guest thread often comes within µs: catch it without a host sleep.
        if (deadline == FOREVER || remaining(deadline) > dev.jlibos.core.HandOffSpin.SPIN_NANOS) {
            dev.jlibos.core.HandOffSpin.spinUntil(() -> waiter.pending() || t.kicked());
        }
        synchronized (monitor) {
            while (true) {
                if (waiter.consume() | t.takeKick()) return true;
                // t.exiting(): execve ends the other threads with exitThread() and an interrupt, and the
                // process has not exited; a thread that went back to sleep kept execve waiting for ever
                // (the race fuzzer: recvmsg on an empty socket during another thread's execve).
                if (t.process().exited() || t.exiting() || signals.hasDeliverable(mask)) throw Errno.EINTR.fail();
                long left = remaining(deadline);
                if (left <= 0) return false;
                long wait = slice ? Math.min(left, HOST_POLL_SLICE_NANOS) : left;
                try {
                    if (wait == FOREVER) monitor.wait();
                    else monitor.wait(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    // kill() interrupts the host thread; a blocked signal must not end the wait.
                    continue;
                }
                // Any notification may matter (a signal that a signalfd reports, a host fd's slice
                // ended): the caller re-checks readiness and sleeps again if nothing changed.
                return true;
            }
        }
    }

    /** A fresh waiter for the calling thread. */
    public static Waiter waiter(SignalThread t) {
        return new Waiter(t.process().signals());
    }

    /**
     * Waits until {@code file} reports any of {@code events} (or POLLERR/POLLHUP), under the thread's
     * current signal mask; false if the deadline passed first.
     */
    public static boolean awaitReady(SignalThread t, FileDescription file, int events, long deadline) {
        Waiter w = waiter(t);
        WaitQueue q = file.waitQueue();
        if (q != null) q.add(w);
        try {
            while (true) {
                if ((file.pollEvents() & (events | Poll.POLLERR | Poll.POLLHUP)) != 0) return true;
                if (!sleep(t, w, deadline, t.signals().blocked(), q == null)) return false;
            }
        } finally {
            if (q != null) q.remove(w);
        }
    }

    /**
     * Runs a non-blocking operation of {@code file} (one that fails with EAGAIN when it would block),
     * waiting and retrying unless {@code nonBlocking}. A timeout (SO_RCVTIMEO and the like,
     * {@code timeoutNanos} >= 0) ends in EAGAIN as on Linux.
     *
     * <p>It waits for a wake-up of the file's queue, not for {@code events}: readiness does not promise
     * that this operation succeeds (an eventfd is writable while its counter is below the maximum, yet a
     * write of a large value must wait; the fuzzer found the thread spinning there, deaf to signals and
     * SIGKILL). As Linux's prepare_to_wait, the waiter is registered before the retry, so a change
     * between the retry and the sleep still wakes it. {@code events} is no longer consulted.
     */
    public static <T> T retrying(SignalThread t, FileDescription file, int events, long timeoutNanos, boolean nonBlocking,
                          Supplier<T> op) {
        try {
            return op.get();
        } catch (LinuxException e) {
            if (e.errno() != Errno.EAGAIN || nonBlocking) throw e;
        }
        long deadline = deadline(timeoutNanos);
        Waiter w = waiter(t);
        WaitQueue q = file.waitQueue();
        if (q != null) q.add(w);
        try {
            while (true) {
                try {
                    return op.get();
                } catch (LinuxException e) {
                    if (e.errno() != Errno.EAGAIN) throw e;
                }
                if (!sleep(t, w, deadline, t.signals().blocked(), q == null)) throw Errno.EAGAIN.fail();
            }
        } finally {
            if (q != null) q.remove(w);
        }
    }

    /**
     * {@link #retrying} for read/write: waits unless the description has O_NONBLOCK. The flag is read only
     * once the operation would block: for a host fd it is an F_GETFL, which used to double the host
     * calls of every read and write.
     */
    public static int retrying(SignalThread t, FileDescription file, int events, IntSupplier op) {
        try {
            return op.getAsInt();
        } catch (LinuxException e) {
            if (e.errno() != Errno.EAGAIN || file.nonBlocking()) throw e;
        }
        Waiter w = waiter(t);
        WaitQueue q = file.waitQueue();
        if (q != null) q.add(w);
        try {
            while (true) {
                try {
                    return op.getAsInt();
                } catch (LinuxException e) {
                    if (e.errno() != Errno.EAGAIN) throw e;
                }
                if (!sleep(t, w, FOREVER, t.signals().blocked(), q == null)) throw Errno.EAGAIN.fail();
            }
        } finally {
            if (q != null) q.remove(w);
        }
    }

    /**
     * Waits for any of several readiness sources (poll, select, epoll): {@code check} returns the
     * number of ready entries (0: keep waiting). Returns its last result, 0 on timeout.
     */
    public static int awaitAny(SignalThread t, List<FileDescription> files, long deadline, long mask, IntSupplier check) {
        Waiter w = waiter(t);
        boolean slice = false;
        for (FileDescription f : files) {
            WaitQueue q = f.waitQueue();
            if (q != null) q.add(w); else slice = true;
        }
        try {
            while (true) {
                int n = check.getAsInt();
                if (n != 0) return n;
                if (!sleep(t, w, deadline, mask, slice)) return 0;
            }
        } finally {
            for (FileDescription f : files) {
                WaitQueue q = f.waitQueue();
                if (q != null) q.remove(w);
            }
        }
    }

    /**
     * Runs {@code call} with a temporary signal mask (ppoll, pselect6, epoll_pwait), like sigsuspend:
     * a signal that interrupts it is delivered with the original mask saved in its frame, so the
     * handler's return restores it; otherwise the original mask comes back at once.
     */
    public static long withSigmask(SignalThread t, long mask, LongSupplier call) {
        ThreadSignals s = t.signals();
        long original = s.blocked();
        s.setBlocked(mask);
        boolean handled = false;
        try {
            return call.getAsLong();
        } catch (LinuxException e) {
            if (e.errno() == Errno.EINTR) {
                t.cpu().set(Reg.RAX, Errno.EINTR.negated()); // the value the frame saves
                byte[] info = s.take(s.blocked());
                handled = info != null && SignalDelivery.deliver(t, info, original, -1, 0);
            }
            throw e;
        } finally {
            // Without a handler frame to restore it, the original mask comes back now; a signal that
            // became pending under the temporary mask is delivered once the original allows it.
            if (!handled) s.setBlocked(original);
        }
    }

    /**
     * sigsuspend and pause: waits with {@code mask} in force until a signal arrives, delivers it with the
     * original mask saved in the frame (so the handler's return restores it), and fails with EINTR.
     */
    public static long suspend(SignalThread t, long mask) {
        ThreadSignals s = t.signals();
        long original = s.blocked();
        try {
            dev.jlibos.core.Blocking.run(() -> {
                s.awaitDeliverable(mask);
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
        t.cpu().set(Reg.RAX, Errno.EINTR.negated()); // the value the frame saves
        byte[] info = s.take(mask);
        boolean handled = info != null && SignalDelivery.deliver(t, info, original, -1, 0);
        // Without a handler frame to restore it on return, the old mask comes back now.
        if (!handled) s.setBlocked(original);
        throw Errno.EINTR.fail();
    }

    /**
     * rt_sigtimedwait: the siginfo of the first of the {@code wanted} signals to be pending, dequeued
     * without running a handler; EAGAIN after {@code timeoutNanos}, EINTR if another signal interrupts.
     */
    public static byte[] awaitSignal(SignalThread t, long wanted, long timeoutNanos) {
        ThreadSignals s = t.signals();
        try {
            if (!dev.jlibos.core.Blocking.run(() -> s.awaitDeliverable(~wanted, timeoutNanos))) throw Errno.EAGAIN.fail();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
        byte[] info = s.take(~wanted);
        if (info == null) throw Errno.EINTR.fail();
        return info;
    }
}
