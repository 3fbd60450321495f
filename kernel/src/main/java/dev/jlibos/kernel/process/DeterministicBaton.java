package dev.jlibos.kernel.process;

import java.util.ArrayDeque;

/**
 * Deterministic mode's execution lock for every thread of every process of one machine (the kernel's):
 * with a lock per process, processes would interleave as the host schedules them, and what one sees of
 * another (a child's end, SIGCHLD, how much of a pipe a read gets) would vary. Unlike a fair lock, whose next
 * owner is whichever host thread queued first (host timing), the baton goes to threads in the order they
 * became ready <em>in guest terms</em>: a thread yielding its turn goes to the back of the queue; a
 * thread woken by another (futex wake, thread creation) is queued by the waker, at that point of the
 * waker's execution, even if its host thread has not run yet; the baton then waits for that host thread.
 * A thread sleeping in a wait that any notification ends is queued ({@link #kick}) by the guest thread
 * that notifies its process. Only a thread coming back from a wait that no guest thread ended (the host:
 * stdin, a host socket, a timeout) queues itself when its host thread arrives.
 */
final class DeterministicBaton {
    /** The thread whose turn it is (its host thread may still be on its way), or null when all wait. */
    private GuestThread holder;
    private final ArrayDeque<GuestThread> ready = new ArrayDeque<>();

    /** Waits for {@code t}'s turn, queueing it if nobody did. */
    synchronized void acquire(GuestThread t) {
        if (holder == null) holder = t;
        else if (holder != t && !ready.contains(t)) ready.add(t);
        awaitTurn(t);
    }

    /** {@code t} leaves for a wait: the next ready thread's turn. */
    synchronized void release(GuestThread t) {
        if (holder != t) return;
        holder = ready.poll();
        notifyAll();
    }

    /** Another thread has made {@code t} runnable (called by the holder, at a deterministic point). */
    synchronized void makeReady(GuestThread t) {
        if (holder == null) {
            holder = t;
            notifyAll();
        } else if (holder != t && !ready.contains(t)) {
            ready.add(t);
        }
    }

    /**
     * The holder notified sleeping {@code t} (a kick): its next turn goes to the back of the queue now. If
     * its host thread had already queued it, for a host poll or a timeout that came first, that place
     * was host-timed; the kick's is not.
     */
    synchronized void kick(GuestThread t) {
        if (holder == null) {
            holder = t;
            notifyAll();
        } else if (holder != t) {
            ready.remove(t);
            ready.add(t);
        }
    }

    synchronized GuestThread holder() {
        return holder;
    }

    synchronized boolean othersReady() {
        return !ready.isEmpty();
    }

    /** Ends {@code t}'s turn if others are ready and waits for its next one; false if it kept the baton. */
    synchronized boolean yieldTurn(GuestThread t) {
        if (ready.isEmpty() || holder != t) return false;
        ready.add(t);
        holder = ready.poll();
        notifyAll();
        awaitTurn(t);
        return true;
    }

    private void awaitTurn(GuestThread t) {
        boolean interrupted = false;
        while (holder != t) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // as acquireUninterruptibly: the interrupt is for the guest's next wait
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
