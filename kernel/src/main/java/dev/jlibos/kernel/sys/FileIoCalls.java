package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.event.InotifyFile;
import dev.jlibos.vfs.event.Poll;

import dev.jlibos.core.abi.Rwf;

import static dev.jlibos.core.abi.Fcntl.O_APPEND;
import static dev.jlibos.core.abi.Fcntl.SEEK_CUR;
import static dev.jlibos.core.abi.Fcntl.SEEK_END;
import static dev.jlibos.core.abi.Fcntl.SEEK_HOLE;
import static dev.jlibos.core.abi.Fcntl.SEEK_SET;
import static dev.jlibos.kernel.syscall.Trait.GROWS_FILES;
import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;

/** Moving bytes between files and guest memory: read/write and their vectored and positioned forms. */
public final class FileIoCalls implements SyscallFamily {
    /** One transfer's Java-side chunk; larger requests loop, so no guest length sizes an allocation. */
    private static final int CHUNK = 1 << 20;
    private static final int IOV_MAX = 1024;
    /** Linux's MAX_RW_COUNT: one call never moves more than 2 GiB - 4 KiB. */
    private static final long MAX_RW_COUNT = 0x7ffff000L;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.READ, (t, a) -> read(t, a.i32(0), a.get(1), a.get(2), -1))
                .traits(RESTARTABLE)
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.WRITE, (t, a) -> write(t, a.i32(0), a.get(1), a.get(2), -1))
                .traits(RESTARTABLE, GROWS_FILES)
                .coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.PREAD64, (t, a) -> read(t, a.i32(0), a.get(1), a.get(2), positioned(a.get(3))))
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.PWRITE64, (t, a) -> write(t, a.i32(0), a.get(1), a.get(2), positioned(a.get(3))))
                .traits(GROWS_FILES)
                .coveredBy("CProgramsTest[files]");
        r.full(Sysno.READV, (t, a) -> vectored(t, a, false, -1)).traits(RESTARTABLE);
        r.full(Sysno.WRITEV, (t, a) -> vectored(t, a, true, -1)).traits(RESTARTABLE, GROWS_FILES);
        r.full(Sysno.PREADV, (t, a) -> vectored(t, a, false, positioned(a.get(3))));
        r.full(Sysno.PWRITEV, (t, a) -> vectored(t, a, true, positioned(a.get(3))))
                .traits(GROWS_FILES)
                .coveredBy("CProgramsTest[limits fsize]");
        r.partial(Sysno.PREADV2, "offset -1 is the file position; RWF_* flags as Linux takes them per kind of file:"
                + " a host file's by the host itself; RWF_NOWAIT on pipes, sockets and eventfd/timerfd/signalfd reads;"
                + " synthetic /proc and /sys files take RWF_HIPRI only", (t, a) -> vectored2(t, a, false))
                        .traits(RESTARTABLE)
                        .coveredBy("CProgramsTest[longtail rwv2]");
        r.partial(Sysno.PWRITEV2, "as preadv2; RWF_APPEND/NOAPPEND/DSYNC/SYNC/ATOMIC/DONTCACHE on host files by the"
                + " host; RWF_NOSIGNAL", (t, a) -> vectored2(t, a, true))
                        .traits(RESTARTABLE, GROWS_FILES)
                        .coveredBy("CProgramsTest[longtail rwv2]");
        r.full(Sysno.LSEEK, this::lseek).coveredBy("CProgramsTest[files]");
        r.full(Sysno.SENDFILE, this::sendfile);
        r.full(Sysno.FADVISE64, this::fadvise);
    }

    private static long positioned(long offset) {
        if (offset < 0) throw Errno.EINVAL.fail();
        return offset;
    }

    /** read(2)/pread64(2): {@code position} < 0 means "at the file position". */
    static long read(GuestThread t, int fd, long buf, long count, long position) {
        FileDescription file = t.process.files.get(fd);
        if (!file.readable()) throw Errno.EBADF.fail();
        if (count < 0) throw Errno.EINVAL.fail();
        count = Math.min(count, MAX_RW_COUNT);
        AddressSpace m = t.process.memory();
        m.requireAccess(buf, Math.min(count, CHUNK), true);
        if (count == 0 && file instanceof InotifyFile) {
            // inotify has no zero-length shortcut: EAGAIN or a wait while nothing is queued, then EINVAL.
            return InterruptibleSleep.retrying(t, file, Poll.IN, () -> file.read(new byte[0], 0, 0));
        }
        long done = 0;
        byte[] chunk = new byte[(int) Math.min(count, CHUNK)];
        while (done < count) {
            int want = (int) Math.min(chunk.length, count - done);
            if (done > 0) m.requireAccess(buf + done, want, true);
            int n;
            try {
                n = position >= 0 ? file.pread(chunk, 0, want, position + done)
                        : InterruptibleSleep.retrying(t, file, Poll.IN, () -> file.read(chunk, 0, want));
            } catch (RuntimeException e) {
                if (done > 0) break;
                throw e;
            }
            if (n <= 0) break;
            m.write(buf + done, chunk, 0, n);
            done += n;
            // Only regular host files are read on after a full chunk: a pipe or terminal could block.
            if (n < want || !neverBlocks(file)) break;
        }
        return done;
    }

    /**
     * RLIMIT_FSIZE on a regular file (generic_write_check_limits): a write starting at or past the limit
     * raises SIGXFSZ and fails with EFBIG (the status a process that ignores SIGXFSZ sees); one that
     * would cross it is cut short at the limit.
     */
    static long withinFileSizeLimit(GuestThread t, FileDescription file, long count, long position) {
        return withinFileSizeLimit(t, file, count, () -> position >= 0 ? position
                : file.seek(0, (file.statusFlags() & O_APPEND) != 0 ? SEEK_END : SEEK_CUR));
    }

    /** The same, with the start of the write found only if a limit applies. */
    static long withinFileSizeLimit(GuestThread t, FileDescription file, long count, java.util.function.LongSupplier startOf) {
        long limit = t.process.limits.soft(dev.jlibos.core.rlimit.ResourceLimits.FSIZE);
        if (limit == dev.jlibos.core.rlimit.ResourceLimits.INFINITY || !(file instanceof dev.jlibos.vfs.HostFile)) return count;
        if ((dev.jlibos.vfs.StatLayout.mode(file.stat()) & dev.jlibos.vfs.StatLayout.S_IFMT) != dev.jlibos.vfs.StatLayout.S_IFREG) {
            return count;
        }
        long start = startOf.getAsLong();
        if (Long.compareUnsigned(start, limit) >= 0) {
            t.signals.post(dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGXFSZ,
                    dev.jlibos.signals.SigInfo.SI_KERNEL, 0, 0));
            throw Errno.EFBIG.fail();
        }
        return Math.min(count, limit - start);
    }

    /**
     * A write refused by the machine's output budget raises SIGXFSZ, as one past RLIMIT_FSIZE does (the
     * budget's EFBIG comes only once a write could not write a byte; a short write raises nothing).
     */
    private static void raiseIfOutputExhausted(GuestThread t, FileDescription file, dev.jlibos.core.LinuxException e) {
        if (e.errno() == Errno.EFBIG && file.outputLimited()) {
            t.signals.post(dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGXFSZ,
                    dev.jlibos.signals.SigInfo.SI_KERNEL, 0, 0));
        }
    }

    static long write(GuestThread t, int fd, long buf, long count, long position) {
        FileDescription file = t.process.files.get(fd);
        if (!file.writable()) throw Errno.EBADF.fail();
        if (count < 0) throw Errno.EINVAL.fail();
        count = Math.min(count, MAX_RW_COUNT);
        if (count > 0) count = withinFileSizeLimit(t, file, count, position);
        AddressSpace m = t.process.memory();
        long done = 0;
        byte[] chunk = new byte[(int) Math.min(count, CHUNK)];
        while (done < count) {
            int want = (int) Math.min(chunk.length, count - done);
            try {
                m.read(buf + done, chunk, 0, want);
            } catch (RuntimeException e) {
                if (done > 0) break; // a short write, as Linux reports a fault after progress
                throw e;
            }
            int n = 0;
            try {
                if (position >= 0) {
                    n = file.pwrite(chunk, 0, want, position + done);
                } else {
                    // A blocking write to a pipe or socket goes on until everything is written, or a
                    // signal or error ends it with what was written so far (pipe_write).
                    do {
                        int from = n;
                        n += InterruptibleSleep.retrying(t, file, Poll.OUT, () -> file.write(chunk, from, want - from));
                    } while (n < want && file.retriesPartialWrites() && !file.nonBlocking());
                }
            } catch (dev.jlibos.core.LinuxException e) {
                if (n > 0) {
                    done += n;
                    break;
                }
                // Writing to a pipe nobody reads raises SIGPIPE as well as EPIPE (pipe_write in Linux).
                if (e.errno() == Errno.EPIPE) {
                    t.signals.post(dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGPIPE,
                            dev.jlibos.signals.SigInfo.SI_USER, 0, 0));
                }
                if (done == 0) raiseIfOutputExhausted(t, file, e);
                if (done > 0) break;
                throw e;
            }
            done += n;
            if (n < want) break;
        }
        return done;
    }

    /** Regular files, directories and memory devices: reading on never waits. */
    private static boolean neverBlocks(FileDescription file) {
        return file instanceof HostFile h && h.neverBlocks();
    }

    /** readv/writev/preadv/pwritev over an array of struct iovec {base, len}. */
    private long vectored(GuestThread t, SyscallArgs a, boolean toFile, long position) {
        int fd = a.i32(0), count = a.i32(2);
        long iov = a.get(1);
        FileDescription file = t.process.files.get(fd); // EBADF before the vectors are read
        if (count < 0 || count > IOV_MAX) throw Errno.EINVAL.fail();
        AddressSpace m = t.process.memory();
        long[] bases = new long[count], lengths = new long[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            bases[i] = m.readLong(iov + 16L * i);
            lengths[i] = m.readLong(iov + 16L * i + 8);
            if (lengths[i] < 0 || (total += lengths[i]) < 0) throw Errno.EINVAL.fail();
        }
        long done = 0;
        for (int i = 0; i < count; i++) {
            if (lengths[i] == 0) continue;
            long pos = position < 0 ? -1 : position + done;
            // A readv that has data returns it rather than wait for more (a pipe holding exactly the first
            // vector's bytes must not block in the second).
            if (!toFile && done > 0 && pos < 0 && !neverBlocks(file) && (file.pollEvents() & Poll.IN) == 0) break;
            long n;
            try {
                n = toFile ? write(t, fd, bases[i], lengths[i], pos) : read(t, fd, bases[i], lengths[i], pos);
            } catch (RuntimeException e) {
                if (done > 0) break;
                throw e;
            }
            done += n;
            if (n < lengths[i]) break;
        }
        return done;
    }

    /** One chunk of a preadv2/pwritev2 at {@code position} (-1: the file position); returns the bytes moved. */
    @FunctionalInterface
    private interface Chunk {
        int move(byte[] chunk, int length, long position);
    }

    /**
     * preadv2/pwritev2(fd, iov, count, pos_l, pos_h, flags): pos_l is the whole offset on x86-64, -1 the
     * file position (as readv/writev), below that EINVAL. Checked in Linux's order: the offset, the fd, its
     * mode, the vectors; an empty transfer moves nothing (and looks at no flag); then the flags, which a
     * host file's own file system checks (preadv2 goes to the host with them), and jlibos checks for the
     * files it serves by {@link FileDescription#rwFlags}.
     */
    private long vectored2(GuestThread t, SyscallArgs a, boolean toFile) {
        long position = a.get(3);
        int flags = a.i32(5);
        if (position < -1) throw Errno.EINVAL.fail();
        FileDescription file = t.process.files.get(a.i32(0));
        HostFile host = file instanceof HostFile h && h.rwOnHost() ? h : null;
        if (position >= 0 && host == null) file.pread(new byte[0], 0, 0, position); // ESPIPE without FMODE_PREAD
        if (!(toFile ? file.writable() : file.readable())) throw Errno.EBADF.fail();
        AddressSpace m = t.process.memory();
        long count = a.get(2);
        if (Long.compareUnsigned(count, IOV_MAX) > 0) throw Errno.EINVAL.fail();
        long[] bases = new long[(int) count], lengths = new long[(int) count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            bases[i] = m.readLong(a.get(1) + 16L * i);
            lengths[i] = m.readLong(a.get(1) + 16L * i + 8);
            if (lengths[i] < 0) throw Errno.EINVAL.fail();
            lengths[i] = Math.min(lengths[i], MAX_RW_COUNT - total);
            total += lengths[i];
        }
        if (total == 0) return 0;
        if (position >= 0 && position + total < 0) throw Errno.EINVAL.fail();
        if (host == null) checkRwFlags(flags, file.rwFlags(toFile));
        boolean nowait = (flags & Rwf.RWF_NOWAIT) != 0;
        Chunk op;
        if (host != null) {
            boolean direct = position >= 0 || nowait || host.neverBlocks();
            op = toFile
                    ? (c, n, p) -> direct ? host.pwritev2(c, 0, n, p, flags)
                            : InterruptibleSleep.retrying(t, file, Poll.OUT, () -> host.pwritev2(c, 0, n, p, flags))
                    : (c, n, p) -> direct ? host.preadv2(c, 0, n, p, flags)
                            : InterruptibleSleep.retrying(t, file, Poll.IN, () -> host.preadv2(c, 0, n, p, flags));
        } else if (position >= 0) {
            op = toFile ? (c, n, p) -> file.pwrite(c, 0, n, p) : (c, n, p) -> file.pread(c, 0, n, p);
        } else if (toFile) {
            op = (c, n, p) -> nowait ? file.write(c, 0, n) : writeAll(t, file, c, n);
        } else {
            op = (c, n, p) -> nowait ? file.read(c, 0, n) : InterruptibleSleep.retrying(t, file, Poll.IN, () -> file.read(c, 0, n));
        }
        if (toFile) total = withinFileSizeLimit(t, file, total, () -> writeStart(file, position, flags));
        long done = 0;
        byte[] chunk = new byte[(int) Math.min(total, CHUNK)];
        try {
            for (int i = 0; i < count && done < total; i++) {
                long length = Math.min(lengths[i], total - done);
                for (long at = 0; at < length; ) {
                    int want = (int) Math.min(chunk.length, length - at);
                    if (toFile) m.read(bases[i] + at, chunk, 0, want);
                    else m.requireAccess(bases[i] + at, want, true);
                    int n = op.move(chunk, want, position < 0 ? -1 : position + done);
                    if (!toFile && n > 0) m.write(bases[i] + at, chunk, 0, n);
                    at += n;
                    done += n;
                    if (n < want) return done;
                }
            }
        } catch (dev.jlibos.core.LinuxException e) {
            // Writing to a pipe nobody reads raises SIGPIPE too, unless RWF_NOSIGNAL.
            if (toFile && e.errno() == Errno.EPIPE && (flags & Rwf.RWF_NOSIGNAL) == 0) {
                t.signals.post(dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGPIPE,
                        dev.jlibos.signals.SigInfo.SI_USER, 0, 0));
            }
            if (toFile && done == 0) raiseIfOutputExhausted(t, file, e);
            if (done > 0) return done;
            throw e;
        }
        return done;
    }

    /** kiocb_set_rw_flags for a file jlibos serves: unknown flags EOPNOTSUPP, APPEND with NOAPPEND EINVAL. */
    private static void checkRwFlags(int flags, int supported) {
        if (flags == 0) return;
        if ((flags & ~Rwf.KNOWN) != 0) throw Errno.EOPNOTSUPP.fail();
        if (supported == Rwf.LOOP) { // do_loop_readv_writev: nothing but RWF_HIPRI
            if ((flags & ~Rwf.LOOP) != 0) throw Errno.EOPNOTSUPP.fail();
            return;
        }
        if ((flags & (Rwf.RWF_APPEND | Rwf.RWF_NOAPPEND)) == (Rwf.RWF_APPEND | Rwf.RWF_NOAPPEND)) throw Errno.EINVAL.fail();
        if ((flags & ~supported) != 0) throw Errno.EOPNOTSUPP.fail();
    }

    /** Where a pwritev2 starts, for RLIMIT_FSIZE: the end with RWF_APPEND (or O_APPEND without RWF_NOAPPEND). */
    private static long writeStart(FileDescription file, long position, int flags) {
        boolean append = (flags & Rwf.RWF_APPEND) != 0
                || ((file.statusFlags() & O_APPEND) != 0 && (flags & Rwf.RWF_NOAPPEND) == 0);
        if (append) return dev.jlibos.vfs.StatLayout.size(file.stat());
        return position >= 0 ? position : file.seek(0, SEEK_CUR);
    }

    /** A blocking write to a pipe or socket: on until everything is written, or a signal or error ends it. */
    private static int writeAll(GuestThread t, FileDescription file, byte[] chunk, int length) {
        int n = 0;
        do {
            int from = n;
            try {
                n += InterruptibleSleep.retrying(t, file, Poll.OUT, () -> file.write(chunk, from, length - from));
            } catch (dev.jlibos.core.LinuxException e) {
                if (n > 0) return n;
                throw e;
            }
        } while (n < length && file.retriesPartialWrites() && !file.nonBlocking());
        return n;
    }

    /** sendfile(out, in, offset*, count): copies through the JVM in chunks; *offset is updated, not the file position. */
    private long sendfile(GuestThread t, SyscallArgs a) {
        var files = t.process.files;
        FileDescription out = files.get(a.i32(0)), in = files.get(a.i32(1));
        if (!in.readable() || !out.writable()) throw Errno.EBADF.fail();
        long offsetAddress = a.get(2), count = Math.min(a.get(3), MAX_RW_COUNT);
        long position = offsetAddress != 0 ? t.process.memory().readLong(offsetAddress) : -1;
        if (offsetAddress != 0 && position < 0) throw Errno.EINVAL.fail();
        byte[] chunk = new byte[(int) Math.min(Math.max(count, 0), CHUNK)];
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(chunk.length, count - done);
            int n = position < 0 ? InterruptibleSleep.retrying(t, in, Poll.IN, () -> in.read(chunk, 0, want))
                    : in.pread(chunk, 0, want, position + done);
            if (n <= 0) break;
            int written = 0;
            while (written < n) {
                int from = written;
                written += InterruptibleSleep.retrying(t, out, Poll.OUT, () -> out.write(chunk, from, n - from));
            }
            done += n;
            if (n < want) break;
        }
        if (offsetAddress != 0) t.process.memory().writeLong(offsetAddress, position + done);
        return done;
    }

    /** posix_fadvise: advice only tunes host caching, so valid calls succeed without effect. */
    private long fadvise(GuestThread t, SyscallArgs a) {
        FileDescription file = t.process.files.get(a.i32(0));
        if (file.hostFd() < 0) throw Errno.ESPIPE.fail();
        int advice = a.i32(3);
        if (advice < 0 || advice > 5 || a.get(2) < 0) throw Errno.EINVAL.fail();
        return 0;
    }

    private long lseek(GuestThread t, SyscallArgs a) {
        int whence = a.i32(2);
        if (whence < SEEK_SET || whence > SEEK_HOLE) throw Errno.EINVAL.fail();
        return t.process.files.get(a.i32(0)).seek(a.get(1), whence);
    }
}
