package dev.jlibos.syscalls.offload;

import java.util.Locale;

/**
 * Which syscalls jlibos forwards to the host kernel (Azalea's I/O offload), always within
 * {@link OffloadAllowlist}: a call outside it is never forwarded, whatever the policy.
 */
public enum OffloadPolicy {
    /** Nothing is forwarded: an unimplemented call gets ENOSYS. The default in a sandbox. */
    NONE,
    /** Calls jlibos does not implement are forwarded when allowlisted. The default without a sandbox. */
    AUTO,
    /**
     * Every allowlisted call is forwarded even when jlibos serves it: the baseline that shows what
     * in-process serving gains. A call whose fd has no host fd (a pipe, a Java stream) is still served.
     */
    ALL;

    /** Parses {@code none}, {@code auto} or {@code all} (any case). */
    public static OffloadPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--offload must be none, auto or all, not '" + text + "'");
        }
    }

    /** The policy a machine uses when none is given. */
    public static OffloadPolicy defaultFor(boolean sandboxed) {
        return sandboxed ? NONE : AUTO;
    }
}
