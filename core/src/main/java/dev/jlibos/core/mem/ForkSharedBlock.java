package dev.jlibos.core.mem;

/**
 * Host memory that fork does not copy: the child maps these very pages, so stores on either side show on
 * the other (MAP_SHARED|MAP_ANONYMOUS mappings, System V shared memory segments). Everything else is the
 * wrapped block's.
 */
public class ForkSharedBlock implements HostBlock {
    private final HostBlock block;

    public ForkSharedBlock(HostBlock block) {
        this.block = block;
    }

    @Override public long address() { return block.address(); }
    @Override public long size() { return block.size(); }
    @Override public byte getByte(long o) { return block.getByte(o); }
    @Override public void putByte(long o, byte v) { block.putByte(o, v); }
    @Override public int getInt(long o) { return block.getInt(o); }
    @Override public void putInt(long o, int v) { block.putInt(o, v); }
    @Override public long getLong(long o) { return block.getLong(o); }
    @Override public void putLong(long o, long v) { block.putLong(o, v); }
    @Override public void get(long o, byte[] d, int i, int n) { block.get(o, d, i, n); }
    @Override public void put(long o, byte[] s, int i, int n) { block.put(o, s, i, n); }
    @Override public void zero(long o, long n) { block.zero(o, n); }
    @Override public void copyTo(long o, HostBlock target, long to, long n) { block.copyTo(o, target, to, n); }
    @Override public void copyAllTo(HostBlock target) { block.copyAllTo(target); }
    @Override public long accessibleLength() { return block.accessibleLength(); }

    @Override
    public boolean sharedOnFork() {
        return true;
    }

    @Override
    public void free() {
        block.free();
    }
}
