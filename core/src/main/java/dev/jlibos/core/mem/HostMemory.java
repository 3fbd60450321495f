package dev.jlibos.core.mem;

/** Allocates host memory for guest pages. */
public interface HostMemory {
    /**
     * Allocates {@code size} zeroed bytes (a multiple of the page size), lazily committed by the host so
     * that large sparse guest mappings cost nothing until touched.
     */
    HostBlock allocate(long size);

    /**
     * Maps {@code length} bytes of an open host file, shared with the host page cache (MAP_SHARED), so
     * guest stores reach the file and file writes show in the mapping. The range must lie within the
     * file: touching a host mapping past end of file would raise SIGBUS in the JVM.
     */
    default HostBlock mapFile(int hostFd, long offset, long length, boolean writable, FileId file) {
        throw dev.jlibos.core.Errno.ENODEV.fail();
    }

    /** A host file's identity (st_dev, st_ino), by which a truncation finds the file's mappings. */
    record FileId(long device, long inode) {
    }

    /** True while some block maps a host file: only then need a truncation look at {@link #fileShrank}. */
    default boolean mapsFiles() {
        return false;
    }

    /**
     * Tells the shared mappings of {@code file} that it is now {@code size} bytes long. Their host pages
     * wholly past the new end become private zero pages: a host file page past end of file raises SIGBUS
     * in the JVM itself (in a memcpy or in translated guest code), where Linux would send the guest
     * SIGBUS. Should the file grow again, those pages stay detached from it.
     */
    default void fileShrank(FileId file, long size) {
    }

    /** Who maps shared file blocks and must hear that one of them lost pages (see {@link #fileShrank}). */
    interface ShrinkListener {
        void blockShrank(HostBlock block);
    }

    /** Registers {@code listener}, held weakly: a listener nobody else holds is dropped. */
    default void listenForShrinks(ShrinkListener listener) {
    }
}
