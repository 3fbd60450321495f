package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.vfs.event.WaitQueue;
import dev.jlibos.vfs.event.Waiter;
import dev.jlibos.vfs.proc.ProcProcess;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jlibos.core.abi.Fcntl.SEEK_CUR;
import static dev.jlibos.core.abi.Fcntl.SEEK_END;
import static dev.jlibos.core.abi.Fcntl.SEEK_SET;

/**
 * POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) owned by guest processes. The host kernel cannot
 * serve them: every guest process lives in the one JVM process, so to the host all their locks are one
 * owner's and never conflict (libc-test's fcntl: a forked child got the lock its parent held). Here each
 * guest process is its own owner; a lock is also taken on the host (by the JVM) so that host processes
 * still see it, and a host process's lock still keeps a guest out.
 *
 * <p>Locks are per file (device and inode, for every machine in this JVM), released by the owner on
 * unlock, on closing any descriptor of the file, and when the process is gone. F_SETLKW sleeps through
 * the caller's {@link Sleeper}, interruptibly: a signal ends it with EINTR as on Linux.
 */
public final class RecordLocks {
    static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

    /**
     * How F_SETLKW's caller blocks: the signal model's interruptible sleep, which sits above vfs. A sleep
     * returns when the waiter fires or a short slice passes, and throws EINTR for a deliverable signal.
     */
    public interface Sleeper {
        /** A waiter for the caller, to register on the file's lock queue. */
        Waiter waiter();

        void sleep(Waiter w);
    }

    private static final int F_SETLK = 6;
    private static final int FLOCK_SIZE = 32;

    private record Lock(ProcProcess owner, short type, long start, long end) {
        boolean overlaps(long s, long e) {
            return start < e && s < end;
        }
    }

    private static final class FileLocks {
        final List<Lock> locks = new ArrayList<>();
        final WaitQueue waiters = new WaitQueue();
    }

    private record Key(long dev, long ino) {
    }

    private static final Map<Key, FileLocks> FILES = new HashMap<>();

    private RecordLocks() {
    }

    private static Key key(FileDescription file) {
        ByteBuffer st = ByteBuffer.wrap(file.stat()).order(ByteOrder.LITTLE_ENDIAN);
        return new Key(st.getLong(0), st.getLong(8));
    }

    private static FileLocks locks(Key k) {
        FileLocks f = FILES.computeIfAbsent(k, x -> new FileLocks());
        f.locks.removeIf(l -> l.owner.exited()); // a process that is gone holds nothing
        return f;
    }

