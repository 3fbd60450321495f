package dev.jlibos.kernel.process;

/**
 * The per-process flags prctl(2) sets and reads: PR_SET_PDEATHSIG, PR_SET_DUMPABLE,
 * PR_SET_CHILD_SUBREAPER and PR_SET_NO_NEW_PRIVS. A forked process takes its parent's dumpable mode and
 * no_new_privs ({@link #inheritFrom}), the rest starts at the defaults, as in Linux. Changed by the
 * process's own threads under its execution lock.
 */
public final class PrctlFlags {
    private int parentDeathSignal;
    /** SUID_DUMP_DISABLE (0), SUID_DUMP_USER (1) or SUID_DUMP_ROOT (2). */
    private int dumpable = 1;
    private boolean childSubreaper;
    private boolean noNewPrivileges;

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

    /** fork: the child's mm keeps the parent's dumpable mode; no_new_privs is inherited. */
    public void inheritFrom(PrctlFlags parent) {
        dumpable = parent.dumpable;
        noNewPrivileges = parent.noNewPrivileges;
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
