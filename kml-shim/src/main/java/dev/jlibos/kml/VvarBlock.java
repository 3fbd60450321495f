package dev.jlibos.kml;

import dev.jlibos.core.mem.HostBlock;

/**
 * The vvar page as guests see it: one host page shared by every guest address space of the JVM,
 * read-only to them (mprotect(PROT_WRITE) is refused with EACCES, a write(2) into it EFAULTs, as on
 * Linux), kept across fork instead of copied, never zeroed by MADV_DONTNEED and never freed.
 */
final class VvarBlock implements HostBlock {
    private final HostBlock page;

    VvarBlock(HostBlock page) {
        this.page = page;
    }

    @Override public long address() { return page.address(); }
    @Override public long size() { return page.size(); }
    @Override public byte getByte(long offset) { return page.getByte(offset); }
    @Override public int getInt(long offset) { return page.getInt(offset); }
    @Override public long getLong(long offset) { return page.getLong(offset); }
    @Override public void get(long offset, byte[] dst, int index, int length) { page.get(offset, dst, index, length); }

    @Override public void putByte(long offset, byte value) { throw new UnsupportedOperationException("vvar is read-only"); }
    @Override public void putInt(long offset, int value) { throw new UnsupportedOperationException("vvar is read-only"); }
    @Override public void putLong(long offset, long value) { throw new UnsupportedOperationException("vvar is read-only"); }
    @Override public void put(long offset, byte[] src, int index, int length) { throw new UnsupportedOperationException("vvar is read-only"); }

    @Override
    public void zero(long offset, long length) {
        // MADV_DONTNEED on [vvar]: the libOS's data stays (Linux refuses it on this VM_PFNMAP area).
    }

    @Override
    public void copyTo(long offset, HostBlock target, long targetOffset, long length) {
        page.copyTo(offset, target, targetOffset, length);
    }

    @Override public boolean writable() { return false; }
    @Override public boolean sharedOnFork() { return true; }

    @Override
    public void free() {
        // Shared by every guest of the JVM for its whole life.
    }
}
