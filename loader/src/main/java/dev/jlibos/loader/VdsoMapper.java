package dev.jlibos.loader;

import dev.jlibos.core.mem.AddressSpace;

/** Maps a vDSO into a freshly loaded address space (kml-shim's, when the kernel enables it). */
@FunctionalInterface
public interface VdsoMapper {
    /** Maps the vDSO in the highest free range below {@code below}; returns its ELF header's address (AT_SYSINFO_EHDR). */
    long map(AddressSpace space, long below);
}
