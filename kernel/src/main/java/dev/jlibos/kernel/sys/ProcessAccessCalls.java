package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.PtraceAccess;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.event.PidFd;

import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;

/**
 * Reaching into another guest process of the same machine: pidfds (pidfd_open, pidfd_getfd) and its
 * memory (process_vm_readv/writev), with ptrace_may_access's rules for PTRACE_MODE_ATTACH_REALCREDS: the
 * same real ids as the target's, a dumpable target, and the host's Yama ptrace_scope, or CAP_SYS_PTRACE.
 */
public final class ProcessAccessCalls implements SyscallFamily {
    /** pidfd_open flags: PIDFD_NONBLOCK is O_NONBLOCK, PIDFD_THREAD is O_EXCL. */
    private static final int PIDFD_NONBLOCK = O_NONBLOCK, PIDFD_THREAD = 0x80;
    /** UIO_MAXIOV. */
    private static final long IOV_MAX = 1024;
    /** MAX_RW_COUNT: import_iovec cuts the local total there. */
    private static final long MAX_RW_COUNT = 0x7ffff000L;
    private static final int CHUNK = 1 << 20;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.PIDFD_OPEN, "processes of the guest's machine, PIDFD_NONBLOCK; PIDFD_THREAD: EINVAL",
                this::pidfdOpen).coveredBy("CProgramsTest[longtail pidfd]");
        r.full(Sysno.PIDFD_GETFD, this::pidfdGetfd).coveredBy("CProgramsTest[longtail pidfd]");
        r.full(Sysno.PROCESS_VM_READV, (t, a) -> processVm(t, a, false)).coveredBy("CProgramsTest[longtail vm]");
        r.partial(Sysno.PROCESS_VM_WRITEV, "code another process has already run is not retranslated after a write"
                + " into its executable pages", (t, a) -> processVm(t, a, true)).coveredBy("CProgramsTest[longtail vm]");
    }

    // ---- pidfds ----------------------------------------------------------------------------------------

    private long pidfdOpen(GuestThread t, SyscallArgs a) {
        int pid = a.i32(0), flags = a.i32(1);
        if ((flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD)) != 0) throw Errno.EINVAL.fail();
        if ((flags & PIDFD_THREAD) != 0) {
            t.kernel().log().once("pidfd_open: PIDFD_THREAD is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        if (pid <= 0) throw Errno.EINVAL.fail();
        GuestProcess p = t.kernel().process(pid); // live or zombie: its pid still exists
        if (p == null) {
            // A thread's id exists but names no thread group (Linux 6.9+; ENOENT since pidfs).
            if (liveThread(t, pid) != null) throw Errno.ENOENT.fail();
            throw Errno.ESRCH.fail();
        }
        return t.process.files.install(new PidFd(p, flags & PIDFD_NONBLOCK), true); // always O_CLOEXEC
    }

    /**
     * pidfd_getfd(pidfd, fd, 0): a duplicate of the target's {@code fd}, close-on-exec, sharing its open
     * file description; ESRCH once the target has exited (its files are gone), EPERM without the right to
     * attach to it.
     */
    private long pidfdGetfd(GuestThread t, SyscallArgs a) {
        if (a.i32(2) != 0) throw Errno.EINVAL.fail();
        GuestProcess p = pidfdTarget(t, a.i32(0));
        if (p.reaped()) throw Errno.ESRCH.fail();
        checkAttach(t, p);
        if (p.exited()) throw Errno.ESRCH.fail();
        FileDescription file = p.files.retained(a.i32(1));
        try {
            return t.process.files.install(file, true);
        } finally {
            file.unretain();
        }
    }

    /** The process a pidfd refers to; EBADF if {@code fd} is not one. */
    private static GuestProcess pidfdTarget(GuestThread t, int fd) {
        if (!(t.process.files.get(fd) instanceof PidFd pidfd)) throw Errno.EBADF.fail();
        return (GuestProcess) pidfd.target();
    }

    static GuestThread liveThread(GuestThread t, int tid) {
        for (GuestProcess p : t.kernel().processes()) {
            if (p.exited()) continue;
            for (GuestThread th : p.threads) if (th.tid() == tid && !th.exiting()) return th;
        }
        return null;
    }

    /** ptrace_may_access's rules: see {@link PtraceAccess#check}. */
    private static void checkAttach(GuestThread t, GuestProcess target) {
        PtraceAccess.check(t, target, true);
    }

    static void checkAccess(GuestThread t, GuestProcess target, boolean attach) {
        PtraceAccess.check(t, target, attach);
    }

    // ---- process_vm_readv / process_vm_writev ------------------------------------------------------------

    /**
     * process_vm_readv/writev(pid, local iov, n, remote iov, n, 0): the local vectors are checked first
     * (count, lengths, user range: EINVAL, EFAULT) and an empty total moves nothing; then the remote ones;
     * then the target (ESRCH, EPERM). Bytes move remote vector by remote vector as far as the target's
     * pages allow and the local buffers take them; a fault ends the call with the count so far (EFAULT if
     * nothing moved), as process_vm_rw_core does.
     */
    private long processVm(GuestThread t, SyscallArgs a, boolean write) {
        if (a.get(5) != 0) throw Errno.EINVAL.fail();
        AddressSpace local = t.process.memory();
        long[][] lvec = vectors(local, a.get(1), a.get(2));
        long localTotal = 0;
        for (int i = 0; i < lvec[0].length; i++) {
            long base = lvec[0][i], len = lvec[1][i];
            if (base + len < base || Long.compareUnsigned(base + len, AddressSpace.USER_END) > 0) throw Errno.EFAULT.fail();
            len = Math.min(len, MAX_RW_COUNT - localTotal);
            lvec[1][i] = len;
            localTotal += len;
        }
        if (localTotal == 0) return 0;
        long[][] rvec = vectors(local, a.get(3), a.get(4));
        boolean any = false;
        for (long len : rvec[1]) any |= len != 0;
        if (!any) return 0;
        GuestProcess target = processOfTask(t, a.i32(0));
        checkAttach(t, target);
        AddressSpace remote = target.memory();
        boolean own = target == t.process;
        LocalCursor cursor = new LocalCursor(local, lvec, !write);
        byte[] buf = new byte[(int) Math.min(CHUNK, localTotal)];
        long moved = 0;
        boolean fault = false;
        copying:
        for (int i = 0; i < rvec[0].length; i++) {
            long base = rvec[0][i], len = rvec[1][i];
            for (long done = 0; done < len; ) {
                long localLeft = localTotal - moved;
                if (localLeft == 0) break copying;
                int want = (int) Math.min(Math.min(buf.length, len - done), localLeft);
                int n;
                if (write) {
                    int reachable = (int) remote.remotePrefix(base + done, want, true);
                    int m = cursor.copy(buf, reachable);
                    n = remote.transferRemote(base + done, buf, 0, m, true, own);
                    fault = reachable == 0 || m < reachable || n < m;
                } else {
                    int got = remote.transferRemote(base + done, buf, 0, want, false, own);
                    n = cursor.copy(buf, got);
                    fault = got == 0 || n < got;
                }
                moved += n;
                done += n;
                if (fault) break copying;
            }
        }
        if (moved == 0 && fault) throw Errno.EFAULT.fail();
        return moved;
    }

    /** An iovec array: {bases, lengths}; EINVAL past UIO_MAXIOV or for a negative length, EFAULT if unreadable. */
    private static long[][] vectors(AddressSpace m, long address, long count) {
        if (Long.compareUnsigned(count, IOV_MAX) > 0) throw Errno.EINVAL.fail();
        int n = (int) count;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m.read(address, 16 * n)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[][] v = new long[2][n];
        for (int i = 0; i < n; i++) {
            v[0][i] = b.getLong();
            v[1][i] = b.getLong();
            if (v[1][i] < 0) throw Errno.EINVAL.fail();
        }
        return v;
    }

    /** The live process that has thread {@code tid} (find_get_task_by_vpid, then its mm); ESRCH otherwise. */
    private static GuestProcess processOfTask(GuestThread t, int tid) {
        GuestProcess p = t.kernel().process(tid);
        if (p == null) {
            GuestThread th = liveThread(t, tid);
            p = th == null ? null : th.process;
        }
        if (p == null || p.exited()) throw Errno.ESRCH.fail(); // a zombie has no memory left
        return p;
    }

    /**
     * The caller's side of a transfer: walks its iovecs, copying into them ({@code intoLocal}) or out of
     * them, up to the first byte its memory does not allow (copy_to_user/copy_from_user stop there).
     */
    private static final class LocalCursor {
        private final AddressSpace memory;
        private final long[][] vec;
        private final boolean intoLocal;
        private int index;
        private long offset;

        LocalCursor(AddressSpace memory, long[][] vec, boolean intoLocal) {
            this.memory = memory;
            this.vec = vec;
            this.intoLocal = intoLocal;
        }

        /** Moves up to {@code length} bytes between {@code buf} and the next iovec bytes; returns how many. */
        int copy(byte[] buf, int length) {
            int done = 0;
            while (done < length && index < vec[0].length) {
                long left = vec[1][index] - offset;
                if (left == 0) {
                    index++;
                    offset = 0;
                    continue;
                }
                long address = vec[0][index] + offset;
                int want = (int) Math.min(left, length - done);
                int ok = (int) memory.accessiblePrefix(address, want, intoLocal);
                if (ok > 0) {
                    if (intoLocal) memory.write(address, buf, done, ok);
                    else memory.read(address, buf, done, ok);
                }
                done += ok;
                offset += ok;
                if (ok < want) break; // a fault in the caller's buffer
            }
            return done;
        }
    }
}
