package dev.jlibos.compat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps only the last {@code capacity} bytes written, and counts all of them. A fuzzed guest may write
 * gigabytes to its stdout (sendfile from /dev/zero with a huge count: kfuzz seed 49 wrote more than 2 GiB),
 * which a ByteArrayOutputStream cannot hold; the fuzzer's report comes last, so the tail is what matters.
 * Synchronized: forked guest processes write from several host threads.
 */
final class TailOutput extends OutputStream {
    private final byte[] ring;
    private long total;

    TailOutput(int capacity) {
        ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        ring[(int) (total++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int skip = Math.max(0, len - ring.length); // only the last ring.length bytes of this write can survive
        total += skip;
        for (int i = off + skip; i < off + len; ) {
            int at = (int) (total % ring.length);
            int n = Math.min(off + len - i, ring.length - at);
            System.arraycopy(b, i, ring, at, n);
            i += n;
            total += n;
        }
    }

    /** Every byte written, kept or not. */
    synchronized long total() {
        return total;
    }

    /** The kept tail, oldest byte first. */
    synchronized String tail() {
        int kept = (int) Math.min(total, ring.length);
        byte[] out = new byte[kept];
        int start = (int) ((total - kept) % ring.length);
        for (int i = 0; i < kept; i++) out[i] = ring[(start + i) % ring.length];
        return new String(out, StandardCharsets.UTF_8);
    }
}
