package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.XattrTargets;

import java.util.function.ToLongFunction;

/**
 * Extended attributes, offloaded to the host files they belong to (ls -l asks for ACLs and SELinux
 * labels; cp -a and tar copy user.* attributes). {@link XattrTargets} (vfs) says which host path or fd a
 * call acts on; this family decodes names and values.
 */
public final class XattrCalls implements SyscallFamily {
    private static final int SETXATTR = 188, LSETXATTR = 189, FSETXATTR = 190, GETXATTR = 191, LGETXATTR = 192,
            FGETXATTR = 193, LISTXATTR = 194, LLISTXATTR = 195, FLISTXATTR = 196, REMOVEXATTR = 197,
            LREMOVEXATTR = 198, FREMOVEXATTR = 199;
    private static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;
    /** XATTR_NAME_MAX and XATTR_SIZE_MAX. */
    private static final int NAME_MAX = 255, SIZE_MAX = 65536;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.SETXATTR, (t, a) -> withPath(t, a.get(0), true, true, p -> set(t, SETXATTR, p, a)))
                .coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.LSETXATTR, (t, a) -> withPath(t, a.get(0), false, true, p -> set(t, LSETXATTR, p, a)))
                .coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.FSETXATTR, (t, a) -> set(t, FSETXATTR, writableFd(t, a.i32(0)), a));
        r.full(Sysno.REMOVEXATTR, (t, a) -> withPath(t, a.get(0), true, true, p -> remove(t, REMOVEXATTR, p, a.get(1))))
                .coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.LREMOVEXATTR, (t, a) -> withPath(t, a.get(0), false, true, p -> remove(t, LREMOVEXATTR, p, a.get(1))));
        r.full(Sysno.FREMOVEXATTR, (t, a) -> remove(t, FREMOVEXATTR, writableFd(t, a.i32(0)), a.get(1)));
        r.full(Sysno.GETXATTR, (t, a) -> withPath(t, a.get(0), true, p -> get(t, GETXATTR, p, a.get(1), a.get(2), a.get(3))))
                .coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.LGETXATTR, (t, a) -> withPath(t, a.get(0), false, p -> get(t, LGETXATTR, p, a.get(1), a.get(2), a.get(3))));
        r.full(Sysno.FGETXATTR, (t, a) -> get(t, FGETXATTR, hostFd(t, a.i32(0)), a.get(1), a.get(2), a.get(3)));
        r.full(Sysno.LISTXATTR, (t, a) -> withPath(t, a.get(0), true, p -> list(t, LISTXATTR, p, a.get(1), a.get(2))));
        r.full(Sysno.LLISTXATTR, (t, a) -> withPath(t, a.get(0), false, p -> list(t, LLISTXATTR, p, a.get(1), a.get(2))));
        r.full(Sysno.FLISTXATTR, (t, a) -> list(t, FLISTXATTR, hostFd(t, a.i32(0)), a.get(1), a.get(2)));
    }

    private static long withPath(GuestThread t, long address, boolean follow, ToLongFunction<Object> call) {
        return XattrTargets.withPath(t, GuestPaths.path(t, address), follow, false, call);
    }

    private static long withPath(GuestThread t, long address, boolean follow, boolean writes, ToLongFunction<Object> call) {
        return XattrTargets.withPath(t, GuestPaths.path(t, address), follow, writes, call);
    }

    private static Object hostFd(GuestThread t, int fd) {
        return XattrTargets.fd(t, fd, false);
    }

    private static Object writableFd(GuestThread t, int fd) {
        return XattrTargets.fd(t, fd, true);
    }

    /** setxattr(path, name, value, size, flags). */
    private static long set(GuestThread t, int nr, Object target, dev.jlibos.kernel.process.SyscallArgs a) {
        byte[] name = name(t, a.get(1));
        long size = a.get(3);
        int flags = a.i32(4);
        if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0) throw Errno.EINVAL.fail();
        if (size < 0 || size > SIZE_MAX) throw Errno.E2BIG.fail();
        byte[] value = size == 0 ? new byte[0] : t.process.memory().read(a.get(2), (int) size);
        t.process.fs().host.setxattr(nr, target, name, value, flags);
        return 0;
    }

    private static long remove(GuestThread t, int nr, Object target, long nameAddress) {
        t.process.fs().host.removexattr(nr, target, name(t, nameAddress));
        return 0;
    }

    private static byte[] name(GuestThread t, long address) {
        byte[] name = t.process.memory().readCBytes(address, NAME_MAX, Errno.ERANGE);
        if (name.length == 0) throw Errno.ERANGE.fail();
        return name;
    }

    private static long get(GuestThread t, int nr, Object target, long nameAddress, long value, long size) {
        byte[] name = t.process.memory().readCBytes(nameAddress, NAME_MAX, Errno.ERANGE);
        if (name.length == 0) throw Errno.ERANGE.fail();
        byte[] out = new byte[(int) Math.min(Math.max(size, 0), SIZE_MAX)];
        int n = t.process.fs().host.xattr(nr, target, name, out);
        if (size > 0) t.process.memory().write(value, out, 0, n);
        return n;
    }

    private static long list(GuestThread t, int nr, Object target, long list, long size) {
        byte[] out = new byte[(int) Math.min(Math.max(size, 0), SIZE_MAX)];
        int n = t.process.fs().host.xattr(nr, target, null, out);
        if (size > 0) t.process.memory().write(list, out, 0, n);
        return n;
    }
}
