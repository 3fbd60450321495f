package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.mount.Location;

import java.nio.charset.StandardCharsets;

/**
 * Reading extended attributes (ls -l asks for ACLs and SELinux labels) from the host files they belong
 * to. The path forms have no *at variant, so a relative path is handed to the host through the guest
 * cwd's magic link /proc/self/fd/CWD/path. Setting attributes is not offered yet.
 */
public final class XattrCalls implements SyscallFamily {
    private static final int GETXATTR = 191, LGETXATTR = 192, FGETXATTR = 193, LISTXATTR = 194, LLISTXATTR = 195,
            FLISTXATTR = 196;
    /** XATTR_NAME_MAX and XATTR_SIZE_MAX. */
    private static final int NAME_MAX = 255, SIZE_MAX = 65536;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.GETXATTR, (t, a) -> withPath(t, a.get(0), true, p -> get(t, GETXATTR, p, a.get(1), a.get(2), a.get(3))));
        r.full(Sysno.LGETXATTR, (t, a) -> withPath(t, a.get(0), false, p -> get(t, LGETXATTR, p, a.get(1), a.get(2), a.get(3))));
        r.full(Sysno.FGETXATTR, (t, a) -> get(t, FGETXATTR, hostFd(t, a.i32(0)), a.get(1), a.get(2), a.get(3)));
        r.full(Sysno.LISTXATTR, (t, a) -> withPath(t, a.get(0), true, p -> list(t, LISTXATTR, p, a.get(1), a.get(2))));
        r.full(Sysno.LLISTXATTR, (t, a) -> withPath(t, a.get(0), false, p -> list(t, LLISTXATTR, p, a.get(1), a.get(2))));
        r.full(Sysno.FLISTXATTR, (t, a) -> list(t, FLISTXATTR, hostFd(t, a.i32(0)), a.get(1), a.get(2)));
    }

    /**
     * Runs an xattr call on the host path a guest path stands for. In a sandbox that is the walker's
     * result spelled through the fd it holds ("/proc/self/fd/DIR/name" or "/proc/self/fd/N"), so the
     * host resolves nothing of the guest's path itself.
     */
    private static long withPath(GuestThread t, long address, boolean follow, java.util.function.ToLongFunction<Object> call) {
        if (!t.process.fs.sandboxed()) return call.applyAsLong(hostPath(t, address));
        try (Location l = GuestPaths.locate(t, GuestPaths.AT_FDCWD, GuestPaths.path(t, address), follow)) {
            l.requireExists();
            if (l.synthetic != null) throw Errno.ENODATA.fail();
            String p = l.dirFd() == GuestPaths.AT_FDCWD ? l.nameString() : "/proc/self/fd/" + l.dirFd() + "/" + l.nameString();
            return call.applyAsLong(p.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Either a host path (byte[]) or a host fd (Integer). */
    private static Object hostPath(GuestThread t, long address) {
        byte[] p = GuestPaths.path(t, address);
        if (GuestPaths.absolute(p)) return p;
        return ("/proc/self/fd/" + t.process.fs.cwdFd() + "/" + GuestPaths.string(p)).getBytes(StandardCharsets.UTF_8);
    }

    private static Object hostFd(GuestThread t, int fd) {
        FileDescription d = t.process.files.get(fd);
        if (d.hostFd() < 0) throw Errno.EOPNOTSUPP.fail(); // pipes and streams carry no attributes
        return d.hostFd();
    }

    private static long get(GuestThread t, int nr, Object target, long nameAddress, long value, long size) {
        byte[] name = t.process.memory.readCBytes(nameAddress, NAME_MAX, Errno.ERANGE);
        if (name.length == 0) throw Errno.ERANGE.fail();
        byte[] out = new byte[(int) Math.min(Math.max(size, 0), SIZE_MAX)];
        int n = t.process.fs.host.xattr(nr, target, name, out);
        if (size > 0) t.process.memory.write(value, out, 0, n);
        return n;
    }

    private static long list(GuestThread t, int nr, Object target, long list, long size) {
        byte[] out = new byte[(int) Math.min(Math.max(size, 0), SIZE_MAX)];
        int n = t.process.fs.host.xattr(nr, target, null, out);
        if (size > 0) t.process.memory.write(list, out, 0, n);
        return n;
    }
}
