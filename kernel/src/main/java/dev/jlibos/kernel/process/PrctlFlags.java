package dev.jlibos.kernel.process;

/**
 * The per-process flags prctl(2) sets and reads: PR_SET_PDEATHSIG, PR_SET_DUMPABLE and
 * PR_SET_CHILD_SUBREAPER (no_new_privs is per thread: {@link dev.jlibos.core.seccomp.SeccompState}). A
 * forked process takes its parent's dumpable mode ({@link #inheritFrom}), the rest starts at the defaults,
 * as in Linux. Changed by the process's own threads under its execution lock.
 */
public final class PrctlFlags {
    private int parentDeathSignal;
    /** SUID_DUMP_DISABLE (0), SUID_DUMP_USER (1) or SUID_DUMP_ROOT (2). */
    private int dumpable = 1;
    private boolean childSubreaper;

    /** The signal this process gets when its parent dies, or 0. */
    public int parentDeathSignal() {
        return parentDeathSignal;
    }

    public void parentDeathSignal(int sig) {
        parentDeathSignal = sig;
    }

    /** The dumpable mode: 1 normally, 0 (or fs.suid_dumpable's 2) after a change of credentials. */
    public int dumpable() {
        return dumpable;
    }

    public void dumpable(int mode) {
        dumpable = mode;
    }

    /** fork: the child's mm keeps the parent's dumpable mode (no_new_privs goes with the thread's SeccompState). */
    public void inheritFrom(PrctlFlags parent) {
        dumpable = parent.dumpable;
    }

    public boolean childSubreaper() {
        return childSubreaper;
    }

    public void childSubreaper(boolean on) {
        childSubreaper = on;
    }
}
