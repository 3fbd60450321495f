package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.DirectoryNotifications;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.PipeBuffer;
import dev.jlibos.vfs.RecordLocks;
import dev.jlibos.vfs.event.Waiter;
import dev.jlibos.vfs.net.InterfaceNames;
import dev.jlibos.vfs.net.Socket;

import static dev.jlibos.core.abi.Fcntl.FD_CLOEXEC;
import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFD;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;
import static dev.jlibos.core.abi.Fcntl.F_GETLK;
import static dev.jlibos.core.abi.Fcntl.F_GETPIPE_SZ;
import static dev.jlibos.core.abi.Fcntl.F_GETSIG;
import static dev.jlibos.core.abi.Fcntl.F_NOTIFY;
import static dev.jlibos.core.abi.Fcntl.F_SETSIG;
import static dev.jlibos.core.abi.Fcntl.F_SETPIPE_SZ;
import static dev.jlibos.core.abi.Fcntl.F_OFD_GETLK;
import static dev.jlibos.core.abi.Fcntl.F_OFD_SETLK;
import static dev.jlibos.core.abi.Fcntl.F_OFD_SETLKW;
import static dev.jlibos.core.abi.Fcntl.F_SETFD;
import static dev.jlibos.core.abi.Fcntl.F_SETFL;
import static dev.jlibos.core.abi.Fcntl.F_SETLK;
import static dev.jlibos.core.abi.Fcntl.F_SETLKW;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_DIRECT;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;

