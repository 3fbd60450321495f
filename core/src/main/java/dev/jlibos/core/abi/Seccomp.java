package dev.jlibos.core.abi;

/** seccomp(2) and PR_SET_SECCOMP (linux/seccomp.h, linux/audit.h). */
public final class Seccomp {
    /** A thread's mode, what PR_GET_SECCOMP returns. */
    public static final int MODE_DISABLED = 0, MODE_STRICT = 1, MODE_FILTER = 2;
    /** seccomp(2) operations. */
    public static final int SET_MODE_STRICT = 0, SET_MODE_FILTER = 1, GET_ACTION_AVAIL = 2, GET_NOTIF_SIZES = 3;
    /** SECCOMP_FILTER_FLAG_*. */
    public static final int FLAG_TSYNC = 1, FLAG_LOG = 2, FLAG_SPEC_ALLOW = 4, FLAG_NEW_LISTENER = 8,
            FLAG_TSYNC_ESRCH = 16, FLAG_WAIT_KILLABLE_RECV = 32;
    public static final int FLAG_MASK = 63;
    /** SECCOMP_RET_* actions, in the high 16 bits of a filter's result; the low 16 bits are its data. */
    public static final int RET_KILL_PROCESS = 0x80000000, RET_KILL_THREAD = 0, RET_TRAP = 0x00030000,
            RET_ERRNO = 0x00050000, RET_USER_NOTIF = 0x7fc00000, RET_TRACE = 0x7ff00000, RET_LOG = 0x7ffc0000,
            RET_ALLOW = 0x7fff0000;
    public static final int RET_ACTION_FULL = 0xffff0000, RET_DATA = 0x0000ffff;
    /** struct seccomp_data's arch for x86-64 calls. */
    public static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    /** SIGSYS's si_code for a SECCOMP_RET_TRAP. */
    public static final int SYS_SECCOMP = 1;
    /** sizeof(struct seccomp_data): nr, arch, instruction_pointer, args[6]. */
    public static final int DATA_SIZE = 64;
    /** The most instructions one filter may have (BPF_MAXINSNS) and all of a thread's filters together. */
    public static final int MAX_INSNS = 4096, MAX_INSNS_PER_PATH = 32768;

    private Seccomp() {
    }
}
