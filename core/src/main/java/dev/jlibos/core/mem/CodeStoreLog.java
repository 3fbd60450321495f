package dev.jlibos.core.mem;

import dev.jlibos.core.cpu.Cpu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The byte ranges of writable+executable memory that the engines of one address space stored into, in
 * order, so that each other engine drops its translations of them before it next runs guest code (see
 * {@link Cpu#watchCodeStores}). Each engine reads the log from its own cursor; the prefix every engine has
 * read is discarded. An engine that stays away long (a thread blocked for the whole run) while the others
 * keep writing code would pin the log: past {@link #MAX_ENTRIES} it is told to drop every watched range
 * instead, and its cursor moves to the end.
 */
final class CodeStoreLog {
    private static final int MAX_ENTRIES = 1 << 16;

    /** {start, length} of each store report (a whole watched range when a recorder overflowed). */
    private final List<long[]> stores = new ArrayList<>();
    private final List<Cpu> writers = new ArrayList<>();
    /** The sequence number of entry 0. */
    private long base;
    /** base + entries: read without the lock by {@link Reader#dropStale}'s fast path. */
    private volatile long end;
    private final Map<Cpu, Reader> readers = new IdentityHashMap<>();
    private List<long[]> watched = List.of();

    synchronized Cpu.CodeStores readerFor(Cpu cpu) {
        return readers.computeIfAbsent(cpu, c -> new Reader(c, end));
    }

    synchronized void forget(Cpu cpu) {
        readers.remove(cpu);
        prune();
    }

    synchronized void watching(List<long[]> ranges) {
        watched = ranges;
    }

    /**
     * Bytes of code changed from outside every engine (a debugger's breakpoint written through ptrace or
     * /proc/PID/mem): every engine, the process's own included, drops them before it next runs guest code.
     */
    void storedOutside(long address, long size) {
        append(null, address, size);
    }

    private synchronized void append(Cpu writer, long address, long size) {
        if (!stores.isEmpty() && writers.get(writers.size() - 1) == writer) {
            long[] last = stores.get(stores.size() - 1);
            if (last[0] == address && last[1] == size) return; // the same bytes patched again
        }
        stores.add(new long[] {address, Math.max(size, 1)});
        writers.add(writer);
        end = base + stores.size();
        if (stores.size() > MAX_ENTRIES) {
            for (Reader r : readers.values()) if (end - r.cursor > MAX_ENTRIES / 2) r.overflowed = true;
            prune();
        }
    }

    /** Drops the prefix every reader is past (overflowed readers no longer hold it). */
    private void prune() {
        long min = end;
        for (Reader r : readers.values()) {
            if (r.overflowed) continue;
            min = Math.min(min, r.cursor);
        }
        int gone = (int) (min - base);
        if (gone <= 0) return;
        stores.subList(0, gone).clear();
        writers.subList(0, gone).clear();
        base = min;
    }

    private final class Reader implements Cpu.CodeStores {
        private final Cpu cpu;
        private long cursor;
        private boolean overflowed;

        Reader(Cpu cpu, long cursor) {
            this.cpu = cpu;
            this.cursor = cursor;
        }

        @Override
        public void stored(long address, long size) {
            append(cpu, address, size);
        }

        @Override
        public void dropStale(Ranges drop) {
            if (cursor == end) return;
            List<long[]> ranges = new ArrayList<>();
            synchronized (CodeStoreLog.this) {
                if (overflowed) {
                    ranges.addAll(watched);
                    overflowed = false;
                } else {
                    Set<List<Long>> seen = new HashSet<>();
                    for (long i = Math.max(cursor, base); i < end; i++) {
                        int at = (int) (i - base);
                        long[] r = stores.get(at);
                        if (writers.get(at) != cpu && seen.add(List.of(r[0], r[1]))) ranges.add(r);
                    }
                }
                cursor = end;
                prune();
            }
            for (long[] r : ranges) drop.range(r[0], r[1]);
        }
    }
}
