package dev.jlibos.core.abi;

/** clone(2) flags (linux/sched.h). */
public final class Clone {
    public static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
            CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
            CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
    public static final long CLONE_SYSVSEM = 0x40000, CLONE_DETACHED = 0x400000, CLONE_IO = 0x80000000L;

    private Clone() {
    }
}
