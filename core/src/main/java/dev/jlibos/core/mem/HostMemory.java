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
    default HostBlock mapFile(int hostFd, long offset, long length, boolean writable) {
        throw dev.jlibos.core.Errno.ENODEV.fail();
    }
}
