package dev.jlibos.kernel.process;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The limits the embedder set on a whole machine (the guest cannot raise them; 0: none), and the ones its
 * guests ran into, which {@code Machine.exceededLimits()} reports.
 */
public final class MachineLimits {
    private volatile long memory, committed;
    private volatile int openFiles, processes;
    private final Set<Limit> exceeded = Collections.synchronizedSet(EnumSet.noneOf(Limit.class));

    /** Set once, before the first process runs (and again for each snapshot run's machine). */
    public void set(long memory, long committed, int openFiles, int processes) {
        this.memory = memory;
        this.committed = committed;
        this.openFiles = openFiles;
        this.processes = processes;
    }

    /** Bytes of address space each process may map, or 0 for no limit. */
    public long memory() {
        return memory;
    }

    /** Bytes of writable private memory all processes together may hold, or 0 for no limit. */
    public long committed() {
        return committed;
    }

    /** Highest number of descriptors per process, or 0 for no limit. */
    public int openFiles() {
        return openFiles;
    }

    /** Most processes alive at once, zombies included, or 0 for no limit. */
    public int processes() {
        return processes;
    }

    /** Records that a guest of this machine ran into {@code limit}. */
    public void exceeded(Limit limit) {
        exceeded.add(limit);
    }

    public Set<Limit> exceeded() {
        synchronized (exceeded) {
            return Set.copyOf(exceeded);
        }
    }
}
