package dev.jlibos.junit;

/**
 * The program could not be started at all: missing, not an x86-64 ELF, malformed, missing interpreter.
 * Unchecked so tests need no {@code throws}; the message is the one line {@code ./jlibos run} prints.
 */
public final class GuestLaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GuestLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
