package dev.jlibos.core.mem;

/** Little-endian conversions between integers and guest byte layouts. */
public final class Longs {
    private Longs() {
    }

    public static long fromBytes(byte[] b, int index) {
        return fromBytes(b, index, 8);
    }

    public static long fromBytes(byte[] b, int index, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) v = (v << 8) | (b[index + i] & 0xff);
        return v;
    }

    public static byte[] toBytes(long value, int width) {
        byte[] b = new byte[width];
        put(b, 0, value, width);
        return b;
    }

    public static void put(byte[] b, int index, long value, int width) {
        for (int i = 0; i < width; i++) b[index + i] = (byte) (value >>> (8 * i));
    }
}
