package dev.jlibos.core.abi;

/** wait4/waitid options and id types (linux/wait.h). */
public final class Wait {
    public static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WALL = 0x40000000, WCLONE = 0x80000000,
            WNOTHREAD = 0x20000000;
    public static final int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3, WEXITED = 4, WSTOPPED = 2, WNOWAIT = 0x01000000;

    private Wait() {
    }
}
