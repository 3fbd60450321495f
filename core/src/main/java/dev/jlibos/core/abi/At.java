package dev.jlibos.core.abi;

/** The *at() calls' directory fd and flags (linux/fcntl.h). */
public final class At {
    /** "Relative to the current directory" in place of a directory fd. */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800,
            AT_EMPTY_PATH = 0x1000;
    /** unlinkat's flag and faccessat's share the value 0x200: which one it is depends on the call. */
    public static final int AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200;
    /** statx's sync-type bits (AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC). */
    public static final int AT_STATX_SYNC_TYPE = 0x6000;

    private At() {
    }
}
