package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.Limit;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The machine's committed-memory limit ({@code GuestOptions.committedMemory}): writable private memory of all
 * its processes together, as Linux's strict overcommit counts it, plus what each guest thread costs the host
 * beyond its guest memory, its engine. Machine-wide, so that a fork bomb of small processes is bounded too:
 * measured, a sleeping busybox process held ~9 MB of the JVM's resident memory, nearly all of it its Unicorn
 * engine (translation hash table, TLBs, TCG context), so a bomb of 1,024 reached 8.4 GB.
 */
final class CommittedMemory {
    /** What one engine is charged: the measured ~8.5 MB of a sleeping guest process less its own pages. */
    static final long ENGINE_CHARGE = 8L << 20;

    private CommittedMemory() {
    }

    /**
     * ENOMEM when {@code more} bytes would take the machine past its limit. Summed over the machine's
     * processes at each call that commits (each address space keeps its own count as areas come and go, so
     * this costs one read per process, not a walk of their areas), so exiting needs no bookkeeping; a
     * MAP_FIXED mapping over committed pages counts in full.
     */
    static void commit(GuestProcess p, long more) {
        long limit = p.kernel.limits().committed();
        if (limit <= 0 || more <= 0) return;
        if (committed(p) + more > limit) {
            p.kernel.exceeded(Limit.MEMORY, "committed memory limit of " + limit + " bytes reached: mmap, brk,"
                    + " mremap and mprotect that commit more fail with ENOMEM, and so do fork and clone");
            throw Errno.ENOMEM.fail();
        }
    }

    /** Before clone makes a thread, which gets its own engine: ENOMEM when the machine cannot afford one. */
    static void commitEngine(GuestProcess p) {
        commit(p, ENGINE_CHARGE);
    }

    /**
     * Before fork: the child's engine and its copy of the parent's committed memory (Linux charges a child's
     * private writable mappings at fork too). vfork children count alike, since they get a copy here.
     */
    static void commitFork(GuestProcess parent) {
        if (parent.kernel.limits().committed() <= 0) return;
        commit(parent, ENGINE_CHARGE + parent.memory().committedBytes());
    }

    private static long committed(GuestProcess p) {
        long total = 0;
        Set<AddressSpace> counted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GuestProcess q : p.kernel.processes()) {
            total += (long) q.threads.size() * ENGINE_CHARGE;
            AddressSpace m = q.memory();
            if (m != null && counted.add(m)) total += m.committedBytes(); // vfork children share the parent's
        }
        return total;
    }
}
