package dev.jlibos.core.abi;

/** Capabilities and the capget/capset header versions (linux/capability.h). */
public final class Capability {
    public static final int CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3,
            CAP_FSETID = 4, CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7, CAP_SETPCAP = 8, CAP_LINUX_IMMUTABLE = 9,
            CAP_IPC_LOCK = 14, CAP_IPC_OWNER = 15, CAP_SYS_PTRACE = 19, CAP_SYS_ADMIN = 21, CAP_SYS_NICE = 23, CAP_SYS_RESOURCE = 24,
            CAP_MKNOD = 27, CAP_MAC_OVERRIDE = 32;
    /** CAP_CHECKPOINT_RESTORE, the last capability since Linux 5.9 (/proc/sys/kernel/cap_last_cap). */
    public static final int CAP_LAST_CAP = 40;
    /**
     * CAP_FS_MASK: what a change of the filesystem uid away from (or back to) 0 drops from (or raises into)
     * the effective set.
     */
    public static final long FS_MASK = 1L << CAP_CHOWN | 1L << CAP_DAC_OVERRIDE | 1L << CAP_DAC_READ_SEARCH
            | 1L << CAP_FOWNER | 1L << CAP_FSETID | 1L << CAP_LINUX_IMMUTABLE | 1L << CAP_MKNOD | 1L << CAP_MAC_OVERRIDE;
    /** cap_user_header_t versions: v1 transfers one 32-bit data struct, v2 and v3 two. */
    public static final int VERSION_1 = 0x19980330, VERSION_2 = 0x20071026, VERSION_3 = 0x20080522;

    private Capability() {
    }
}
