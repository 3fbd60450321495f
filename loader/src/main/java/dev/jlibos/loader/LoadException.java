package dev.jlibos.loader;

import dev.jlibos.core.Errno;

/**
 * A program could not be executed. The message is one line meant for users ("not an ELF file",
 * "ELF for aarch64, jlibos runs x86-64"); the errno is what execve would return.
 */
public final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Errno errno;

    public LoadException(Errno errno, String message) {
        super(message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    static LoadException malformed(String path, String problem) {
        return new LoadException(Errno.ENOEXEC, path + ": " + problem);
    }
}
