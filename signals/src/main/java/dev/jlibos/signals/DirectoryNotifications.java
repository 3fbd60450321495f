package dev.jlibos.signals;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.jlibos.core.abi.Inotify.DN_ACCESS;
import static dev.jlibos.core.abi.Inotify.DN_ATTRIB;
import static dev.jlibos.core.abi.Inotify.DN_CREATE;
import static dev.jlibos.core.abi.Inotify.DN_DELETE;
import static dev.jlibos.core.abi.Inotify.DN_MODIFY;
import static dev.jlibos.core.abi.Inotify.DN_MULTISHOT;
import static dev.jlibos.core.abi.Inotify.DN_RENAME;
import static dev.jlibos.core.abi.Inotify.EVENT_SIZE;
import static dev.jlibos.core.abi.Inotify.IN_ACCESS;
import static dev.jlibos.core.abi.Inotify.IN_ATTRIB;
import static dev.jlibos.core.abi.Inotify.IN_CLOEXEC;
import static dev.jlibos.core.abi.Inotify.IN_CREATE;
import static dev.jlibos.core.abi.Inotify.IN_DELETE;
import static dev.jlibos.core.abi.Inotify.IN_IGNORED;
import static dev.jlibos.core.abi.Inotify.IN_MASK_ADD;
import static dev.jlibos.core.abi.Inotify.IN_MODIFY;
import static dev.jlibos.core.abi.Inotify.IN_MOVED_FROM;
import static dev.jlibos.core.abi.Inotify.IN_MOVED_TO;
import static dev.jlibos.core.abi.Inotify.IN_NONBLOCK;

/**
 * fcntl(F_NOTIFY), dnotify, for one machine: each registration is a directory description, the fd table
 * that made it (Linux's fl_owner: closing any fd of that description in that table ends it, as
 * dnotify_flush does) and the process its signals go to (F_NOTIFY makes the caller the owner).
 *
 * <p>The directory is a host directory, so the host tells of changes: one host inotify instance holds a
 * watch per directory inode with the union of its registrations' events, and a watcher thread, alive while
 * any registration is, waits on it and queues each registration's signal through {@link SignalSender} as a
 * timer does. Signals therefore come a little after the change (the watcher's wake-up), not on the return of
 * the call that made it.
 */
public final class DirectoryNotifications {
    /** How long the watcher waits in the host before it looks whether registrations remain. */
    private static final int POLL_MILLIS = 50;
    private static final int POLL_MSG = 3;
    /** si_band for POLL_MSG: EPOLLIN | EPOLLRDNORM | EPOLLMSG (send_sigio_to_task's band_table). */
    private static final long POLL_MSG_BAND = 0x441;

    private final HostFs host;
    /** Host wd to the registrations on that directory inode. */
    private final Map<Integer, List<Registration>> byWatch = new HashMap<>();
    private int inotifyFd = -1;
    private Thread watcher;

    private static final class Registration {
        final FileDescription dir;
        final FdTable owner;
        SignalProcess process;
        int fd;
        int mask;

        Registration(FileDescription dir, FdTable owner) {
            this.dir = dir;
            this.owner = owner;
        }
    }

    public DirectoryNotifications(HostFs host) {
        this.host = host;
    }

