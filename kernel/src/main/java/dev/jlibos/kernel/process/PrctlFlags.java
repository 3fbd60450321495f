package dev.jlibos.kernel.process;

/**
 * The per-process flags prctl(2) sets and reads: PR_SET_PDEATHSIG, PR_SET_DUMPABLE and
 * PR_SET_CHILD_SUBREAPER (no_new_privs is per thread: {@link SeccompState}). Every process, a forked one
 * too, starts with the defaults (Linux would copy dumpable into a child; jlibos does not yet). Changed by
 * the process's own threads under its execution lock.
 */
public final class PrctlFlags {
    private int parentDeathSignal;
    private boolean dumpable = true;
    private boolean childSubreaper;

    /** The signal this process gets when its parent dies, or 0. */
    public int parentDeathSignal() {
        return parentDeathSignal;
    }

    public void parentDeathSignal(int sig) {
        parentDeathSignal = sig;
    }

    public boolean dumpable() {
        return dumpable;
    }

    public void dumpable(boolean on) {
        dumpable = on;
    }

    public boolean childSubreaper() {
        return childSubreaper;
    }

    public void childSubreaper(boolean on) {
        childSubreaper = on;
    }
}