    /** fcntl F_GETLK, F_SETLK or F_SETLKW by {@code owner}, with the guest's struct flock at {@code address}. */
    public static long fcntl(ProcProcess owner, FileDescription file, int cmd, long address, boolean wait, Sleeper sleeper) {
        AddressSpace m = owner.memory();
        ByteBuffer fl = ByteBuffer.wrap(m.read(address, FLOCK_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        short type = fl.getShort(0);
        int whence = fl.getShort(2);
        long start = fl.getLong(8), len = fl.getLong(16);
        if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) throw Errno.EINVAL.fail();
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> file.seek(0, SEEK_CUR);
            case SEEK_END -> ByteBuffer.wrap(file.stat()).order(ByteOrder.LITTLE_ENDIAN).getLong(48);
            default -> throw Errno.EINVAL.fail();
        };
        long from = base + start, to;
        if (len > 0) {
            to = from + len < from ? Long.MAX_VALUE : from + len;
        } else if (len == 0) {
            to = Long.MAX_VALUE;
        } else {
            to = from;
            from += len;
        }
        if (from < 0) throw Errno.EINVAL.fail();
        Key k = key(file);
        if (cmd == 5 /* F_GETLK */) {
            if (type == F_UNLCK) throw Errno.EINVAL.fail();
            Lock c;
            synchronized (FILES) {
                c = FILES.containsKey(k) ? conflict(locks(k), owner, type, from, to) : null;
            }
            ByteBuffer out = ByteBuffer.allocate(FLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            if (c != null) {
                out.putShort(0, c.type).putShort(2, (short) SEEK_SET).putLong(8, c.start)
                        .putLong(16, c.end == Long.MAX_VALUE ? 0 : c.end - c.start).putInt(24, c.owner.pid());
            } else if (file.hostFd() >= 0) {
                // No guest holds it: a host process may (the host answers with its own pid).
                byte[] host = owner.fs().host.fcntlBuffer(file.hostFd(), 5, flock(type, from, to));
                out.put(0, host, 0, FLOCK_SIZE);
            } else {
                out.putShort(0, F_UNLCK).putShort(2, (short) whence).putLong(8, start).putLong(16, len);
            }
            m.write(address, out.array());
            return 0;
        }
        if (type == F_RDLCK && !file.readable() || type == F_WRLCK && !file.writable()) throw Errno.EBADF.fail();
        Waiter w = sleeper.waiter();
        FileLocks f;
        synchronized (FILES) {
            f = locks(k);
        }
        f.waiters.add(w);
        try {
            while (true) {
                synchronized (FILES) {
                    f = locks(k);
                    if (type == F_UNLCK || conflict(f, owner, type, from, to) == null) {
                        if (type == F_UNLCK || hostLock(owner, file, type, from, to)) {
                            set(f, owner, type, from, to);
                            syncHost(owner, file, f, from, to);
                            f.waiters.wakeAll();
                            // A file nobody locks is forgotten (its waiters, if any, re-check every slice).
                            if (f.locks.isEmpty()) FILES.remove(k);
                            return 0;
                        }
                    }
                }
                if (!wait) throw Errno.EAGAIN.fail();
                // Re-checked every slice as well: a host process's lock, or an owner that exited, wakes nobody.
                sleeper.sleep(w);
            }
        } finally {
            f.waiters.remove(w);
        }
    }

    /**
     * The process is closing a descriptor of {@code file}: POSIX drops all its locks on that file (called
     * before the close, while the host descriptor still works for releasing the host's lock).
     */
    public static void closing(ProcProcess owner, FileDescription file) {
        synchronized (FILES) {
            if (FILES.isEmpty()) return;
        }
        Key k;
        try {
            k = key(file);
        } catch (RuntimeException e) {
            return;
        }
        synchronized (FILES) {
            FileLocks f = FILES.get(k);
            if (f == null) return;
            List<Lock> mine = f.locks.stream().filter(l -> l.owner == owner).toList();
            if (mine.isEmpty()) return;
            f.locks.removeAll(mine);
            for (Lock l : mine) syncHost(owner, file, f, l.start, l.end);
            if (f.locks.isEmpty()) FILES.remove(k);
            f.waiters.wakeAll();
        }
    }

    private static Lock conflict(FileLocks f, ProcProcess owner, short type, long from, long to) {
        for (Lock l : f.locks) {
            if (l.owner != owner && l.overlaps(from, to) && (type == F_WRLCK || l.type == F_WRLCK)) return l;
        }
        return null;
    }

    /** Replaces the owner's locks in [from, to) with {@code type} (none for F_UNLCK), merging neighbours. */
    private static void set(FileLocks f, ProcProcess owner, short type, long from, long to) {
        List<Lock> kept = new ArrayList<>();
        for (Lock l : f.locks) {
            if (l.owner != owner || !l.overlaps(from, to)) {
                kept.add(l);
                continue;
            }
            if (l.start < from) kept.add(new Lock(owner, l.type, l.start, from));
            if (l.end > to) kept.add(new Lock(owner, l.type, to, l.end));
        }
        if (type != F_UNLCK) {
            long s = from, e = to;
            for (int i = kept.size() - 1; i >= 0; i--) {
                Lock l = kept.get(i);
                if (l.owner == owner && l.type == type && l.start <= e && s <= l.end) {
                    s = Math.min(s, l.start);
                    e = Math.max(e, l.end);
                    kept.remove(i);
                }
            }
            kept.add(new Lock(owner, type, s, e));
        }
        f.locks.clear();
        f.locks.addAll(kept);
    }

    private static byte[] flock(short type, long from, long to) {
        ByteBuffer b = ByteBuffer.allocate(FLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, type).putShort(2, (short) SEEK_SET).putLong(8, from).putLong(16, to == Long.MAX_VALUE ? 0 : to - from);
        return b.array();
    }

    /** Takes the lock on the host too; false when a host process holds a conflicting one. */
    private static boolean hostLock(ProcProcess owner, FileDescription file, short type, long from, long to) {
        if (file.hostFd() < 0) return true;
        try {
            owner.fs().host.fcntlBuffer(file.hostFd(), F_SETLK, flock(type, from, to));
            return true;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EACCES) return false;
            throw e;
        }
    }

    /** Makes the JVM's host lock over [from, to) the union of what the guests still hold there. */
    private static void syncHost(ProcProcess owner, FileDescription file, FileLocks f, long from, long to) {
        if (file.hostFd() < 0) return;
        try {
            var host = owner.fs().host;
            host.fcntlBuffer(file.hostFd(), F_SETLK, flock(F_UNLCK, from, to));
            for (Lock l : f.locks) {
                if (!l.overlaps(from, to)) continue;
                host.fcntlBuffer(file.hostFd(), F_SETLK, flock(l.type, Math.max(l.start, from), Math.min(l.end, to)));
            }
        } catch (LinuxException ignored) {
            // best effort: the guests' own view above is what guests see
        }
    }
}
