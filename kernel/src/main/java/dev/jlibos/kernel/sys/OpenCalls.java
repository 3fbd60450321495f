package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.Opener;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_CREAT;
import static dev.jlibos.core.abi.Fcntl.O_TRUNC;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/**
 * Opening files: open, openat, creat, openat2. Argument decoding only; {@link Opener} (vfs) turns the path
 * into an open file (host passthrough, the sandbox's walk or a synthetic tree).
 */
public final class OpenCalls implements SyscallFamily {
    @Override
    public void register(SyscallRegistry r) {
        // Restartable: a signal ends an open waiting for a FIFO's other end with ERESTARTSYS (fifo_open).
        r.full(Sysno.OPEN, (t, a) -> open(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2))).traits(RESTARTABLE);
        r.full(Sysno.OPENAT, (t, a) -> open(t, a.i32(0), a.get(1), a.i32(2), a.i32(3))).traits(RESTARTABLE)
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.CREAT, (t, a) -> open(t, AT_FDCWD, a.get(0), O_CREAT | O_WRONLY | O_TRUNC, a.i32(1))).traits(RESTARTABLE);
        r.full(Sysno.OPENAT2, this::openat2).traits(RESTARTABLE).coveredBy("CProgramsTest[fileops]");
        r.errno(Sysno.NAME_TO_HANDLE_AT, Errno.ENOSYS, "file handles are not offered (callers fall back to paths)");
        r.errno(Sysno.OPEN_BY_HANDLE_AT, Errno.ENOSYS, "file handles are not offered");
    }

    /** Flags openat2 accepts (VALID_OPEN_FLAGS); anything else is EINVAL, unlike open's silent ignoring. */
    private static final long VALID_OPEN_FLAGS = 3 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x101000 | 0x2000
            | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000 | 0x200000 | 0x400000;
    private static final long RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4, RESOLVE_BENEATH = 8,
            RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20, RESOLVE_ALL = 0x3f;
    private static final int OPEN_HOW_SIZE = 24, O_TMPFILE = 0x400000;

    /** openat2(dirfd, path, struct open_how *how, size): open's strict sibling with path-resolution limits. */
    private long openat2(GuestThread t, dev.jlibos.kernel.process.SyscallArgs a) {
        long size = a.get(3);
        if (size < OPEN_HOW_SIZE) throw Errno.EINVAL.fail();
        if (size > 4096) throw Errno.E2BIG.fail();
        byte[] how = t.process.memory().read(a.get(2), (int) size);
        for (int i = OPEN_HOW_SIZE; i < how.length; i++) if (how[i] != 0) throw Errno.E2BIG.fail();
        long flags = dev.jlibos.core.mem.Longs.fromBytes(how, 0), mode = dev.jlibos.core.mem.Longs.fromBytes(how, 8),
                resolve = dev.jlibos.core.mem.Longs.fromBytes(how, 16);
        if ((flags & ~VALID_OPEN_FLAGS) != 0 || (resolve & ~RESOLVE_ALL) != 0) throw Errno.EINVAL.fail();
        boolean creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
        if ((mode & ~07777L) != 0 || (!creates && mode != 0)) throw Errno.EINVAL.fail();
        if ((resolve & RESOLVE_BENEATH) != 0 && (resolve & RESOLVE_IN_ROOT) != 0) throw Errno.EINVAL.fail();
        if ((resolve & RESOLVE_CACHED) != 0 && (flags & (O_CREAT | O_TRUNC | O_TMPFILE)) != 0) throw Errno.EAGAIN.fail();
        long limits = resolve & ~RESOLVE_CACHED;
        if (limits == 0) return open(t, a.i32(0), a.get(1), (int) flags, (int) mode);
        return Opener.openLimited(t, a.i32(0), GuestPaths.path(t, a.get(1)), (int) flags, (int) mode, (int) limits);
    }

    static long open(GuestThread t, int dirfd, long pathAddress, int flags, int mode) {
        byte[] path = GuestPaths.path(t, pathAddress);
        if (t.process.determinism() != null && isRandomDevice(path)) {
            // Deterministic mode: the seeded generator, not the host's (or the sandbox's allowlisted) device.
            return t.process.files.install(new dev.jlibos.vfs.StreamFile(
                    dev.jlibos.kernel.process.Determinism.randomStream(t.process.determinism()), null, GuestPaths.string(path)),
                    (flags & O_CLOEXEC) != 0);
        }
        return Opener.open(t, dirfd, path, flags, mode);
    }

    private static boolean isRandomDevice(byte[] path) {
        String p = GuestPaths.string(path);
        return p.equals("/dev/urandom") || p.equals("/dev/random");
    }
}
