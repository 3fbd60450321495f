package dev.jlibos.core;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The JVM-wide random generator behind getrandom, /dev/random and /dev/urandom: a NIST SP 800-90A
 * Hash_DRBG (SHA-256, 256-bit strength), seeded once from the host's entropy source, then generating
 * without host calls, as the kernel's own CRNG does after boot. The JDK's default SecureRandom on Linux
 * (NativePRNG) reads /dev/urandom again every few calls: a host call that the guest's call does not need.
 * Deterministic runs do not use it (their bytes come from the seed).
 */
public final class Csprng {
    private static final SecureRandom DRBG = create();

    private Csprng() {
    }

    private static SecureRandom create() {
        try {
            return SecureRandom.getInstance("DRBG",
                    DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no DRBG SecureRandom", e);
        }
    }

    /** Fills {@code buffer[offset, offset + length)} with random bytes. */
    public static void fill(byte[] buffer, int offset, int length) {
        if (offset == 0 && length == buffer.length) {
            DRBG.nextBytes(buffer);
            return;
        }
        byte[] b = new byte[length];
        DRBG.nextBytes(b);
        System.arraycopy(b, 0, buffer, offset, length);
    }

    /** Adds bytes a guest wrote to /dev/random or /dev/urandom to the generator's input, as Linux does. */
    public static void mix(byte[] input) {
        DRBG.setSeed(input);
    }
}
