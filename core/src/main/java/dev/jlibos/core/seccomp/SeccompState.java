package dev.jlibos.core.seccomp;

import dev.jlibos.core.abi.Seccomp;

/**
 * What restricts one thread's syscalls, kept per thread as Linux does: the seccomp mode and filter stack,
 * and the no_new_privs flag. A thread created by clone or fork starts with its creator's; execve keeps
 * them. Changed by the thread itself, or by another thread of its process with SECCOMP_FILTER_FLAG_TSYNC,
 * always under the process's execution lock; read by the thread at each syscall entry.
 */
public final class SeccompState {
    private volatile int mode = Seccomp.MODE_DISABLED;
    private volatile SeccompFilter filters;
    private volatile boolean noNewPrivileges;

    /** MODE_DISABLED, MODE_STRICT or MODE_FILTER (what PR_GET_SECCOMP returns). */
    public int mode() {
        return mode;
    }

    /** The newest filter (the top of the stack), or null. */
    public SeccompFilter filters() {
        return filters;
    }

    /** How many filters are stacked (/proc's Seccomp_filters). */
    public int filterCount() {
        int n = 0;
        for (SeccompFilter f = filters; f != null; f = f.previous()) n++;
        return n;
    }

    public boolean noNewPrivileges() {
        return noNewPrivileges;
    }

    /** PR_SET_NO_NEW_PRIVS: once set it stays set, for this thread, what it creates and what it execs. */
    public void forbidNewPrivileges() {
        noNewPrivileges = true;
    }

    /** SECCOMP_SET_MODE_STRICT: only read, write, exit and rt_sigreturn from now on. */
    public void enterStrictMode() {
        mode = Seccomp.MODE_STRICT;
    }

    /** A filter stack becomes this thread's (its own new filter, or its process's with TSYNC). */
    public void useFilters(SeccompFilter stack) {
        filters = stack;
        mode = Seccomp.MODE_FILTER;
    }

    /** clone and fork: the new thread starts with its creator's restrictions. */
    public void inheritFrom(SeccompState creator) {
        mode = creator.mode;
        filters = creator.filters;
        noNewPrivileges = creator.noNewPrivileges;
    }
}
