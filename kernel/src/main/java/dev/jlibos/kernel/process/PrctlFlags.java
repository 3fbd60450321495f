package dev.jlibos.kernel.process;

/**
 * The per-process flags prctl(2) sets and reads: PR_SET_PDEATHSIG, PR_SET_DUMPABLE,
 * PR_SET_CHILD_SUBREAPER and PR_SET_NO_NEW_PRIVS. Every process, a forked one too, starts with the
 * defaults (Linux would copy dumpable and no_new_privs into a child; jlibos does not yet). Changed by the
 * process's own threads under its execution lock.
 */
public final class PrctlFlags {
    private int parentDeathSignal;
    private boolean dumpable = true;
    private boolean childSubreaper;
    private boolean noNewPrivileges;

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

    public boolean noNewPrivileges() {
        return noNewPrivileges;
    }

    /** PR_SET_NO_NEW_PRIVS: once set it stays set, for this process and what it execs. */
    public void forbidNewPrivileges() {
        noNewPrivileges = true;
    }
}
