package dev.jlibos.ipc;

import dev.jlibos.core.Errno;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.TreeMap;
import java.util.function.Function;

import static dev.jlibos.core.abi.SysvIpc.IPCMNI;

/** One kind of object (queues, semaphore sets or segments) of a namespace, by id and by key. */
final class IpcTable<T extends IpcObject> {
    private final TreeMap<Integer, T> byIndex = new TreeMap<>();
    private int seq;

    T byKey(int key) {
        purge();
        for (T o : byIndex.values()) if (o.key == key && !o.removed) return o;
        return null;
    }

    T byId(int id) {
        if (id < 0) throw Errno.EINVAL.fail();
        T o = byIndex.get(id % IPCMNI);
        if (o == null || o.id != id || o.removed) throw Errno.EINVAL.fail();
        return o;
    }

    /** SEM_STAT and the like take an index, not an id. */
    T byIndex(int index) {
        T o = byIndex.get(index);
        if (o == null || o.removed) throw Errno.EINVAL.fail();
        return o;
    }

    /**
     * IPC_STAT (by id) and the *_STAT commands (by index; *_STAT_ANY skips the read check): the object's
     * struct, {@code layout}, written to {@code address}. Returns 0 for IPC_STAT, the object's id otherwise.
     */
    long stat(IpcCaller c, int idOrIndex, boolean byId, boolean any, long address, Function<T, ByteBuffer> layout) {
        T o = byId ? byId(idOrIndex) : byIndex(idOrIndex);
        if (!any) o.require(c, 4);
        c.memory().write(address, layout.apply(o).array());
        return byId ? 0 : o.id;
    }

    /** Drops objects that went away outside the namespace's lock (a removed segment's last detach). */
    private void purge() {
        byIndex.values().removeIf(o -> o.removed);
    }

    void add(T o, int limit) {
        purge();
        int index = 0;
        while (byIndex.containsKey(index)) index++;
        if (index >= limit) throw Errno.ENOSPC.fail();
        o.seq = seq++ & 0xffff;
        o.id = index + o.seq * IPCMNI; // at most 65535 * 32768 + 32767 = Integer.MAX_VALUE
        byIndex.put(index, o);
    }

    void remove(T o) {
        o.removed = true;
        byIndex.remove(o.id % IPCMNI);
        o.waiters.wakeAll();
    }

    Collection<T> all() {
        return byIndex.values();
    }

    int size() {
        return byIndex.size();
    }

    /** What the *_INFO commands return: the highest index in use. */
    int highestIndex() {
        return byIndex.isEmpty() ? 0 : byIndex.lastKey();
    }
}
