package dev.jlibos.core;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * The JVM-wide random generator behind getrandom, /dev/random and /dev/urandom, built as Linux's own CRNG
 * is (drivers/char/random.c): ChaCha20 (RFC 8439) keyed with 32 bytes of host entropy read once, with
 * "fast key erasure" (after each request the key is replaced by fresh keystream, so bytes already handed
 * out cannot be recomputed from a later state). After the first call no request makes a host call.
 *
 * <p>Why not a JDK SecureRandom: the default on Linux (NativePRNG) reads /dev/urandom again every few
 * calls, and the DRBG's first use initialises the JCA providers and SHA-256 in a cold JVM: ~10 ms per guest
 * process's first getrandom, measured. Deterministic runs do not use this generator (their bytes come from
 * the seed).
 */
public final class Csprng {
    private static final int[] KEY = new int[8];
    private static long counter;
    private static boolean seeded;

    private Csprng() {
    }

    /** Fills {@code buffer[offset, offset + length)} with random bytes. */
    public static synchronized void fill(byte[] buffer, int offset, int length) {
        if (!seeded) seed();
        int[] block = new int[16];
        for (int done = 0; done < length; done += 64) {
            chacha20(KEY, counter++, block);
            for (int i = 0; i < 64 && done + i < length; i++) buffer[offset + done + i] = (byte) (block[i >> 2] >>> (8 * (i & 3)));
        }
        rekey(block);
    }

    /**
     * Adds bytes a guest wrote to /dev/random or /dev/urandom. Linux credits them to its input pool; here
     * they are folded into the key, which is then erased by a rekey: input an attacker knows cannot cancel
     * a key it does not know.
     */
    public static synchronized void mix(byte[] input) {
        if (!seeded) seed();
        for (int i = 0; i < input.length; i++) KEY[(i >> 2) & 7] ^= (input[i] & 0xff) << (8 * (i & 3));
        rekey(new int[16]);
    }

    /** Fast key erasure: the next keystream block's first 32 bytes become the key. */
    private static void rekey(int[] block) {
        chacha20(KEY, counter++, block);
        System.arraycopy(block, 0, KEY, 0, 8);
        java.util.Arrays.fill(block, 0);
    }

    private static void seed() {
        byte[] b = new byte[32];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            int n = 0;
            while (n < b.length) {
                int r = in.read(b, n, b.length - n);
                if (r < 0) throw new IOException("end of file");
                n += r;
            }
        } catch (IOException e) {
            new SecureRandom().nextBytes(b); // a host without /dev/urandom: the JDK's own entropy source
        }
        for (int i = 0; i < 32; i++) KEY[i >> 2] |= (b[i] & 0xff) << (8 * (i & 3));
        seeded = true;
    }

    /** The ChaCha20 block function with a 64-bit block counter and a zero nonce, as Linux's CRNG uses it. */
    private static void chacha20(int[] key, long blockCounter, int[] out) {
        chacha20(key, new int[] {(int) blockCounter, (int) (blockCounter >>> 32), 0, 0}, out);
    }

    /** The ChaCha20 block function (RFC 8439 section 2.3); {@code tail} is state words 12-15 (counter, nonce). */
    static void chacha20(int[] key, int[] tail, int[] out) {
        int[] x = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3], key[4], key[5],
                key[6], key[7], tail[0], tail[1], tail[2], tail[3]};
        int[] s = x.clone();
        for (int round = 0; round < 10; round++) {
            quarter(s, 0, 4, 8, 12);
            quarter(s, 1, 5, 9, 13);
            quarter(s, 2, 6, 10, 14);
            quarter(s, 3, 7, 11, 15);
            quarter(s, 0, 5, 10, 15);
            quarter(s, 1, 6, 11, 12);
            quarter(s, 2, 7, 8, 13);
            quarter(s, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) out[i] = s[i] + x[i];
    }

    private static void quarter(int[] s, int a, int b, int c, int d) {
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
    }
}
