package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;

import java.util.function.LongSupplier;

import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;

/**
 * flock(2), served on the description's own host fd. Every guest open is a host open file description of
 * its own (dup and fork share it, as they share the guest's), so the host's flock gives Linux's semantics
 * between guest descriptions, between machines, and with host processes. What jlibos adds is the wait: the
 * host is only ever asked with LOCK_NB, and a blocking request sleeps between tries, interruptibly, so a
 * signal ends it with EINTR (or restarts it under SA_RESTART) as on Linux; a blocking host flock would hold
 * the JVM thread where no guest signal reaches it.
 */
public final class FileLockCalls implements SyscallFamily {
    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.FLOCK, "on the host fd of the description; pipes, sockets and other files without one are"
                + " granted at once", this::flock).traits(RESTARTABLE).coveredBy("CProgramsTest[filelocks flock]", "CProgramsTest[filelocks interrupt]");
    }

    private long flock(GuestThread t, SyscallArgs a) {
        FileDescription file = t.process.files.get(a.i32(0));
        int op = a.i32(1), cmd = op & ~LOCK_NB;
        if (cmd != LOCK_SH && cmd != LOCK_EX && cmd != LOCK_UN) throw Errno.EINVAL.fail();
        if (file.hostFd() < 0) {
            t.kernel().log().once("flock on a file without a host fd (pipe, socket, event): granted without a lock");
            return 0;
        }
        int fd = file.hostFd();
        return untilGranted(t, (op & LOCK_NB) != 0 || cmd == LOCK_UN, () -> {
            long r = t.process.fs().host.raw(Sysno.FLOCK, fd, cmd | LOCK_NB, 0, 0, 0, 0);
            if (r < 0) throw Errno.fromHost((int) -r).fail();
            return r;
        });
    }

    /**
     * Makes {@code attempt} (a lock request the host answers without waiting) until it is granted: EAGAIN or
     * EACCES mean "held by another", which fails at once when {@code nonBlocking}, and otherwise waits a
     * host-poll slice (5 ms), interruptibly, and asks again.
     */
    static long untilGranted(GuestThread t, boolean nonBlocking, LongSupplier attempt) {
        while (true) {
            try {
                return attempt.getAsLong();
            } catch (dev.jlibos.core.LinuxException e) {
                if (e.errno() != Errno.EAGAIN && e.errno() != Errno.EACCES || nonBlocking) throw e;
            }
            t.pauseForHost();
        }
    }
}