    /**
     * fcntl(fd, F_NOTIFY, arg) by {@code process}, whose fd table is {@code owner}: arg without event bits
     * ends the registration; otherwise its events are added to it (a second F_NOTIFY on the same
     * description adds, as attach_dn does). ENOTDIR unless {@code dir} is a directory; a directory the libOS
     * generates (/proc...) has no host inode to watch: EINVAL with a line to {@code log}.
     */
    public void notify(SignalProcess process, FdTable owner, int fd, FileDescription dir, int arg, Consumer<String> log) {
        if ((arg & ~DN_MULTISHOT) == 0) {
            remove(dir, owner);
            return;
        }
        if ((StatLayout.mode(dir.stat()) & StatLayout.S_IFMT) != StatLayout.S_IFDIR) throw Errno.ENOTDIR.fail();
        if (dir.hostFd() < 0) {
            log.accept("fcntl F_NOTIFY on " + dir.path() + ": jlibos generates that directory and makes no"
                    + " notifications for it (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        dir.onDescriptorClosed(table -> remove(dir, table));
        synchronized (this) {
            Registration r = find(dir, owner);
            boolean added = r == null;
            if (added) r = new Registration(dir, owner);
            int mask = (added ? 0 : r.mask) | arg;
            startWatcher();
            int wd = host.inotifyAddWatch(inotifyFd, hostPath(dir), hostMask(mask) | IN_MASK_ADD);
            r.process = process;
            r.fd = fd;
            r.mask = mask;
            if (added) byWatch.computeIfAbsent(wd, k -> new ArrayList<>()).add(r);
        }
    }

    private Registration find(FileDescription dir, FdTable owner) {
        for (List<Registration> list : byWatch.values()) {
            for (Registration r : list) if (r.dir == dir && r.owner == owner) return r;
        }
        return null;
    }

    /** Ends {@code owner}'s registration on {@code dir}, if any; the host watch keeps only what others want. */
    private synchronized void remove(FileDescription dir, FdTable owner) {
        for (var e : byWatch.entrySet()) {
            if (e.getValue().removeIf(r -> r.dir == dir && r.owner == owner)) {
                narrow(e.getKey());
                return;
            }
        }
    }

    /** Sets wd's host mask to what its registrations still want, or removes the watch when none is left. */
    private void narrow(int wd) {
        List<Registration> left = byWatch.get(wd);
        if (left == null || inotifyFd < 0) return;
        if (left.isEmpty()) {
            byWatch.remove(wd);
            host.raw(Sysno.INOTIFY_RM_WATCH, inotifyFd, wd, 0, 0, 0, 0);
            return;
        }
        int mask = 0;
        for (Registration r : left) mask |= r.mask;
        try {
            host.inotifyAddWatch(inotifyFd, hostPath(left.get(0).dir), hostMask(mask));
        } catch (LinuxException e) {
            // The directory is gone: its IN_IGNORED ends the registrations.
        }
    }

    private static byte[] hostPath(FileDescription dir) {
        return ("/proc/self/fd/" + dir.hostFd()).getBytes(StandardCharsets.UTF_8);
    }

    /** The inotify events a DN_* mask stands for (convert_arg; DN_RENAME is a move out of the directory). */
    static int hostMask(int dn) {
        int m = 0;
        if ((dn & DN_ACCESS) != 0) m |= IN_ACCESS;
        if ((dn & DN_MODIFY) != 0) m |= IN_MODIFY;
        if ((dn & DN_ATTRIB) != 0) m |= IN_ATTRIB;
        if ((dn & DN_CREATE) != 0) m |= IN_CREATE | IN_MOVED_TO;
        if ((dn & DN_DELETE) != 0) m |= IN_DELETE | IN_MOVED_FROM;
        if ((dn & DN_RENAME) != 0) m |= IN_MOVED_FROM;
        return m;
    }

    /** The DN_* bits an inotify event matches. */
    static int dnotifyBits(int in) {
        int dn = 0;
        if ((in & IN_ACCESS) != 0) dn |= DN_ACCESS;
        if ((in & IN_MODIFY) != 0) dn |= DN_MODIFY;
        if ((in & IN_ATTRIB) != 0) dn |= DN_ATTRIB;
        if ((in & (IN_CREATE | IN_MOVED_TO)) != 0) dn |= DN_CREATE;
        if ((in & (IN_DELETE | IN_MOVED_FROM)) != 0) dn |= DN_DELETE;
        if ((in & IN_MOVED_FROM) != 0) dn |= DN_RENAME;
        return dn;
    }

    /** Under the lock: makes the host instance and its watcher if they are not running. */
    private void startWatcher() {
        if (watcher != null) return;
        long r = host.raw(Sysno.INOTIFY_INIT1, IN_NONBLOCK | IN_CLOEXEC, 0, 0, 0, 0, 0);
        if (r < 0) throw Errno.fromHost((int) -r).fail();
        int fd = (int) r;
        inotifyFd = fd;
        watcher = new Thread(() -> watch(fd), "jlibos-dnotify");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The watcher: until no registration is left, waits for host events and sends their signals. */
    private void watch(int fd) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                synchronized (this) {
                    byWatch.values().forEach(list -> list.removeIf(reg -> reg.process.exited()));
                    byWatch.values().removeIf(List::isEmpty);
                    if (byWatch.isEmpty()) {
                        host.closeFd(fd);
                        inotifyFd = -1;
                        watcher = null;
                        return;
                    }
                }
                if (!readable(fd)) continue;
                int n;
                try {
                    n = host.read(fd, buffer, 0, buffer.length);
                } catch (LinuxException e) {
                    continue; // EAGAIN: nothing after all
                }
                List<Runnable> sends = new ArrayList<>();
                synchronized (this) {
                    for (int at = 0; at + EVENT_SIZE <= n; at += EVENT_SIZE + (int) Longs.fromBytes(buffer, at + 12, 4)) {
                        event((int) Longs.fromBytes(buffer, at, 4), (int) Longs.fromBytes(buffer, at + 4, 4), sends);
                    }
                }
                // Outside the lock: a fatal signal ends the process, whose closing fds come back to remove().
                sends.forEach(Runnable::run);
            }
        } finally {
            host.close(); // this thread's marshalling block
        }
    }

    /** One host event on {@code wd}: each registration it matches gets its signal; one-shot ones end. */
    private void event(int wd, int mask, List<Runnable> sends) {
        List<Registration> list = byWatch.get(wd);
        if (list == null) return;
        if ((mask & IN_IGNORED) != 0) {
            byWatch.remove(wd); // the directory is gone, and the registrations with it
            return;
        }
        int dn = dnotifyBits(mask);
        boolean ended = false;
        for (Registration r : List.copyOf(list)) {
            if ((r.mask & dn) == 0) continue;
            SignalProcess target = r.process;
            byte[] info = signalInfo(r.dir.notifySignal(), r.fd);
            sends.add(() -> {
                if (!target.exited()) SignalSender.send(target, info);
            });
            if ((r.mask & DN_MULTISHOT) == 0) {
                list.remove(r);
                ended = true;
            }
        }
        if (ended) narrow(wd);
    }

    /**
     * send_sigio's siginfo: with F_SETSIG's signal, si_code POLL_MSG, si_band and si_fd (the fd F_NOTIFY was
     * given); without, a plain SIGIO from the kernel.
     */
    static byte[] signalInfo(int signal, int fd) {
        if (signal == 0) return SigInfo.basic(Signal.SIGIO, SigInfo.SI_KERNEL);
        byte[] info = SigInfo.basic(signal, POLL_MSG);
        Longs.put(info, 16, POLL_MSG_BAND, 8);
        Longs.put(info, 24, fd, 4);
        return info;
    }

    /** Waits up to POLL_MILLIS in the host for events on {@code fd}. */
    private boolean readable(int fd) {
        HostBlock b = host.scratch();
        b.putInt(0, fd);
        b.putInt(4, 1); // POLLIN, revents 0
        long r = host.raw(Sysno.POLL, b.address(), 1, POLL_MILLIS, 0, 0, 0);
        return r > 0;
    }
}
