package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

/**
 * Socket queries on descriptors. No descriptor is a socket yet (sockets are issue 7), so Linux's answer
 * for a valid fd is ENOTSOCK: shells and libcs probe stdin this way and carry on.
 */
public final class SocketCalls implements SyscallFamily {
    @Override
    public void register(SyscallRegistry r) {
        String note = "no sockets yet: ENOTSOCK for every open fd";
        r.partial(Sysno.GETPEERNAME, note, (t, a) -> notASocket(t, a.i32(0)));
        r.partial(Sysno.GETSOCKNAME, note, (t, a) -> notASocket(t, a.i32(0)));
        r.partial(Sysno.GETSOCKOPT, note, (t, a) -> notASocket(t, a.i32(0)));
    }

    private static long notASocket(GuestThread t, int fd) {
        t.process.files.get(fd);
        throw Errno.ENOTSOCK.fail();
    }
}
