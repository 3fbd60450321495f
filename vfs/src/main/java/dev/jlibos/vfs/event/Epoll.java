package dev.jlibos.vfs.event;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.FileDescription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * An epoll instance (epoll(7)): interest entries keyed by (fd, description) as Linux keys them.
 *
 * <p>Each entry listens on its target's wait queue; a wake-up marks it "notified" (the edge an
 * edge-triggered entry reports) and wakes this instance's own waiters, which is also what makes an
 * epoll fd pollable and nestable. Level-triggered entries are reported whenever the target is ready.
 * Targets without a wait queue (host fds) cannot announce edges, so for them an edge is a rise of
 * the readiness bits between two looks.
 */
public final class Epoll extends AnonFile {
    public static final int EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
    public static final int CTL_ADD = 1, CTL_DEL = 2, CTL_MOD = 3;
    /** Event bits that are reported (the rest are input-only flags). */
    private static final int REPORTABLE = ~(EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET);

    /** One ready event: the bits and the user's 64-bit data. */
    public record Event(int events, long data) {
    }

    private record Key(int fd, FileDescription file) {
    }

    private final class Entry implements ReadyListener {
        final int fd;
        final FileDescription file;
        int events;
        long data;
        volatile boolean notified = true;
        boolean disabled;
        int lastLevel;

        Entry(int fd, FileDescription file) {
            this.fd = fd;
            this.file = file;
        }

        @Override
        public void readinessChanged() {
            notified = true;
            queue.wakeAll();
        }
    }

    private final Map<Key, Entry> entries = new LinkedHashMap<>();

    public Epoll(int statusFlags) {
        super("[eventpoll]", O_RDWR | statusFlags);
    }

    public void control(int op, int fd, FileDescription file, int events, long data) {
        if (file == this) throw Errno.EINVAL.fail();
        if (file instanceof Epoll e && e.watches(this)) throw Errno.ELOOP.fail();
        if (op != CTL_DEL && (events & EPOLLEXCLUSIVE) != 0) {
            int allowed = Poll.IN | Poll.OUT | Poll.POLLERR | Poll.POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
            if (op == CTL_MOD || (events & ~allowed) != 0 || file instanceof Epoll) throw Errno.EINVAL.fail();
        }
        Key key = new Key(fd, file);
        Entry entry;
        synchronized (this) {
            entry = entries.get(key);
            switch (op) {
                case CTL_ADD -> {
                    if (entry != null) throw Errno.EEXIST.fail();
                    entry = new Entry(fd, file);
                    entry.events = events;
                    entry.data = data;
                    entries.put(key, entry);
                }
                case CTL_MOD -> {
                    if (entry == null) throw Errno.ENOENT.fail();
                    if ((entry.events & EPOLLEXCLUSIVE) != 0) throw Errno.EINVAL.fail();
                    entry.events = events;
                    entry.data = data;
                    entry.disabled = false;
                    entry.notified = true;
                    entry.lastLevel = 0;
                }
                case CTL_DEL -> {
                    if (entry == null) throw Errno.ENOENT.fail();
                    entries.remove(key);
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
        WaitQueue q = file.waitQueue();
        if (q != null) {
            if (op == CTL_ADD) q.add(entry);
            if (op == CTL_DEL) q.remove(entry);
        }
        queue.wakeAll();
    }

    private synchronized boolean watches(Epoll other) {
        for (Entry e : entries.values()) {
            if (e.file == other || (e.file instanceof Epoll inner && inner.watches(other))) return true;
        }
        return false;
    }

    /**
     * The ready events, at most {@code max}; with {@code consume} false nothing changes (a poll of the
     * epoll fd), otherwise edges are used up and one-shot entries disabled.
     */
    public synchronized List<Event> collect(int max, boolean consume) {
        List<Event> out = new ArrayList<>();
        for (var it = entries.values().iterator(); it.hasNext() && out.size() < max; ) {
            Entry e = it.next();
            if (e.file.released()) {
                it.remove();
                WaitQueue q = e.file.waitQueue();
                if (q != null) q.remove(e);
                continue;
            }
            if (e.disabled) continue;
            boolean edge = (e.events & EPOLLET) != 0;
            boolean hostFd = e.file.waitQueue() == null;
            boolean notified = e.notified;
            if (edge && consume && !hostFd) e.notified = false;
            int level = e.file.pollEvents() & ((e.events & REPORTABLE) | Poll.POLLERR | Poll.POLLHUP);
            boolean rose = (level & ~e.lastLevel) != 0;
            if (consume) e.lastLevel = level;
            if (level == 0) continue;
            if (edge && !(hostFd ? rose : notified)) continue;
            out.add(new Event(level, e.data));
            if (consume && (e.events & EPOLLONESHOT) != 0) e.disabled = true;
        }
        return out;
    }

    /** The targets that cannot announce readiness: a waiter must re-poll them periodically. */
    public synchronized List<FileDescription> unannouncedTargets() {
        List<FileDescription> out = new ArrayList<>();
        for (Entry e : entries.values()) if (e.file.waitQueue() == null) out.add(e.file);
        return out;
    }

    @Override
    public int rwFlags(boolean write) {
        return dev.jlibos.core.abi.Rwf.KNOWN; // neither read nor write: EINVAL before any flag is looked at
    }

    @Override
    public int pollEvents() {
        return collect(1, false).isEmpty() ? 0 : Poll.IN;
    }

    @Override
    protected synchronized void release() {
        for (Entry e : entries.values()) {
            WaitQueue q = e.file.waitQueue();
            if (q != null) q.remove(e);
        }
        entries.clear();
    }
}
