package dev.jlibos.loader;

import dev.jlibos.core.mem.AddressSpace;

import static dev.jlibos.core.mem.AddressSpace.pageDown;
import static dev.jlibos.core.mem.AddressSpace.pageUp;

/** Maps the PT_LOAD segments of one validated image at a load bias. */
final class SegmentMapper {
    private SegmentMapper() {
    }

    /**
     * Maps every segment as mmap(MAP_FIXED|MAP_PRIVATE) of the file would: each page range gets the
     * file's bytes from the page-aligned offset up to the end of the segment's file data, the rest (bss)
     * reads as zero. A page shared with the previous segment is replaced, as in Linux.
     */
    static void map(AddressSpace space, ElfFile elf, long bias) {
        for (ProgramHeader h : ElfFile.loads(elf.headers)) {
            long start = pageDown(h.vaddr() + bias);
            long end = pageUp(h.vaddr() + bias + h.memSize());
            if (end == start) continue; // empty segment
            long fileStart = pageDown(h.offset());
            space.map(start, end - start, h.prot(), elf.path, fileStart);
            long fileBytes = h.offset() - fileStart + h.fileSize();
            if (fileBytes > 0) space.initWrite(start, elf.bytes, (int) fileStart, (int) fileBytes);
        }
    }
}
