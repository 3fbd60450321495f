package dev.jlibos.vfs.event;

/**
 * One blocked guest thread's wake-up flag. The thread sleeps on {@code monitor} (its process's signal
 * state, so a new signal wakes it too); {@link #readinessChanged} sets the flag under the same monitor,
 * so a wake-up between "nothing ready" and "sleep" is never lost.
 */
public final class Waiter implements ReadyListener {
    private final Object monitor;
    /** Volatile so a waiter can spin on it without the monitor ({@link #pending}). */
    private volatile boolean woken;

    public Waiter(Object monitor) {
        this.monitor = monitor;
    }

    public Object monitor() {
        return monitor;
    }

    @Override
    public void readinessChanged() {
        synchronized (monitor) {
            woken = true;
            monitor.notifyAll();
            if (monitor instanceof NotifiedMonitor m) m.notified();
        }
    }

    /** Whether a wake-up came and was not yet consumed (any thread, no monitor needed). */
    public boolean pending() {
        return woken;
    }

    /** Whether a wake-up came since the last call; clears it. Call with {@link #monitor()} held. */
    public boolean consume() {
        boolean w = woken;
        woken = false;
        return w;
    }
}
