package dev.jlibos.core.mem;

/**
 * Host memory on the Java heap. An engine cannot execute it (it has no stable host address), so it
 * serves pure-Java tests of the loader and the kernel's memory logic, not guests that run.
 */
public final class HeapHostMemory implements HostMemory {
    @Override
    public HostBlock allocate(long size) {
        if (size > Integer.MAX_VALUE - 8) throw dev.jlibos.core.Errno.ENOMEM.fail();
        return new Block(new byte[(int) size]);
    }

    private static final class Block implements HostBlock {
        private final byte[] bytes;

        Block(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override public long address() { return 0; }
        @Override public long size() { return bytes.length; }
        @Override public byte getByte(long offset) { return bytes[(int) offset]; }
        @Override public void putByte(long offset, byte value) { bytes[(int) offset] = value; }
        @Override public int getInt(long offset) { return (int) Longs.fromBytes(bytes, (int) offset, 4); }
        @Override public void putInt(long offset, int value) { Longs.put(bytes, (int) offset, value, 4); }
        @Override public long getLong(long offset) { return Longs.fromBytes(bytes, (int) offset, 8); }
        @Override public void putLong(long offset, long value) { Longs.put(bytes, (int) offset, value, 8); }
        @Override public void get(long offset, byte[] dst, int index, int length) { System.arraycopy(bytes, (int) offset, dst, index, length); }
        @Override public void put(long offset, byte[] src, int index, int length) { System.arraycopy(src, index, bytes, (int) offset, length); }
        @Override public void zero(long offset, long length) { java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0); }

        @Override
        public void copyTo(long offset, HostBlock target, long targetOffset, long length) {
            byte[] tmp = new byte[(int) length];
            get(offset, tmp, 0, (int) length);
            target.put(targetOffset, tmp, 0, (int) length);
        }

        @Override public void free() { }
    }
}