/** The descriptor table: close, dup family, fcntl, ioctl, pipes. */
public final class FdCalls implements SyscallFamily {
    /** struct flock on x86-64. */
    private static final int FLOCK_SIZE = 32;
    private static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
            TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, SIOCOUTQ = 0x5411, FIONBIO = 0x5421,
            FIONCLEX = 0x5450, FIOCLEX = 0x5451;
    /** The kernel's struct termios (not glibc's larger one) and struct winsize. */
    private static final int TERMIOS_SIZE = 36, WINSIZE_SIZE = 8;
    private static final int CLOSE_RANGE_CLOEXEC = 4, CLOSE_RANGE_UNSHARE = 2;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.CLOSE, (t, a) -> {
            RecordLocks.closing(t.process, t.process.files.get(a.i32(0)));
            t.process.files.close(a.i32(0));
            return 0;
        }).coveredBy("CProgramsTest[files]");
        r.full(Sysno.CLOSE_RANGE, this::closeRange).coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.DUP, (t, a) -> t.process.files.install(t.process.files.get(a.i32(0)), false))
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.DUP2, this::dup2).coveredBy("CProgramsTest[files]");
        r.full(Sysno.DUP3, this::dup3);
        r.partial(Sysno.FCNTL, "POSIX record locks per guest process (also taken on the host); OFD locks are"
                + " the host's (F_OFD_SETLKW waits in jlibos); F_SETPIPE_SZ up to pipe-max-size (1 MiB) even with"
                + " CAP_SYS_RESOURCE; F_NOTIFY (dnotify) from host inotify watches, its signal a moment after the change,"
                + " EINVAL on directories jlibos generates; F_SETSIG is kept for dnotify (no O_ASYNC); F_SETOWN,"
                + " leases and seals: EINVAL", this::fcntl).traits(RESTARTABLE)
                .coveredBy("CProgramsTest[files]", "CProgramsTest[reclocks]", "CProgramsTest[filelocks interrupt]",
                        "CProgramsTest[ancillary pipesz]", "CProgramsTest[inotify dnotify]");
        r.partial(Sysno.IOCTL, "terminal requests TCGETS/TCSETS*/TIOCGWINSZ/TIOCSWINSZ/TIOCGPGRP/TIOCSPGRP (one"
                + " foreground group per machine), FIONREAD, SIOCOUTQ, SIOCGIFINDEX/SIOCGIFNAME on sockets,"
                + " FIONBIO, FIOCLEX/FIONCLEX; other requests ENOTTY", this::ioctl)
                        .coveredBy("CProgramsTest[sockets socketpair]", "CProgramsTest[netlink]");
        r.full(Sysno.PIPE, (t, a) -> pipe(t, a.get(0), 0));
        r.partial(Sysno.PIPE2, "O_DIRECT (packet mode): EINVAL", (t, a) -> pipe(t, a.get(0), a.i32(1)))
                .coveredBy("CProgramsTest[pipe]");
    }

    private long dup2(GuestThread t, SyscallArgs a) {
        int oldFd = a.i32(0), newFd = a.i32(1);
        FileDescription file = t.process.files.get(oldFd);
        if (oldFd == newFd) return newFd;
        closingIfOpen(t, newFd);
        t.process.files.installAt(newFd, file, false);
        return newFd;
    }

    private long dup3(GuestThread t, SyscallArgs a) {
        int oldFd = a.i32(0), newFd = a.i32(1), flags = a.i32(2);
        if ((flags & ~O_CLOEXEC) != 0 || oldFd == newFd) throw Errno.EINVAL.fail();
        t.process.files.get(oldFd);
        closingIfOpen(t, newFd);
        t.process.files.installAt(newFd, t.process.files.get(oldFd), (flags & O_CLOEXEC) != 0);
        return newFd;
    }

    private long closeRange(GuestThread t, SyscallArgs a) {
        long first = a.get(0) & 0xffffffffL, last = a.get(1) & 0xffffffffL;
        int flags = a.i32(2);
        if ((flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)) != 0 || first > last) throw Errno.EINVAL.fail();
        FdTable files = t.process.files;
        for (int fd : files.openDescriptors()) {
            if (fd < first || fd > last) continue;
            if ((flags & CLOSE_RANGE_CLOEXEC) != 0) {
                files.setCloseOnExec(fd, true);
            } else {
                closingIfOpen(t, fd);
                files.close(fd);
            }
        }
        return 0;
    }

    /** Closing a descriptor drops the process's record locks on its file (POSIX). */
    private static void closingIfOpen(GuestThread t, int fd) {
        try {
            RecordLocks.closing(t.process, t.process.files.get(fd));
        } catch (dev.jlibos.core.LinuxException notOpen) {
            // nothing to release
        }
    }

    private long fcntl(GuestThread t, SyscallArgs a) {
        FdTable files = t.process.files;
        int fd = a.i32(0), cmd = a.i32(1);
        FileDescription file = files.get(fd);
        switch (cmd) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                return files.installFrom(a.i32(2), file, cmd == F_DUPFD_CLOEXEC);
            }
            case F_GETFD -> {
                return files.closeOnExec(fd) ? FD_CLOEXEC : 0;
            }
            case F_SETFD -> {
                files.setCloseOnExec(fd, (a.i32(2) & FD_CLOEXEC) != 0);
                return 0;
            }
            case F_GETFL -> {
                return file.statusFlags();
            }
            case F_SETFL -> {
                file.setStatusFlags(a.i32(2));
                return 0;
            }
            case F_GETLK, F_SETLK, F_SETLKW -> {
                // Process-owned locks are served here: to the host, every guest process is the JVM.
                return RecordLocks.fcntl(t.process, file, cmd, a.get(2), cmd == F_SETLKW, sleeper(t));
            }
            case F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW -> {
                return lock(t, file, cmd, a.get(2));
            }
            case F_GETPIPE_SZ -> {
                if (!(file instanceof dev.jlibos.vfs.PipeEnd pipe)) throw Errno.EBADF.fail();
                return pipe.pipeCapacity();
            }
            case F_SETPIPE_SZ -> {
                if (!(file instanceof dev.jlibos.vfs.PipeEnd pipe)) throw Errno.EBADF.fail();
                return pipe.resizePipe(a.get(2) & 0xffffffffL); // an unsigned int in Linux
            }
            case F_SETSIG -> {
                int signal = (int) a.get(2); // valid_signal of the int as an unsigned long: 0 to 64
                if (signal < 0 || signal > dev.jlibos.signals.Signal.SIGRTMAX) throw Errno.EINVAL.fail();
                file.setNotifySignal(signal);
                return 0;
            }
            case F_GETSIG -> {
                return file.notifySignal();
            }
            case F_NOTIFY -> {
                DirectoryNotifications dnotify = t.kernel().machineState(DirectoryNotifications.class,
                        () -> new DirectoryNotifications(t.process.fs().host));
                dnotify.notify(t.process, files, fd, file, (int) a.get(2), message -> t.kernel().log().once(message));
                return 0;
            }
            default -> {
                t.kernel().log().once("fcntl command " + cmd + " is not supported (EINVAL)");
                throw Errno.EINVAL.fail();
            }
        }
    }

    /** Locks on host files are the host kernel's, so they behave like Linux locks held by one process. */
    private long lock(GuestThread t, FileDescription file, int cmd, long flockAddress) {
        AddressSpace m = t.process.memory();
        byte[] flock = m.read(flockAddress, FLOCK_SIZE);
        if (file.hostFd() < 0) throw Errno.EINVAL.fail();
        HostFs host = t.process.fs().host;
        if (cmd == F_OFD_SETLKW) {
            // Asked without waiting, as flock is: a blocking host fcntl would keep guest signals out.
            return FileLockCalls.untilGranted(t, false, () -> {
                host.fcntlBuffer(file.hostFd(), F_OFD_SETLK, flock);
                return 0;
            });
        }
        byte[] out = host.fcntlBuffer(file.hostFd(), cmd, flock);
        if (cmd == F_GETLK || cmd == F_OFD_GETLK) m.write(flockAddress, out);
        return 0;
    }

    private long ioctl(GuestThread t, SyscallArgs a) {
        FdTable files = t.process.files;
        int fd = a.i32(0);
        int request = a.i32(1);
        long arg = a.get(2);
        FileDescription file = files.get(fd);
        AddressSpace m = t.process.memory();
        switch (request) {
            case FIOCLEX, FIONCLEX -> {
                files.setCloseOnExec(fd, request == FIOCLEX);
                return 0;
            }
            case FIONBIO -> {
                int on = m.readInt(arg);
                file.setStatusFlags(on != 0 ? file.statusFlags() | O_NONBLOCK : file.statusFlags() & ~O_NONBLOCK);
                return 0;
            }
            case FIONREAD -> {
                m.writeInt(arg, file.available());
                return 0;
            }
            case SIOCOUTQ -> {
                m.writeInt(arg, file.outputQueued());
                return 0;
            }
            case InterfaceNames.SIOCGIFINDEX, InterfaceNames.SIOCGIFNAME -> {
                if (!(file instanceof Socket)) throw Errno.ENOTTY.fail();
                byte[] ifreq = m.read(arg, InterfaceNames.IFREQ_SIZE);
                m.write(arg, InterfaceNames.ioctl(t.process.fs().host, request, ifreq, !t.kernel().hostNetwork()));
                return 0;
            }
            case TCGETS, TIOCGWINSZ -> {
                int size = request == TCGETS ? TERMIOS_SIZE : WINSIZE_SIZE;
                m.requireAccess(arg, size, true);
                m.write(arg, terminal(t, file).ioctlBuffer(file.hostFd(), request, new byte[size]));
                return 0;
            }
            case TCSETS, TCSETSW, TCSETSF, TIOCSWINSZ -> {
                int size = request == TIOCSWINSZ ? WINSIZE_SIZE : TERMIOS_SIZE;
                terminal(t, file).ioctlBuffer(file.hostFd(), request, m.read(arg, size));
                return 0;
            }
            case TIOCGPGRP -> {
                // The foreground group is the guest's (jlibos's pid namespace), not the host terminal's.
                terminal(t, file).ioctlBuffer(file.hostFd(), TCGETS, new byte[TERMIOS_SIZE]);
                m.writeInt(arg, t.kernel().processTable().foregroundGroup());
                return 0;
            }
            case TIOCSPGRP -> {
                terminal(t, file).ioctlBuffer(file.hostFd(), TCGETS, new byte[TERMIOS_SIZE]);
                int pgid = m.readInt(arg);
                if (pgid < 0) throw Errno.EINVAL.fail();
                boolean exists = false, sameSession = false;
                for (var p : t.kernel().processes()) {
                    if (p.pgid() != pgid || p.finished()) continue;
                    exists = true;
                    sameSession |= p.sid() == t.process.sid();
                }
                if (!exists) throw Errno.ESRCH.fail();
                if (!sameSession) throw Errno.EPERM.fail();
                t.kernel().processTable().setForegroundGroup(pgid);
                return 0;
            }
            default -> {
                if (file.hostFd() < 0) throw Errno.ENOTTY.fail();
                t.kernel().log().once("ioctl request 0x" + Integer.toHexString(request) + " is not supported (ENOTTY)");
                throw Errno.ENOTTY.fail();
            }
        }
    }

    /** Terminal requests go to the host terminal behind a host fd; anything else is not a tty. */
    private static HostFs terminal(GuestThread t, FileDescription file) {
        if (file.hostFd() < 0) throw Errno.ENOTTY.fail();
        return t.process.fs().host;
    }

    private long pipe(GuestThread t, long address, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) != 0) throw Errno.EINVAL.fail();
        if ((flags & O_DIRECT) != 0) {
            t.kernel().log().once("pipe2: O_DIRECT (packet mode) is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        t.process.memory().requireAccess(address, 8, true);
        FileDescription[] ends = PipeBuffer.create(flags);
        boolean cloexec = (flags & O_CLOEXEC) != 0;
        FdTable files = t.process.files;
        int r = files.install(ends[0], cloexec);
        int w;
        try {
            w = files.install(ends[1], cloexec);
        } catch (RuntimeException e) {
            files.close(r);
            throw e;
        }
        t.process.memory().writeInt(address, r);
        t.process.memory().writeInt(address + 4, w);
        return 0;
    }

    /** F_SETLKW's wait: the thread's interruptible sleep under its signal mask, re-checking every slice. */
    private static RecordLocks.Sleeper sleeper(GuestThread t) {
        return new RecordLocks.Sleeper() {
            @Override
            public Waiter waiter() {
                return InterruptibleSleep.waiter(t);
            }

            @Override
            public void sleep(Waiter w) {
                InterruptibleSleep.sleep(t, w, InterruptibleSleep.FOREVER, t.signals.blocked(), true);
            }
        };
    }
}
