package dev.jlibos.core.mem;

/**
 * One guest virtual memory area: a page-aligned range with one protection, backed by a slice of a host
 * block. Splitting an area (munmap or mprotect of a part) shares the block; the block is freed when no
 * area refers to it.
 *
 * @param start       first guest address (page aligned)
 * @param end         one past the last guest address (page aligned)
 * @param prot        PROT_* bits as the guest asked for them (shown in /proc/self/maps)
 * @param block       host backing
 * @param blockOffset offset of {@code start} inside {@code block}
 * @param name        what /proc/self/maps shows: a path, "[heap]", "[stack]", or "" for anonymous
 * @param fileOffset  offset into the file for file-backed mappings
 */
public record Vma(long start, long end, int prot, Shared block, long blockOffset, String name, long fileOffset) {
    public long length() {
        return end - start;
    }

    public boolean contains(long address) {
        return address >= start && address < end;
    }

    Vma slice(long from, long to) {
        return new Vma(from, to, prot, block, blockOffset + (from - start), name, fileOffset + (from - start));
    }

    Vma withProt(int newProt) {
        return new Vma(start, end, newProt, block, blockOffset, name, fileOffset);
    }

    /**
     * A reference-counted host block: one count per area that uses it, in any address space (a shared
     * file mapping survives fork in both processes).
     */
    public static final class Shared {
        final HostBlock block;
        final java.util.concurrent.atomic.AtomicInteger references = new java.util.concurrent.atomic.AtomicInteger();

        Shared(HostBlock block) {
            this.block = block;
        }

        public HostBlock block() {
            return block;
        }
    }
}
