package dev.jlibos.junit;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Captures a guest's output up to a cap and counts (but drops) the rest, so a guest printing forever
 * cannot exhaust the JVM's heap; the guest never sees an error. Written from several host threads when
 * forked processes share the stream, hence synchronized.
 */
final class CappedOutput extends OutputStream {
    private final long cap;
    private byte[] buffer = new byte[256];
    private int size;
    private long dropped;

    CappedOutput(long cap) {
        this.cap = cap;
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
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(buffer, size);
    }

    synchronized long dropped() {
        return dropped;
    }
}
