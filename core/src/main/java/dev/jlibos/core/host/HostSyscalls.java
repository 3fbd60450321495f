package dev.jlibos.core.host;

/**
 * Raw access to the host kernel's syscalls. Only the host filesystem backend uses it, and it passes
 * nothing but plain values and addresses of host buffers it owns (never a guest pointer): marshalling
 * is the caller's job.
 */
public interface HostSyscalls {
    /** Performs host syscall {@code number}; returns its result, or {@code -errno} on failure. */
    long call(int number, long a1, long a2, long a3, long a4, long a5, long a6);

    default long call(int number, long a1, long a2, long a3) {
        return call(number, a1, a2, a3, 0, 0, 0);
    }
}
