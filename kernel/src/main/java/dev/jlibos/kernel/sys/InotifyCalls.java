package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.event.InotifyFile;

import static dev.jlibos.core.abi.Inotify.IN_CLOEXEC;
import static dev.jlibos.core.abi.Inotify.IN_MASK_ADD;
import static dev.jlibos.core.abi.Inotify.IN_MASK_CREATE;
import static dev.jlibos.core.abi.Inotify.IN_NONBLOCK;

/**
 * inotify(7): instances are host inotify instances ({@link InotifyFile}); reading one is FileIoCalls' read,
 * polling it PollCalls', and fcntl's F_NOTIFY (dnotify) is FdCalls'.
 */
public final class InotifyCalls implements SyscallFamily {
    /** Every bit inotify_add_watch knows (ALL_INOTIFY_BITS): a mask with none of them is EINVAL. */
    private static final int ALL_INOTIFY_BITS = 0xfff | 0xe000 | 0x01000000 | 0x02000000 | 0x04000000 | 0x10000000
            | 0x20000000 | 0x40000000 | 0x80000000;
    private static final String NOTE = "watches on files jlibos generates (/proc, /sys, /dev's own entries): ENOSPC";

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.INOTIFY_INIT, (t, a) -> init(t, 0)).coveredBy("CProgramsTest[inotify watches]");
        r.full(Sysno.INOTIFY_INIT1, (t, a) -> init(t, a.i32(0))).coveredBy("CProgramsTest[inotify events]");
        r.partial(Sysno.INOTIFY_ADD_WATCH, NOTE, (t, a) -> {
            int mask = a.i32(2);
            // Linux's order: a mask without any known bit, the fd, IN_MASK_ADD with IN_MASK_CREATE, the kind
            // of fd, and only then the path.
            if ((mask & ALL_INOTIFY_BITS) == 0) throw Errno.EINVAL.fail();
            FileDescription file = t.process.files.get(a.i32(0));
            if ((mask & IN_MASK_ADD) != 0 && (mask & IN_MASK_CREATE) != 0) throw Errno.EINVAL.fail();
            InotifyFile instance = instance(t, a.i32(0));
            byte[] path = GuestPaths.path(t, a.get(1));
            return instance.addWatch(t, path, mask, message -> t.kernel().log().once(message));
        }).coveredBy("CProgramsTest[inotify events]", "CProgramsTest[inotify watches]");
        r.full(Sysno.INOTIFY_RM_WATCH, (t, a) -> {
            instance(t, a.i32(0)).removeWatch(a.i32(1));
            return 0;
        }).coveredBy("CProgramsTest[inotify watches]");
    }

    private static long init(GuestThread t, int flags) {
        if ((flags & ~(IN_NONBLOCK | IN_CLOEXEC)) != 0) throw Errno.EINVAL.fail();
        InotifyFile file = InotifyFile.create(t.process.fs().host, flags);
        try {
            return t.process.files.install(file, (flags & IN_CLOEXEC) != 0);
        } catch (RuntimeException e) {
            file.retain(); // never installed: the description's host fd goes back to the host
            file.unretain();
            throw e;
        }
    }

    /** EBADF for a closed fd, EINVAL for an fd that is not an inotify instance (Linux's order). */
    private static InotifyFile instance(GuestThread t, int fd) {
        FileDescription file = t.process.files.get(fd);
        if (!(file instanceof InotifyFile i)) throw Errno.EINVAL.fail();
        return i;
    }
}
