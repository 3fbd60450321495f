package dev.jlibos.core;

/**
 * Thrown by a syscall handler (or anything it calls) to fail the call with a Linux errno.
 *
 * <p>The dispatcher is the one place that turns it into {@code -errno} in RAX. Instances are shared and
 * stackless ({@link Errno#fail()}), so throwing one costs about as much as a return.
 */
public final class LinuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Errno errno;

    LinuxException(Errno errno) {
        super(errno.name() + " (" + errno.message + ")", null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
