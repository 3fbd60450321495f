package dev.jlibos.junit;

import org.opentest4j.AssertionFailedError;

/** A failed {@link GuestAssertions} check: the message ends with the guest's report ({@link GuestResult#describe()}). */
public final class GuestAssertionError extends AssertionFailedError {
    private static final long serialVersionUID = 1L;

    GuestAssertionError(String message, Object expected, Object actual) {
        super(message, expected, actual);
    }
}
