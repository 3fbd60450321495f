package dev.jlibos.core.mem;

/**
 * A block of host memory that backs guest pages. Offsets are relative to the block; callers have already
 * bounds-checked them against the block's size.
 */
public interface HostBlock {
    /** Host virtual address of the first byte, passed to the engine so the guest sees the same bytes. */
    long address();

    long size();

    byte getByte(long offset);

    void putByte(long offset, byte value);

    int getInt(long offset);

    void putInt(long offset, int value);

    long getLong(long offset);

    void putLong(long offset, long value);

    void get(long offset, byte[] dst, int index, int length);

    void put(long offset, byte[] src, int index, int length);

    /** Fills {@code length} bytes with zero. */
    void zero(long offset, long length);

    /** Copies bytes between blocks (or within one); ranges may overlap. */
    void copyTo(long offset, HostBlock target, long targetOffset, long length);

    /** False for read-only host file mappings: the guest must never be given write access to them. */
    default boolean writable() {
        return true;
    }

    /**
     * How many bytes from the start the guest may touch: less than {@link #size} only for a shared file
     * mapping whose file shrank under it (Linux raises SIGBUS past the file's last page, EFAULT in a syscall).
     */
    default long accessibleLength() {
        return size();
    }

    /** True for a MAP_SHARED host file mapping: its bytes are the file's, not private memory. */
    default boolean sharedWithFile() {
        return false;
    }

    /**
     * True when fork gives the child this very block instead of a copy: shared file mappings, and
     * pages the libOS keeps current for every process (the vDSO's vvar page).
     */
    default boolean sharedOnFork() {
        return sharedWithFile();
    }

    /**
     * Copies the whole block into {@code target} (same size, freshly zeroed). Implementations may skip
     * pages the host never committed: they read as zero on both sides.
     */
    default void copyAllTo(HostBlock target) {
        copyTo(0, target, 0, size());
    }

    /**
     * Makes this block's bytes equal to {@code source}'s (same size) again after they were changed: a
     * snapshot's reset. Implementations may skip pages neither block has committed.
     */
    default void restoreFrom(HostBlock source) {
        source.copyTo(0, this, 0, size());
    }

    /** Returns the memory to the host. The block must no longer be mapped into any engine. */
    void free();
}
