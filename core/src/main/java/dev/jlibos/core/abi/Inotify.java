package dev.jlibos.core.abi;

/** inotify(7)'s flags and event bits (linux/inotify.h) and dnotify's DN_* (linux/fcntl.h, fcntl(2) F_NOTIFY). */
public final class Inotify {
    /** inotify_init1 flags: O_NONBLOCK and O_CLOEXEC under their inotify names. */
    public static final int IN_NONBLOCK = Fcntl.O_NONBLOCK, IN_CLOEXEC = Fcntl.O_CLOEXEC;

    public static final int IN_ACCESS = 0x1, IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_CLOSE_WRITE = 0x8,
            IN_CLOSE_NOWRITE = 0x10, IN_OPEN = 0x20, IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_CREATE = 0x100,
            IN_DELETE = 0x200, IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800;
    /** Reported only: the watch is gone (rm_watch, IN_ONESHOT, the inode deleted, its filesystem unmounted). */
    public static final int IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000;
    /** inotify_add_watch's modifiers. */
    public static final int IN_ONLYDIR = 0x01000000, IN_DONT_FOLLOW = 0x02000000, IN_EXCL_UNLINK = 0x04000000,
            IN_MASK_CREATE = 0x10000000, IN_MASK_ADD = 0x20000000, IN_ONESHOT = 0x80000000;
    /** Reported only: the event is about a directory. */
    public static final int IN_ISDIR = 0x40000000;
    /** struct inotify_event without its name: wd, mask, cookie, len. */
    public static final int EVENT_SIZE = 16;

    /** fcntl(F_NOTIFY)'s argument. */
    public static final int DN_ACCESS = 0x1, DN_MODIFY = 0x2, DN_CREATE = 0x4, DN_DELETE = 0x8, DN_RENAME = 0x10,
            DN_ATTRIB = 0x20, DN_MULTISHOT = 0x80000000;

    private Inotify() {
    }
}
