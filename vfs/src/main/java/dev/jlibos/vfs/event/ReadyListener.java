package dev.jlibos.vfs.event;

/**
 * Told that an object's readiness may have changed (data arrived, space freed, a peer closed). It is
 * called with the object's own lock possibly held, so it must only record the fact and wake, never
 * call back into the object.
 */
@FunctionalInterface
public interface ReadyListener {
    void readinessChanged();
}
