package dev.jlibos.kernel.syscall;

import dev.jlibos.kernel.GuestThread;
import dev.jlibos.syscalls.offload.OffloadSpec;

/**
 * Forwards a call to the host kernel ({@code --offload}); the dispatcher's view of {@code sys.HostOffload},
 * so the dispatcher does not depend on the family package.
 */
public interface Offloader {
    /** Not forwarded: an fd argument has no (non-blocking) host fd. An unimplemented call then gets EBADF. */
    long DECLINED_BADF = Long.MIN_VALUE;
    /** Not forwarded for another reason (sandbox path, guest /proc path, flags jlibos must see). */
    long DECLINED = Long.MIN_VALUE + 1;

    /** Runs {@code spec}'s call on the host; the result is Linux's (a value or -errno), or a DECLINED value. */
    long forward(GuestThread t, OffloadSpec spec, SyscallArgs a);

    static boolean declined(long result) {
        return result == DECLINED || result == DECLINED_BADF;
    }
}
