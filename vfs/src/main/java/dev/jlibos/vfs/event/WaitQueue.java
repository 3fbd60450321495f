package dev.jlibos.vfs.event;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Linux's wait_queue_head: the listeners (blocked pollers, epoll instances) of one object whose
 * readiness can change. Objects call {@link #wakeAll} after every change that might matter; listeners
 * re-query readiness themselves, so a spurious wake-up is harmless and a missed one is a bug.
 */
public final class WaitQueue {
    private final CopyOnWriteArrayList<ReadyListener> listeners = new CopyOnWriteArrayList<>();

    public void add(ReadyListener l) {
        listeners.addIfAbsent(l);
    }

    public void remove(ReadyListener l) {
        listeners.remove(l);
    }

    public void wakeAll() {
        for (ReadyListener l : listeners) l.readinessChanged();
    }
}
