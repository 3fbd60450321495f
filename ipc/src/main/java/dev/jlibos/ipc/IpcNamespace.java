package dev.jlibos.ipc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.vfs.event.Waiter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static dev.jlibos.core.abi.SysvIpc.IPC_CREAT;
import static dev.jlibos.core.abi.SysvIpc.IPC_EXCL;
import static dev.jlibos.core.abi.SysvIpc.IPC_PRIVATE;

/**
 * One IPC namespace: the message queues, semaphore sets and shared memory segments every process of a
 * machine sees (and nothing of the host's). Its monitor guards all three tables and every object's state,
 * except a segment's attachment count, which has the segment's own lock.
 */
public final class IpcNamespace {
    /** What an attempt of {@link #waitFor} returns when the caller has to sleep and try again. */
    static final long WOULD_BLOCK = Long.MIN_VALUE;

    private final MessageQueues queues = new MessageQueues(this);
    private final SemaphoreSets semaphores = new SemaphoreSets(this);
    private final SharedSegments segments;

    /** {@code hostMemory} backs the shared memory segments. */
    public IpcNamespace(HostMemory hostMemory) {
        segments = new SharedSegments(this, hostMemory);
    }

    public MessageQueues queues() {
        return queues;
    }

    public SemaphoreSets semaphores() {
        return semaphores;
    }

    public SharedSegments segments() {
        return segments;
    }

    /**
     * The common part of msgget/semget/shmget, under the namespace's lock: find by key or create;
     * {@code check} validates an existing one, {@code create} makes a new one (and may refuse).
     */
    <T extends IpcObject> int get(IpcCaller c, IpcTable<T> table, int key, int flags, int limit,
                                  Supplier<T> create, Consumer<T> check) {
        synchronized (this) {
            T found = key == IPC_PRIVATE ? null : table.byKey(key);
            if (found != null) {
                if ((flags & IPC_CREAT) != 0 && (flags & IPC_EXCL) != 0) throw Errno.EEXIST.fail();
                int want = (flags & 0777) >> 6 & 07; // the access bits asked for, as the owner's
                if (want != 0 && !found.permits(c, want)) throw Errno.EACCES.fail();
                check.accept(found);
                return found.id;
            }
            if (key != IPC_PRIVATE && (flags & IPC_CREAT) == 0) throw Errno.ENOENT.fail();
            T o = create.get();
            o.createdBy(c, key, flags);
            table.add(o, limit);
            return o.id;
        }
    }

    /**
     * Runs {@code attempt} under the namespace's lock until it returns a result (not {@link #WOULD_BLOCK}),
     * sleeping on {@code o}'s wait queue in between like Linux's interruptible IPC sleeps: a signal ends the
     * wait with EINTR, removal of the object with EIDRM, the deadline with {@code onTimeout}.
     */
    long waitFor(IpcCaller c, IpcObject o, long deadline, Errno onTimeout, LongSupplier attempt) {
        Waiter w = InterruptibleSleep.waiter(c.thread());
        o.waiters.add(w);
        try {
            while (true) {
                synchronized (this) {
                    if (o.removed) throw Errno.EIDRM.fail();
                    long r = attempt.getAsLong();
                    if (r != WOULD_BLOCK) return r;
                }
                if (!InterruptibleSleep.sleep(c.thread(), w, deadline, c.thread().signals().blocked(), false)) {
                    throw onTimeout.fail();
                }
            }
        } finally {
            o.waiters.remove(w);
        }
    }

    /** A little-endian buffer for one of the *_STAT or *_INFO structs. */
    static ByteBuffer struct(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
