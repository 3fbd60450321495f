package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

/** TEMPORARY: write/writev to stdio so the pipeline can be smoke-tested before the VFS lands. */
public final class BootstrapIoCalls implements SyscallFamily {
    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.WRITE, (t, a) -> write(t, a.i32(0), a.get(1), a.get(2)));
        r.full(Sysno.WRITEV, this::writev);
        r.errno(Sysno.IOCTL, Errno.ENOTTY, "temporary");
    }

    private static long write(GuestThread t, int fd, long buf, long len) {
        byte[] b = t.process.memory.read(buf, (int) Math.min(len, 1 << 20));
        return t.process.files.get(fd).write(b, 0, b.length);
    }

    private long writev(GuestThread t, SyscallArgs a) {
        long total = 0;
        for (int i = 0; i < a.i32(2); i++) {
            long base = t.process.memory.readLong(a.get(1) + 16L * i);
            long len = t.process.memory.readLong(a.get(1) + 16L * i + 8);
            total += write(t, a.i32(0), base, len);
        }
        return total;
    }
}
