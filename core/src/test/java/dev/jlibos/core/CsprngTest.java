package dev.jlibos.core;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsprngTest {
    /** RFC 8439 section 2.3.2: key 00 01 .. 1f, counter 1, nonce 00 00 00 09 00 00 00 4a 00 00 00 00. */
    @Test
    void blockFunctionMatchesTheRfcTestVector() {
        int[] key = new int[8];
        for (int i = 0; i < 32; i++) key[i >> 2] |= i << (8 * (i & 3));
        int[] out = new int[16];
        Csprng.chacha20(key, new int[] {1, 0x09000000, 0x4a000000, 0}, out);
        assertArrayEquals(new int[] {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033, 0x9aaa2204,
                0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9, 0xd19c12b5, 0xb94e16de, 0xe883d0cb,
                0x4e3c50a2}, out);
    }

    @Test
    void requestsDifferAndCoverTheByteValues() {
        byte[] a = new byte[4096], b = new byte[4096];
        Csprng.fill(a, 0, a.length);
        Csprng.fill(b, 0, b.length);
        assertFalse(java.util.Arrays.equals(a, b));
        Set<Byte> seen = new HashSet<>();
        for (byte x : a) seen.add(x);
        assertTrue(seen.size() > 230, "distinct byte values: " + seen.size());
    }

    @Test
    void fillsOnlyTheAskedRange() {
        byte[] buf = new byte[100];
        Csprng.fill(buf, 10, 70);
        for (int i = 0; i < 10; i++) assertEquals(0, buf[i]);
        for (int i = 80; i < 100; i++) assertEquals(0, buf[i]);
        Csprng.mix("guest input".getBytes());
        Csprng.fill(buf, 0, 1);
    }
}
