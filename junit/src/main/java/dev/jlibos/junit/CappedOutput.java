package dev.jlibos.junit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Captures a guest's output up to a cap and counts (but drops) the rest, so a guest printing forever
 * cannot exhaust the JVM's heap; the guest never sees an error. Written from several host threads when
 * forked processes share the stream, hence synchronized.
 */
final class CappedOutput extends OutputStream {
    private final long cap;
    /** Also gets the kept bytes as they come (an isolated run's file, which outlives a crashing JVM), or null. */
    private final OutputStream copy;
    private byte[] buffer = new byte[256];
    private int size;
    private long dropped;

    CappedOutput(long cap) {
        this(cap, null);
    }

    CappedOutput(long cap, OutputStream copy) {
        this.cap = cap;
        this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int keep = (int) Math.max(0, Math.min(len, cap - size));
        if (size + keep > buffer.length) {
            long grown = Math.min(Math.min(cap, Integer.MAX_VALUE - 8), 2L * buffer.length);
            buffer = Arrays.copyOf(buffer, (int) Math.max(size + keep, grown));
        }
        System.arraycopy(b, off, buffer, size, keep);
        size += keep;
        dropped += len - keep;
        if (copy != null && keep > 0) {
            try {
                copy.write(b, off, keep);
            } catch (IOException e) {
                throw new UncheckedIOException("copying guest output", e);
            }
        }
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(buffer, size);
    }

    synchronized long dropped() {
        return dropped;
    }
}
