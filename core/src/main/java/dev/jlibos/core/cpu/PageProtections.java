package dev.jlibos.core.cpu;

/**
 * Where an engine with {@linkplain Cpu#pagedProtection() paged protection} learns what a guest page allows:
 * the address space answers, the engine caches the answer in its TLB until
 * {@link Cpu#protectionsChanged()}.
 */
@FunctionalInterface
public interface PageProtections {
    /**
     * The engine protection of the page holding {@code address} (PROT_* bits, where any right implies
     * read, as in x86 page tables), or -1 when nothing is mapped there.
     */
    int protectionAt(long address);
}
