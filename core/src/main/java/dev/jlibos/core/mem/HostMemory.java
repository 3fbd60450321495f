package dev.jlibos.core.mem;

/** Allocates host memory for guest pages. */
public interface HostMemory {
    /**
     * Allocates {@code size} zeroed bytes (a multiple of the page size), lazily committed by the host so
     * that large sparse guest mappings cost nothing until touched.
     */
    HostBlock allocate(long size);
}
