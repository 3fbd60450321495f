package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

/**
 * An open file description (Linux's {@code struct file}): what an fd refers to, shared by dup'ed fds.
 *
 * <p>Every operation defaults to the errno Linux returns when the operation does not apply to this kind
 * of file, so an implementation overrides only what it supports.
 */
public abstract class FileDescription {
    /** The guest path this was opened as, for /proc/self/maps and /proc/self/fd; "" if it has none. */
    public String path() {
        return "";
    }

    /** Reads up to {@code length} bytes at the current position; 0 means end of file. */
    public int read(byte[] buffer, int offset, int length) {
        throw Errno.EINVAL.fail();
    }

    public int write(byte[] buffer, int offset, int length) {
        throw Errno.EINVAL.fail();
    }

    /** Reads at an absolute position without moving the file position (pread64, file-backed mmap). */
    public int pread(byte[] buffer, int offset, int length, long position) {
        throw Errno.ESPIPE.fail();
    }

    public int pwrite(byte[] buffer, int offset, int length, long position) {
        throw Errno.ESPIPE.fail();
    }

    /**
     * Supplies the bytes of a file-backed mmap: like {@link #pread} for files that can be mapped. Fails
     * with ENODEV for objects that cannot be mapped (pipes, sockets, directories) and EACCES when the
     * file was not opened for reading, as mmap(2) does.
     */
    public int readForMapping(byte[] buffer, int offset, int length, long position) {
        throw Errno.ENODEV.fail();
    }

    /** Drops one reference; the description is released when the last fd referring to it closes. */
    public void close() {
    }
}
