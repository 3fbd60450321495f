package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.SyntheticFile;

import static dev.jlibos.kernel.sys.GuestPaths.AT_FDCWD;

/** Opening files: open, openat, creat. The host file tree is visible at "/" (passthrough, like qemu-user). */
public final class OpenCalls implements SyscallFamily {
    private static final int O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200, O_CLOEXEC = 0x80000;
    /** Flags the kernel keeps as file status flags (visible to F_GETFL). */
    private static final int STATUS_FLAGS = 0x3 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x40000 | 0x8000 | 0x200000;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.OPEN, (t, a) -> open(t, AT_FDCWD, a.get(0), a.i32(1), a.i32(2)));
        r.full(Sysno.OPENAT, (t, a) -> open(t, a.i32(0), a.get(1), a.i32(2), a.i32(3)));
        r.full(Sysno.CREAT, (t, a) -> open(t, AT_FDCWD, a.get(0), O_CREAT | O_WRONLY | O_TRUNC, a.i32(1)));
    }

    static long open(GuestThread t, int dirfd, long pathAddress, int flags, int mode) {
        byte[] path = GuestPaths.path(t, pathAddress);
        if (GuestPaths.string(path).equals("/proc/cpuinfo")) {
            return t.process.files.install(new SyntheticFile("/proc/cpuinfo", CpuInfo.render(t.cpu)), (flags & O_CLOEXEC) != 0);
        }
        String entry = procEntry(t, dirfd, path);
        if (entry == null && GuestPaths.string(path).startsWith("/proc/")) {
            var other = ProcSelf.other(t, GuestPaths.lexical(t, dirfd, path));
            if (other != null) {
                byte[] content = ProcSelf.contents(other.getKey(), other.getValue());
                if (content != null) {
                    if ((flags & 3) != 0) throw Errno.EACCES.fail();
                    return t.process.files.install(new SyntheticFile(GuestPaths.string(path), content), (flags & O_CLOEXEC) != 0);
                }
            }
        }
        if (entry != null) {
            byte[] content = ProcSelf.contents(t, entry);
            if (content != null) {
                if ((flags & 3) != 0) throw Errno.EACCES.fail();
                return t.process.files.install(new SyntheticFile("/proc/self/" + entry, content), (flags & O_CLOEXEC) != 0);
            }
            String target = ProcSelf.link(t, entry);
            if (target != null && (entry.equals("exe") || entry.startsWith("fd/"))) {
                // Reopen what the link names (the host's /proc would name the JVM's own files).
                path = target.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        int host = GuestPaths.dirfd(t, dirfd, path);
        // The host fd is always close-on-exec on the host; the guest's own FD_CLOEXEC lives in the fd table.
        int fd = t.process.fs.host.openat(host, path, flags | O_CLOEXEC, mode & 07777, t.process.fs.umask);
        FileDescription file = new HostFile(t.process.fs.host, fd, GuestPaths.string(path), flags & STATUS_FLAGS);
        try {
            return t.process.files.install(file, (flags & O_CLOEXEC) != 0);
        } catch (RuntimeException e) {
            t.process.fs.host.closeFd(fd);
            throw e;
        }
    }

    /** The /proc/self entry a path names, or null. */
    static String procEntry(GuestThread t, int dirfd, byte[] path) {
        if (!GuestPaths.string(path).contains("proc")) return null; // fast path: no cwd lookup
        String absolute = GuestPaths.lexical(t, dirfd, path);
        return absolute == null ? null : ProcSelf.entry(t, absolute);
    }

}
