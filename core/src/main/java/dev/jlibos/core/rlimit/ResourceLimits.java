package dev.jlibos.core.rlimit;

import dev.jlibos.core.Errno;

/** getrlimit/setrlimit values per process, with Linux's defaults for a login session. */
public final class ResourceLimits {
    public static final long INFINITY = -1L;
    public static final int CPU = 0, FSIZE = 1, DATA = 2, STACK = 3, CORE = 4, RSS = 5, NPROC = 6, NOFILE = 7,
            MEMLOCK = 8, AS = 9, LOCKS = 10, SIGPENDING = 11, MSGQUEUE = 12, NICE = 13, RTPRIO = 14, RTTIME = 15;
    public static final int COUNT = 16;
    /** Linux's default fs.nr_open. */
    public static final long NR_OPEN = 1048576;

    private final long[] soft = new long[COUNT];
    private final long[] hard = new long[COUNT];

    public ResourceLimits() {
        java.util.Arrays.fill(soft, INFINITY);
        java.util.Arrays.fill(hard, INFINITY);
        set(STACK, 8L << 20, INFINITY);
        set(CORE, 0, INFINITY);
        set(NPROC, 4096, 4096);
        set(NOFILE, 1024, 1048576);
        set(MEMLOCK, 8L << 20, 8L << 20);
        set(SIGPENDING, 4096, 4096);
        set(MSGQUEUE, 819200, 819200);
        set(NICE, 0, 0);
        set(RTPRIO, 0, 0);
    }

    private void set(int resource, long s, long h) {
        soft[resource] = s;
        hard[resource] = h;
    }

    /** Sets both the soft and the hard limit (what an embedder imposes before the program starts). */
    public void restrict(int resource, long value) {
        check(resource);
        set(resource, value, value);
    }

    /** fork: a child starts with its parent's limits. */
    public void copyFrom(ResourceLimits parent) {
        System.arraycopy(parent.soft, 0, soft, 0, COUNT);
        System.arraycopy(parent.hard, 0, hard, 0, COUNT);
    }

    public long soft(int resource) {
        return soft[resource];
    }

    public long hard(int resource) {
        return hard[resource];
    }

    /** setrlimit rules: soft must not exceed hard; raising hard needs privilege. */
    public void update(int resource, long newSoft, long newHard, boolean privileged) {
        if (resource < 0 || resource >= COUNT) throw Errno.EINVAL.fail();
        if (Long.compareUnsigned(newSoft, newHard) > 0) throw Errno.EINVAL.fail();
        if (Long.compareUnsigned(newHard, hard[resource]) > 0 && !privileged) throw Errno.EPERM.fail();
        // fs.nr_open bounds RLIMIT_NOFILE even for root, which keeps fd tables and poll arrays small.
        if (resource == NOFILE && Long.compareUnsigned(newHard, NR_OPEN) > 0) throw Errno.EPERM.fail();
        set(resource, newSoft, newHard);
    }

    public static void check(int resource) {
        if (resource < 0 || resource >= COUNT) throw Errno.EINVAL.fail();
    }
}
