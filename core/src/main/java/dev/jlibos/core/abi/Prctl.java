package dev.jlibos.core.abi;

/** prctl(2) options (linux/prctl.h). */
public final class Prctl {
    public static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
            PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_SECCOMP = 21, PR_SET_SECCOMP = 22, PR_SET_CHILD_SUBREAPER = 36,
            PR_GET_CHILD_SUBREAPER = 37, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
    public static final int PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
            PR_GET_SECUREBITS = 27, PR_CAP_AMBIENT = 47;
    /** PR_CAP_AMBIENT's operations (arg2). */
    public static final int PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3,
            PR_CAP_AMBIENT_CLEAR_ALL = 4;
    /** The securebit PR_SET_KEEPCAPS sets (1 << SECURE_KEEP_CAPS). */
    public static final int SECBIT_KEEP_CAPS = 1 << 4;

    private Prctl() {
    }
}
