package dev.jlibos.kernel.syscall;

import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;

/**
 * One syscall implementation. Returns the non-negative result; fails by throwing
 * {@code Errno.X.fail()}. Never touches engine registers for arguments or the result: the dispatcher does.
 */
@FunctionalInterface
public interface SyscallHandler {
    long call(GuestThread thread, SyscallArgs args);
}
