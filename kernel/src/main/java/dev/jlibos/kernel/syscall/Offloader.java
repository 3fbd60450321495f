package dev.jlibos.kernel.syscall;

import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.syscalls.offload.OffloadSpec;
import dev.jlibos.vfs.HostForwarder;

/**
 * Forwards a call to the host kernel ({@code --offload}); the dispatcher's view of {@code sys.HostOffload}
 * (which vfs's HostForwarder serves), so the dispatcher does not depend on the family package.
 */
public interface Offloader {
    /** Not forwarded: an fd argument has no (non-blocking) host fd. An unimplemented call then gets EBADF. */
    long DECLINED_BADF = HostForwarder.DECLINED_BADF;
    /** Not forwarded for another reason (sandbox path, guest /proc path, flags jlibos must see). */
    long DECLINED = HostForwarder.DECLINED;

    /** Runs {@code spec}'s call on the host; the result is Linux's (a value or -errno), or a DECLINED value. */
    long forward(GuestThread t, OffloadSpec spec, SyscallArgs a);

    static boolean declined(long result) {
        return HostForwarder.declined(result);
    }
}
