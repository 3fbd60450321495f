package dev.jlibos.vfs.event;

/**
 * A monitor that wants to know when a {@link Waiter} notifies it (with the monitor held): a process's
 * signal state, through which deterministic mode queues the woken threads' turns at the waker's point.
 */
public interface NotifiedMonitor {
    void notified();
}
