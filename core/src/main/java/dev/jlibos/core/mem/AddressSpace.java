package dev.jlibos.core.mem;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest process's virtual memory: the list of areas, their host backing, and the one bounds-checked
 * way for the libOS to touch guest memory.
 *
 * <p>Checked accessors ({@link #read}, {@link #write}, {@link #readLong}...) follow the kernel's
 * copy_from_user/copy_to_user rules: any byte outside a mapping, a read of a PROT_NONE page or a write to
 * a page without PROT_WRITE fails the whole call with EFAULT. They never touch host memory outside a
 * block, so a hostile pointer cannot crash the JVM. The {@code init*} methods ignore protection; only the
 * loader and the kernel's own setup (stack, signal frames on a known-writable stack) use them.
 *
 * <p>Every change to the map is mirrored into each attached engine, so threads sharing this address space
 * see the same pages.
 */
public final class AddressSpace implements AutoCloseable, HostMemory.ShrinkListener {
    public static final long PAGE_SIZE = 4096;
    /** Linux x86-64 TASK_SIZE with 4-level paging: the first address user space cannot map. */
    public static final long USER_END = 0x7ffffffff000L;
    /** Linux's default vm.mmap_min_addr: the guest can never map page 0, so NULL dereferences fault. */
    public static final long MIN_ADDRESS = 0x10000;
    /** Linux's default vm.max_map_count: one more area than this and mmap, mprotect or munmap fail with ENOMEM. */
    public static final int MAX_MAP_COUNT = 65530;
    /**
     * Unicorn keeps an engine region per mapping in one table of fewer than 4096 sections (QEMU's
     * phys_section_add asserts, which aborts the JVM). Past this many engine regions a mapping fails with
     * ENOMEM instead. With paged protection (Unicorn 2.1) engine regions are backing runs, not areas, so
     * only guests with thousands of separate mappings come near it.
     */
    public static final int ENGINE_REGION_LIMIT = 3800;

    /**
     * With paged protection: what the engines have mapped, start -> {end, host address}. A run of areas
     * that are contiguous in one host block is one engine region however often mprotect splits it.
     */
    private final TreeMap<Long, long[]> engineRegions = new TreeMap<>();

    private final TreeMap<Long, Vma> areas = new TreeMap<>();
    /**
     * The free ranges between areas, gap end -> gap start, kept beside {@link #areas} so that placing a
     * mapping skips only the holes too small for it rather than every area (a guest with thousands of
     * adjacent areas, say alternating guard pages, made each mmap walk them all). The gap below an area is
     * keyed by that area's start; the one above the highest area by {@link #USER_END}.
     */
    private final TreeMap<Long, Long> gaps = new TreeMap<>(Map.of(USER_END, 0L));
    /** {@link #committedBytes}, kept as areas come and go: the machine-wide limit reads it at every commit. */
    private volatile long committed;
    private final HostMemory host;
    private final List<Cpu> engines = new ArrayList<>();
    private Vma lastHit;
    /** The writable+executable ranges every engine watches for stores (see {@link Cpu#watchCodeStores}). */
    private List<long[]> watchedCode = List.of();
    private final CodeStoreLog codeStores = new CodeStoreLog();

    public AddressSpace(HostMemory host) {
        this.host = host;
    }

    public static long pageDown(long address) {
        return address & -PAGE_SIZE;
    }

    public static long pageUp(long address) {
        return (address + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /** Makes {@code cpu} see every current and future mapping of this space. */
    public synchronized void attach(Cpu cpu) {
        engines.add(cpu);
        refreshCodeWatch(true);
        if (cpu.pagedProtection()) {
            cpu.setPageProtections(this::protectionAt);
            for (var e : engineRegions.entrySet()) {
                long start = e.getKey(), end = e.getValue()[0];
                cpu.map(start, end - start, Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC, e.getValue()[1]);
                cpu.invalidateCode(start, end - start);
            }
            return;
        }
        for (Vma v : areas.values()) {
            cpu.map(v.start(), v.length(), engineProt(v.start(), v.prot()), v.block().block().address() + v.blockOffset());
            // An engine reused by execve still holds code translated from the old image; when the new
            // image has code at the same addresses (two PIE programs both at 0x555555554000), those
            // stale blocks would run instead of the new bytes.
            if ((v.prot() & Cpu.PROT_EXEC) != 0) cpu.invalidateCode(v.start(), v.length());
        }
    }

    /** Stops mirroring into {@code cpu} and removes every mapping from it (execve's old image). */
    public synchronized void detach(Cpu cpu) {
        engines.remove(cpu);
        cpu.watchCodeStores(List.of(), null);
        codeStores.forget(cpu);
        refreshCodeWatch(false);
        if (cpu.pagedProtection()) {
            for (var e : engineRegions.entrySet()) cpu.unmap(e.getKey(), e.getValue()[0] - e.getKey());
            cpu.setPageProtections(null);
            return;
        }
        for (Vma v : areas.values()) cpu.unmap(v.start(), v.length());
    }

    /** Paged protection: the engine protection of the page at {@code address}, or -1 where nothing is mapped. */
    public synchronized int protectionAt(long address) {
        Map.Entry<Long, Vma> e = areas.floorEntry(address);
        if (e == null || !e.getValue().contains(address)) return -1;
        if (pastFileEnd(e.getValue(), address + 1)) return Cpu.PROT_NONE;
        return engineProt(e.getKey(), e.getValue().prot());
    }

    /**
     * Whether some byte of {@code v} below {@code to} lies in pages its shared file no longer has (the file
     * shrank under the mapping): Linux raises SIGBUS there and a syscall fails with EFAULT.
     */
    private static boolean pastFileEnd(Vma v, long to) {
        return v.blockOffset() + (to - v.start()) > v.block().block().accessibleLength();
    }

    /** True when {@code address} is mapped but past the end of its shared file: the guest's fault there is SIGBUS. */
    public synchronized boolean pastEndOfFile(long address) {
        Map.Entry<Long, Vma> e = areas.floorEntry(address);
        return e != null && e.getValue().contains(address) && pastFileEnd(e.getValue(), address + 1);
    }

    /**
     * A shared file block lost its pages past the file's new end ({@link HostMemory#fileShrank}): the engines
     * that map it forget the rights they cached, so their next access there asks {@link #protectionAt}.
     */
    @Override
    public synchronized void blockShrank(HostBlock block) {
        for (Vma v : areas.values()) {
            if (v.block().block() != block) continue;
            lastHit = null;
            for (Cpu cpu : engines) cpu.protectionsChanged();
            return;
        }
    }

    /** Engine regions from the areas: maximal runs that are contiguous both in the guest and in one host block. */
    /**
     * Paged protection: whether an area needs an engine region. A PROT_NONE area does not (the TLB fill
     * denies it either way), and leaving it out matters: Unicorn's uc_mem_unmap flushes the TLB one page at
     * a time, so reserving and releasing terabytes of PROT_NONE (musl's libc-test -oom tests fill the
     * address space that way) took hours. It gets a region when mprotect first gives it a right.
     */
    private static boolean inEngine(Vma v) {
        return v.prot() != Cpu.PROT_NONE;
    }

    /**
     * Paged protection: gives engine regions to the areas in [start, end) that have rights but none yet.
     * The hull of the range and the engine regions touching it is mapped again as maximal runs, so guard
     * pages given back their rights join their neighbours in one region instead of one region each.
     */
    private void coverEngineRegions(long start, long end) {
        if (!hasEngineGap(start, end)) return;
        long lo = start, hi = end;
        Map.Entry<Long, long[]> left = engineRegions.floorEntry(start);
        if (left != null && left.getValue()[0] >= start) lo = left.getKey();
        Map.Entry<Long, long[]> right = engineRegions.floorEntry(end);
        if (right != null && right.getKey() <= end && right.getValue()[0] > end) hi = right.getValue()[0];
        cutEngineRegions(lo, hi);
        long[] run = null;
        Vma last = null;
        List<long[]> runs = new ArrayList<>(); // {start, end, host}
        for (Vma v : overlapping(lo, hi)) {
            long a = Math.max(v.start(), lo), b = Math.min(v.end(), hi);
            if (!inEngine(v)) {
                run = null;
                continue;
            }
            long host = v.block().block().address() + v.blockOffset() + (a - v.start());
            if (run != null && last.end() == a && last.block() == v.block() && run[2] + (run[1] - run[0]) == host) {
                run[1] = b;
            } else {
                run = new long[] {a, b, host};
                runs.add(run);
            }
            last = v;
        }
        if (engineRegions.size() + runs.size() > ENGINE_REGION_LIMIT) throw Errno.ENOMEM.fail();
        for (long[] r : runs) {
            engineRegions.put(r[0], new long[] {r[1], r[2]});
            for (Cpu cpu : engines) {
                if (!cpu.pagedProtection()) continue;
                cpu.map(r[0], r[1] - r[0], Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC, r[2]);
                cpu.invalidateCode(r[0], r[1] - r[0]);
            }
        }
    }

    /** Whether some area with rights in [start, end) has no engine region. */
    private boolean hasEngineGap(long start, long end) {
        for (Vma v : overlapping(start, end)) {
            if (!inEngine(v)) continue;
            long a = Math.max(v.start(), start), b = Math.min(v.end(), end);
            Map.Entry<Long, long[]> r = engineRegions.floorEntry(a);
            if (r == null || r.getValue()[0] < b) return true; // not one region covering [a, b)
        }
        return false;
    }

    private void rebuildEngineRegions() {
        engineRegions.clear();
        long[] run = null;
        Vma last = null;
        for (Vma v : areas.values()) {
            if (!inEngine(v)) {
                run = null;
                continue;
            }
            long host = v.block().block().address() + v.blockOffset();
            if (run != null && last.end() == v.start() && last.block() == v.block()
                    && last.blockOffset() + last.length() == v.blockOffset()) {
                run[0] = v.end();
            } else {
                run = new long[] {v.end(), host};
                engineRegions.put(v.start(), run);
            }
            last = v;
        }
    }

    /**
     * Removes [start, end) from the engine regions, and from every engine with paged protection: one
     * uc_mem_unmap per engine region it cuts, however many areas lie there (an unmap per area would split
     * the engine's region once per area, quadratic in Unicorn). Engines without paged protection are
     * told per area by the caller.
     */
    private void cutEngineRegions(long start, long end) {
        if (end <= start) return;
        Map.Entry<Long, long[]> first = engineRegions.lowerEntry(start);
        List<Map.Entry<Long, long[]>> hit = new ArrayList<>();
        if (first != null && first.getValue()[0] > start) hit.add(first);
        hit.addAll(new ArrayList<>(engineRegions.subMap(start, true, end, false).entrySet()));
        for (var e : hit) {
            long rs = e.getKey(), re = e.getValue()[0], host = e.getValue()[1];
            engineRegions.remove(rs);
            if (rs < start) engineRegions.put(rs, new long[] {start, host});
            if (end < re) engineRegions.put(end, new long[] {re, host + (end - rs)});
            long cutStart = Math.max(rs, start), cutEnd = Math.min(re, end);
            for (Cpu cpu : engines) if (cpu.pagedProtection()) cpu.unmap(cutStart, cutEnd - cutStart);
        }
    }

    private boolean pagedEngines() {
        return !engines.isEmpty() && engines.get(0).pagedProtection();
    }

    /** ENOMEM when {@code more} areas (and as many engine regions) would pass Linux's or the engine's limit. */
    private void checkCounts(int more) {
        if (areas.size() + more > MAX_MAP_COUNT) throw Errno.ENOMEM.fail();
        int regions = pagedEngines() ? engineRegions.size() : areas.size();
        if (regions + more > ENGINE_REGION_LIMIT && (pagedEngines() || !engines.isEmpty())) throw Errno.ENOMEM.fail();
    }

    /**
     * fork: a new address space with a private copy of every area; shared file mappings stay shared
     * (both processes see the same host page cache pages).
     */
    public AddressSpace copyForFork() {
        AddressSpace child = new AddressSpace(host);
        java.util.Map<Vma.Shared, Vma.Shared> copies = new java.util.IdentityHashMap<>();
        for (Vma v : areas.values()) {
            HostBlock source = v.block().block();
            Vma copy;
            if (source.sharedOnFork()) {
                copy = v;
            } else {
                // Copy the whole backing block once, however many areas share it after splits.
                Vma.Shared copied = copies.computeIfAbsent(v.block(), shared -> {
                    HostBlock block = host.allocate(shared.block().size());
                    shared.block().copyAllTo(block);
                    return new Vma.Shared(block);
                });
                copy = new Vma(v.start(), v.end(), v.prot(), copied, v.blockOffset(), v.name(), v.fileOffset());
            }
            child.insert(copy);
        }
        child.rebuildEngineRegions();
        return child;
    }

    /**
     * For a copy made by {@link #resettableCopy}: each private block of the image and this space's copy of
     * it; null for ordinary spaces.
     */
    private java.util.Map<Vma.Shared, Vma.Shared> copiesOfImage;

    /**
     * A copy of {@code image} (as {@link #copyForFork}) that {@link #resetTo} can later make equal to the
     * image again without remapping the areas the run left in place.
     */
    public static AddressSpace resettableCopy(AddressSpace image) {
        AddressSpace live = new AddressSpace(image.host);
        live.copiesOfImage = new java.util.IdentityHashMap<>();
        for (Vma v : image.areas.values()) live.insert(live.copyOfImageArea(v));
        live.rebuildEngineRegions();
        return live;
    }

    private Vma copyOfImageArea(Vma v) {
        // Shared file pages and the pages the libOS keeps current for every process (the vDSO's vvar) are
        // the image's own, as fork shares them: a private copy of vvar would freeze the vDSO's clock.
        if (v.block().block().sharedOnFork()) return v;
        Vma.Shared copied = copiesOfImage.computeIfAbsent(v.block(), shared -> {
            HostBlock block = host.allocate(shared.block().size());
            shared.block().copyAllTo(block);
            return new Vma.Shared(block);
        });
        return new Vma(v.start(), v.end(), v.prot(), copied, v.blockOffset(), v.name(), v.fileOffset());
    }

    /**
     * A snapshot's reset: makes this space (from {@link #resettableCopy} of {@code image}) equal to the
     * image again. Areas still where the image has them, with the same protection and backing, stay
     * mapped in the attached engines, so the code the engines translated from them stays valid: only
     * their bytes are copied back. Everything else is unmapped, and the image's missing areas are mapped
     * again. Code the run wrote into a writable+executable area (a JIT) is invalidated; code in read-only
     * executable areas cannot have changed.
     */
    public synchronized void resetTo(AddressSpace image) {
        if (copiesOfImage == null) throw new IllegalStateException("not a resettable copy");
        java.util.Set<Vma> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Vma iv : image.areas.values()) {
            Vma lv = areas.get(iv.start());
            Vma.Shared expected = iv.block().block().sharedOnFork() ? iv.block() : copiesOfImage.get(iv.block());
            if (lv != null && lv.end() == iv.end() && lv.prot() == iv.prot() && lv.block() == expected
                    && lv.blockOffset() == iv.blockOffset()) {
                kept.add(lv);
            }
        }
        for (Vma lv : new ArrayList<>(areas.values())) {
            if (kept.contains(lv)) continue;
            remove(lv);
            cutEngineRegions(lv.start(), lv.end());
            for (Cpu cpu : engines) if (!cpu.pagedProtection()) cpu.unmap(lv.start(), lv.length());
            release(lv.block());
        }
        copiesOfImage.values().removeIf(copy -> copy.references.get() == 0);
        List<long[]> changedCode = changedCode(image, kept);
        for (var e : copiesOfImage.entrySet()) e.getValue().block().restoreFrom(e.getKey().block());
        // Code whose bytes the run changed (the kml-shim's rewritten syscall sites, a debugger's breakpoints,
        // text made writable and back) is translated from the image's bytes again.
        for (long[] r : changedCode) for (Cpu cpu : engines) cpu.invalidateCode(r[0], r[1] - r[0]);
        for (Vma iv : image.areas.values()) {
            Vma lv = areas.get(iv.start());
            if (lv != null && kept.contains(lv)) {
                boolean jit = (lv.prot() & Cpu.PROT_EXEC) != 0 && (lv.prot() & Cpu.PROT_WRITE) != 0;
                if (jit) for (Cpu cpu : engines) cpu.invalidateCode(lv.start(), lv.length());
                continue;
            }
            Vma copy = copyOfImageArea(iv);
            insert(copy);
            long host = copy.block().block().address() + copy.blockOffset();
            if (inEngine(copy)) engineRegions.put(copy.start(), new long[] {copy.end(), host});
            for (Cpu cpu : engines) {
                if (cpu.pagedProtection() && !inEngine(copy)) continue;
                cpu.map(copy.start(), copy.length(), cpu.pagedProtection() ? Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC
                        : engineProt(copy.start(), copy.prot()), host);
                if ((copy.prot() & Cpu.PROT_EXEC) != 0) cpu.invalidateCode(copy.start(), copy.length());
            }
        }
        for (Cpu cpu : engines) cpu.protectionsChanged();
        lastHit = null;
        refreshCodeWatch(false);
    }

    /**
     * The pages of the kept executable (not writable: those are dropped whole) areas whose bytes differ
     * from the image's, as [start, end) runs, before the reset copies the image's bytes back: the engines'
     * translations of them are of the run's bytes.
     */
    private List<long[]> changedCode(AddressSpace image, java.util.Set<Vma> kept) {
        List<long[]> changed = new ArrayList<>();
        byte[] mine = new byte[(int) PAGE_SIZE], theirs = new byte[(int) PAGE_SIZE];
        for (Vma iv : image.areas.values()) {
            if ((iv.prot() & Cpu.PROT_EXEC) == 0 || (iv.prot() & Cpu.PROT_WRITE) != 0) continue;
            Vma lv = areas.get(iv.start());
            if (lv == null || !kept.contains(lv) || lv.block() == iv.block()) continue;
            for (long a = iv.start(); a < iv.end(); a += PAGE_SIZE) {
                lv.block().block().get(lv.blockOffset() + (a - lv.start()), mine, 0, mine.length);
                iv.block().block().get(iv.blockOffset() + (a - iv.start()), theirs, 0, theirs.length);
                if (java.util.Arrays.equals(mine, theirs)) continue;
                long[] last = changed.isEmpty() ? null : changed.get(changed.size() - 1);
                if (last != null && last[1] == a) last[1] = a + PAGE_SIZE;
                else changed.add(new long[] {a, a + PAGE_SIZE});
            }
        }
        return changed;
    }

    /**
     * For a copy made by {@link #resettableCopy}: the image lost areas since (an engine pool's image drops
     * the loader's stack, which every run builds afresh); their blocks are no longer the image's.
     */
    public synchronized void forgetReleasedImageBlocks() {
        if (copiesOfImage != null) copiesOfImage.keySet().removeIf(original -> original.references.get() == 0);
    }

    /**
     * Writable memory that is not a shared file's: roughly Linux's commit charge, what the host may have to
     * back. Reservations (PROT_NONE or read-only areas) and MAP_SHARED file pages (the file's) are left out.
     */
    public long committedBytes() {
        return committed;
    }

    /** Bytes of [start, end) that are mapped and not yet committed: what making them writable would commit. */
    public synchronized long uncommittedIn(long start, long end) {
        long n = 0;
        for (Vma v : overlapping(start, end)) {
            if (!commits(v) && !v.block().block().sharedWithFile()) n += Math.min(v.end(), end) - Math.max(v.start(), start);
        }
        return n;
    }

    private static boolean commits(Vma v) {
        return (v.prot() & Cpu.PROT_WRITE) != 0 && !v.block().block().sharedWithFile();
    }

    /** Bytes of guest address space mapped (an upper bound of the host memory the areas hold). */
    public synchronized long mappedBytes() {
        long n = 0;
        for (Vma v : areas.values()) n += v.length();
        return n;
    }

    /**
     * Keeps every engine watching the writable+executable areas for stores while two or more engines share
     * this space (one engine sees its own stores into code): a store there drops that page's translations
     * from the others. {@code always} resends the set (a new engine has none yet).
     */
    private void refreshCodeWatch(boolean always) {
        List<long[]> ranges = new ArrayList<>();
        if (engines.size() > 1) {
            for (Vma v : areas.values()) {
                if ((v.prot() & (Cpu.PROT_WRITE | Cpu.PROT_EXEC)) != (Cpu.PROT_WRITE | Cpu.PROT_EXEC)) continue;
                long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last[1] == v.start()) last[1] = v.end();
                else ranges.add(new long[] {v.start(), v.end()});
            }
        }
        if (!always && sameRanges(ranges, watchedCode)) return;
        watchedCode = ranges;
        codeStores.watching(ranges);
        for (Cpu cpu : engines) cpu.watchCodeStores(ranges, codeStores.readerFor(cpu));
    }

    private static boolean sameRanges(List<long[]> a, List<long[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // The map

    /**
     * Maps fresh zeroed memory at exactly [start, start+length), replacing whatever was there (the
     * MAP_FIXED rule). Both bounds must be page aligned and inside user space.
     */
    public Vma map(long start, long length, int prot, String name) {
        return map(start, length, prot, name, 0);
    }

    public Vma map(long start, long length, int prot, String name, long fileOffset) {
        checkRange(start, length);
        return mapBlock(start, length, prot, name, fileOffset, host.allocate(length));
    }

    /**
     * Maps the libOS's own code below {@link #MIN_ADDRESS}, where no guest mapping can be (the syscall
     * entry page of the kml-shim, at 0). The engine gets exactly {@code prot}; the checked accessors never
     * let a syscall read or write it, as if nothing were mapped there.
     */
    public Vma mapReserved(long start, byte[] contents, int prot, String name) {
        long length = pageUp(contents.length);
        if ((start & (PAGE_SIZE - 1)) != 0 || start < 0 || start + length > MIN_ADDRESS) throw Errno.EINVAL.fail();
        HostBlock block = host.allocate(length);
        block.put(0, contents, 0, contents.length);
        return install(start, length, prot, name, 0, block);
    }

    /** Maps an existing host block (a shared file mapping) at [start, start+length), replacing what was there. */
    public Vma mapBlock(long start, long length, int prot, String name, long fileOffset, HostBlock block) {
        checkRange(start, length);
        if ((prot & Cpu.PROT_WRITE) != 0 && !block.writable()) throw Errno.EACCES.fail();
        return install(start, length, prot, name, fileOffset, block);
    }

    /** Replaces whatever was at [start, start+length) with {@code block}, in the map and in every engine. */
    private synchronized Vma install(long start, long length, int prot, String name, long fileOffset, HostBlock block) {
        try {
            checkCounts(2); // the new area, and one more if it splits an area in two
        } catch (RuntimeException e) {
            block.free();
            throw e;
        }
        unmap(start, length);
        Vma vma = new Vma(start, start + length, prot, new Vma.Shared(block), 0, name, fileOffset);
        insert(vma);
        if (inEngine(vma)) engineRegions.put(start, new long[] {start + length, block.address()});
        for (Cpu cpu : engines) {
            if (cpu.pagedProtection() && !inEngine(vma)) continue;
            cpu.map(start, length, cpu.pagedProtection() ? Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC
                    : engineProt(start, prot), block.address());
            if ((prot & Cpu.PROT_EXEC) != 0) cpu.invalidateCode(start, length);
        }
        refreshCodeWatch(false);
        return vma;
    }

    /** Removes all mappings in the range; pages that were not mapped are ignored, as munmap does. */
    public synchronized void unmap(long start, long length) {
        long end = start + length;
        List<Vma> hit = overlapping(start, end);
        if (hit.size() == 1 && hit.get(0).start() < start && hit.get(0).end() > end) checkCounts(1);
        cutEngineRegions(start, end);
        for (Vma v : hit) {
            remove(v);
            long cutStart = Math.max(v.start(), start), cutEnd = Math.min(v.end(), end);
            if (v.start() < cutStart) insert(v.slice(v.start(), cutStart));
            if (cutEnd < v.end()) insert(v.slice(cutEnd, v.end()));
            for (Cpu cpu : engines) if (!cpu.pagedProtection()) cpu.unmap(cutStart, cutEnd - cutStart);
            release(v.block());
        }
        lastHit = null;
        refreshCodeWatch(false);
    }

    /** Changes protection of a fully mapped range; ENOMEM if any page in it is unmapped (as mprotect). */
    public synchronized void protect(long start, long length, int prot) {
        long end = start + length;
        if (end <= start || !isFullyMapped(start, end)) throw Errno.ENOMEM.fail(); // empty or wrapping: nothing to change
        List<Vma> hit = overlapping(start, end);
        if ((prot & Cpu.PROT_WRITE) != 0) {
            for (Vma v : hit) if (!v.block().block().writable()) throw Errno.EACCES.fail();
        }
        int splits = (hit.get(0).start() < start ? 1 : 0) + (hit.get(hit.size() - 1).end() > end ? 1 : 0);
        if (splits > 0) checkCounts(splits);
        for (Vma v : hit) {
            remove(v);
            long a = Math.max(v.start(), start), b = Math.min(v.end(), end);
            if (v.start() < a) insert(v.slice(v.start(), a));
            insert(v.slice(a, b).withProt(prot));
            if (b < v.end()) insert(v.slice(b, v.end()));
            release(v.block());
            long hostAddress = v.block().block().address() + v.blockOffset() + (a - v.start());
            for (Cpu cpu : engines) {
                if (cpu.pagedProtection()) {
                    if ((prot & Cpu.PROT_EXEC) != 0 && (v.prot() & Cpu.PROT_EXEC) == 0) cpu.invalidateCode(a, b - a);
                    continue;
                }
                // Unmap and map again instead of cpu.protect: Unicorn 2.0.1's uc_mem_protect leaves stale
                // TLB entries, so a page made PROT_NONE stayed readable (compat-tests' mmap probe, musl);
                // unmapping flushes them.
                cpu.unmap(a, b - a);
                cpu.map(a, b - a, engineProt(a, prot), hostAddress);
                if ((prot & Cpu.PROT_EXEC) != 0 && (v.prot() & Cpu.PROT_EXEC) == 0) cpu.invalidateCode(a, b - a);
            }
        }
        mergeAround(start, end);
        if (prot != Cpu.PROT_NONE) coverEngineRegions(start, end);
        for (Cpu cpu : engines) cpu.protectionsChanged();
        lastHit = null;
        refreshCodeWatch(false);
    }

    /**
     * Joins the areas in and next to [start, end) with neighbours that now agree in everything (Linux's
     * vma_merge after mprotect), so a page-by-page mprotect does not leave one area per page.
     */
    private void mergeAround(long start, long end) {
        Map.Entry<Long, Vma> e = areas.lowerEntry(start);
        if (e == null) e = areas.ceilingEntry(start);
        while (e != null && e.getKey() <= end) {
            Vma a = e.getValue();
            Map.Entry<Long, Vma> next = areas.higherEntry(a.start());
            if (next == null) break;
            Vma b = next.getValue();
            if (a.end() == b.start() && a.block() == b.block() && a.prot() == b.prot()
                    && a.blockOffset() + a.length() == b.blockOffset() && a.name().equals(b.name())
                    && a.fileOffset() + a.length() == b.fileOffset()) {
                Vma joined = new Vma(a.start(), b.end(), a.prot(), a.block(), a.blockOffset(), a.name(), a.fileOffset());
                insert(joined); // replaces a: the block's count goes up before the two old areas give theirs back
                removeArea(b.start());
                release(a.block());
                release(b.block());
                e = areas.floorEntry(joined.start());
            } else {
                e = next;
            }
        }
    }

    public boolean isFullyMapped(long start, long end) {
        if (end < start) return false; // a range that wraps: never mapped
        long cursor = start;
        for (Vma v : overlapping(start, end)) {
            if (v.start() > cursor) return false;
            cursor = v.end();
        }
        return cursor >= end;
    }

    public boolean isFree(long start, long length) {
        return start >= MIN_ADDRESS && start + length <= USER_END && start + length > start
                && overlapping(start, start + length).isEmpty();
    }

    /**
     * Finds a free, page-aligned range of {@code length} bytes, searching downwards from {@code below}
     * (Linux's top-down mmap layout).
     */
    public long findFree(long length, long below) {
        if (length < 0) throw Errno.ENOMEM.fail(); // a length that wrapped
        long ceiling = pageDown(below);
        // The gap that holds the ceiling (if any), then every gap below it, highest first: the first one with
        // room under the ceiling is Linux's top-down choice.
        Map.Entry<Long, Long> holding = gaps.ceilingEntry(ceiling);
        if (holding != null) {
            long start = Math.max(holding.getValue(), MIN_ADDRESS);
            if (start < ceiling && ceiling - start >= length) return ceiling - length;
        }
        for (Map.Entry<Long, Long> g : gaps.headMap(ceiling, false).descendingMap().entrySet()) {
            long start = Math.max(g.getValue(), MIN_ADDRESS);
            long end = g.getKey();
            if (end <= start) break; // this gap and every lower one end below MIN_ADDRESS
            if (end - start >= length) return end - length;
        }
        throw Errno.ENOMEM.fail();
    }

    public Vma find(long address) {
        Vma hit = lastHit;
        if (hit != null && hit.contains(address)) return hit;
        Map.Entry<Long, Vma> e = areas.floorEntry(address);
        if (e == null || !e.getValue().contains(address)) return null;
        lastHit = e.getValue();
        return lastHit;
    }

    /** A snapshot of the areas in address order (for /proc/self/maps and fork). */
    public List<Vma> areas() {
        return new ArrayList<>(areas.values());
    }

    /** Renames the areas inside a range, e.g. to label the heap or a file mapping in /proc/self/maps. */
    public void rename(long start, long end, String name, long fileOffset) {
        for (Vma v : overlapping(start, end)) {
            if (v.start() < start || v.end() > end) continue;
            putArea(new Vma(v.start(), v.end(), v.prot(), v.block(), v.blockOffset(), name,
                    fileOffset + (v.start() - start)));
        }
        lastHit = null;
    }

    private List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        if (end <= start) return out; // guest lengths can wrap; TreeMap.subMap would throw
        Map.Entry<Long, Vma> first = areas.lowerEntry(start);
        if (first != null && first.getValue().end() > start) out.add(first.getValue());
        out.addAll(areas.subMap(start, true, end, false).values());
        return out;
    }

    private void insert(Vma v) {
        v.block().references.incrementAndGet();
        putArea(v);
        if (v.block().block().sharedWithFile()) host.listenForShrinks(this);
    }

    private void remove(Vma v) {
        removeArea(v.start());
        lastHit = null;
    }

    // Every change to the areas goes through these two, which keep the gap index and the commit count.

    private void putArea(Vma v) {
        Vma old = areas.put(v.start(), v);
        committed += committedBy(v) - (old == null ? 0 : committedBy(old));
        gapsChangedAt(v.start());
    }

    private void removeArea(long start) {
        Vma old = areas.remove(start);
        if (old == null) return;
        committed -= committedBy(old);
        gaps.remove(start);
        gapsChangedAt(start);
    }

    private static long committedBy(Vma v) {
        return commits(v) ? v.length() : 0;
    }

    /**
     * Recomputes the two gaps an area at {@code start} borders: the one below it (keyed by its start) and
     * the one below the next area up. An area that overlaps its neighbour for a moment (mergeAround's joined
     * area before the second half goes) just leaves no gap there.
     */
    private void gapsChangedAt(long start) {
        Map.Entry<Long, Vma> below = areas.lowerEntry(start);
        long floor = below == null ? 0 : below.getValue().end();
        Vma here = areas.get(start);
        if (here != null) {
            setGap(start, floor);
            floor = Math.max(floor, here.end());
        }
        Long aboveKey = areas.higherKey(start);
        setGap(aboveKey == null ? USER_END : aboveKey, floor);
    }

    private void setGap(long end, long start) {
        if (start < end) gaps.put(end, start);
        else gaps.remove(end);
    }

    private static void release(Vma.Shared shared) {
        if (shared.references.decrementAndGet() == 0) shared.block.free();
    }

    private static void checkRange(long start, long length) {
        if ((start & (PAGE_SIZE - 1)) != 0 || (length & (PAGE_SIZE - 1)) != 0 || length <= 0
                || start < MIN_ADDRESS || start + length > USER_END || start + length < start) {
            throw Errno.EINVAL.fail();
        }
    }

    /**
     * x86 page tables cannot express write-only or execute-only: any access right implies read. The
     * libOS's own area below {@link #MIN_ADDRESS} is the exception: the engine enforces exactly what it
     * asks (the syscall entry page is execute-only, so a NULL dereference still faults).
     */
    private static int engineProt(long start, int prot) {
        if (start < MIN_ADDRESS) return prot;
        return prot == Cpu.PROT_NONE ? Cpu.PROT_NONE : prot | Cpu.PROT_READ;
    }

    // ---------------------------------------------------------------------------------------------
    // Checked access (copy_from_user / copy_to_user)

    public void read(long address, byte[] dst, int index, int length) {
        copy(address, dst, index, length, false, true);
    }

    public byte[] read(long address, int length) {
        if (length < 0) throw Errno.EINVAL.fail();
        // Check the whole range before allocating: a bad pointer with a huge length must cost nothing.
        requireAccess(address, length, false);
        byte[] out = new byte[length];
        read(address, out, 0, length);
        return out;
    }

    public void write(long address, byte[] src, int index, int length) {
        copy(address, src, index, length, true, true);
    }

    public void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    public long readLong(long address) {
        Vma v = accessible(address, 8, false);
        if (v == null) return Longs.fromBytes(read(address, 8), 0);
        return v.block().block().getLong(v.blockOffset() + (address - v.start()));
    }

    public int readInt(long address) {
        Vma v = accessible(address, 4, false);
        if (v == null) return (int) Longs.fromBytes(read(address, 4), 0, 4);
        return v.block().block().getInt(v.blockOffset() + (address - v.start()));
    }

    public void writeLong(long address, long value) {
        Vma v = accessible(address, 8, true);
        if (v == null) {
            write(address, Longs.toBytes(value, 8));
            return;
        }
        v.block().block().putLong(v.blockOffset() + (address - v.start()), value);
        if ((v.prot() & Cpu.PROT_EXEC) != 0) invalidate(address, 8);
    }

    public void writeInt(long address, int value) {
        Vma v = accessible(address, 4, true);
        if (v == null) {
            write(address, Longs.toBytes(value, 4));
            return;
        }
        v.block().block().putInt(v.blockOffset() + (address - v.start()), value);
        if ((v.prot() & Cpu.PROT_EXEC) != 0) invalidate(address, 4);
    }

    /**
     * Reads a NUL-terminated string of at most {@code maxLength} bytes (not counting the NUL), as
     * strncpy_from_user. Fails with {@code tooLong} if no NUL is found within the limit.
     */
    public String readCString(long address, int maxLength, Errno tooLong) {
        byte[] buf = readCBytes(address, maxLength, tooLong);
        return new String(buf, StandardCharsets.UTF_8);
    }

    /** Like {@link #readCString} but returns the raw bytes (paths are bytes in Linux). */
    public byte[] readCBytes(long address, int maxLength, Errno tooLong) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
        long a = address;
        while (true) {
            Vma v = find(a);
            if (v == null || v.prot() == Cpu.PROT_NONE) throw Errno.EFAULT.fail();
            HostBlock b = v.block().block();
            long off = v.blockOffset() + (a - v.start());
            long limit = v.blockOffset() + v.length();
            while (off < limit) {
                byte c = b.getByte(off++);
                a++;
                if (c == 0) return out.toByteArray();
                if (out.size() >= maxLength) throw tooLong.fail();
                out.write(c);
            }
        }
    }

    /**
     * Fails with EFAULT unless every byte of the range is mapped with the needed right. Lets a syscall
     * check its output buffer before consuming input it could not hand back (read from a pipe).
     */
    public void requireAccess(long address, long length, boolean forWrite) {
        if (length <= 0) return;
        if (address + length < address) throw Errno.EFAULT.fail();
        long a = address, end = address + length;
        while (a < end) {
            Vma v = find(a);
            if (v == null || !permits(v, forWrite) || pastFileEnd(v, Math.min(end, v.end()))) throw Errno.EFAULT.fail();
            a = v.end();
        }
    }

    /**
     * How many bytes from {@code address} on (at most {@code length}) are mapped with the needed right
     * without a gap: what a Linux call that copies out piece by piece (getdents64) can fill before it faults.
     */
    public long accessiblePrefix(long address, long length, boolean forWrite) {
        if (length <= 0) return 0;
        long end = address + length < address ? -1L >>> 1 : address + length;
        long a = address;
        while (a < end) {
            Vma v = find(a);
            if (v == null || !permits(v, forWrite) || (forWrite && !v.block().block().writable())) break;
            if (pastFileEnd(v, Math.min(end, v.end()))) {
                long limit = v.start() + v.block().block().accessibleLength() - v.blockOffset();
                a = Math.max(a, Math.min(end, limit));
                break;
            }
            a = v.end();
        }
        return Math.min(a, end) - address;
    }

    /** Returns the single area containing the whole range with the needed right, or null to take the slow path. */
    private Vma accessible(long address, int length, boolean forWrite) {
        Vma v = find(address);
        if (v == null || address + length > v.end() || address + length < address) return null;
        if (!permits(v, forWrite) || pastFileEnd(v, address + length)) throw Errno.EFAULT.fail();
        return v;
    }

    private static boolean permits(Vma v, boolean forWrite) {
        if (v.start() < MIN_ADDRESS) return false; // the libOS's reserved area: a NULL pointer is EFAULT
        return forWrite ? (v.prot() & Cpu.PROT_WRITE) != 0 : v.prot() != Cpu.PROT_NONE;
    }

    private void copy(long address, byte[] buf, int index, int length, boolean toGuest, boolean checked) {
        if (length == 0) return;
        if (length < 0 || index < 0 || index + length > buf.length) throw Errno.EINVAL.fail();
        if (address + length < address) throw Errno.EFAULT.fail();
        // Check the whole range before touching anything, so a fault leaves guest memory unchanged.
        long a = address;
        long end = address + length;
        while (a < end) {
            Vma v = find(a);
            if (v == null || (checked && !permits(v, toGuest)) || pastFileEnd(v, Math.min(end, v.end()))) {
                throw Errno.EFAULT.fail();
            }
            // A read-only host mapping must never be written, even by the kernel: the host would fault.
            if (toGuest && !v.block().block().writable()) throw Errno.EFAULT.fail();
            a = v.end();
        }
        a = address;
        int done = 0;
        while (done < length) {
            Vma v = find(a);
            int n = (int) Math.min(length - done, v.end() - a);
            long off = v.blockOffset() + (a - v.start());
            if (toGuest) {
                v.block().block().put(off, buf, index + done, n);
                if ((v.prot() & Cpu.PROT_EXEC) != 0) invalidate(a, n);
            } else {
                v.block().block().get(off, buf, index + done, n);
            }
            done += n;
            a += n;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Access from another process (process_vm_readv/writev): get_user_pages' rules, under the lock that
    // guards the map, so the owner's threads cannot unmap what is being copied.

    /** Set by {@link #close}: a stale reference from another process finds nothing mapped. */
    private boolean closed;

    /**
     * How many bytes from {@code address} on (at most {@code length}) get_user_pages reaches without
     * FOLL_FORCE: contiguous pages whose area allows the access itself (PROT_READ to read, PROT_WRITE to
     * write, which implies no read), in guest space.
     */
    public synchronized long remotePrefix(long address, long length, boolean forWrite) {
        if (closed || length <= 0) return 0;
        long end = address + length < address ? -1L >>> 1 : address + length;
        long a = address;
        while (a < end) {
            Vma v = remoteArea(a, forWrite);
            if (v == null) break;
            a = v.end();
        }
        return Math.min(a, end) - address;
    }

    private Vma remoteArea(long a, boolean forWrite) {
        Map.Entry<Long, Vma> e = areas.floorEntry(a);
        Vma v = e == null ? null : e.getValue();
        if (v == null || !v.contains(a) || v.start() < MIN_ADDRESS) return null;
        if ((v.prot() & (forWrite ? Cpu.PROT_WRITE : Cpu.PROT_READ)) == 0) return null;
        if (forWrite && !v.block().block().writable()) return null;
        return v;
    }

    /**
     * Copies up to {@code length} bytes at {@code address} out of this address space ({@code toGuest}
     * false) or into it, as far as {@link #remotePrefix} reaches; returns the bytes copied. Written code is
     * retranslated only with {@code ownEngines} (the caller's own process, whose engines are not running):
     * another process's engine may be running guest code on its own host thread, where Unicorn's cache
     * cannot be touched.
     */
    public synchronized int transferRemote(long address, byte[] buf, int index, int length, boolean toGuest,
                                           boolean ownEngines) {
        if (closed || length <= 0) return 0;
        int done = 0;
        long a = address;
        while (done < length) {
            Vma v = remoteArea(a, toGuest);
            if (v == null) break;
            int n = (int) Math.min(length - done, v.end() - a);
            long off = v.blockOffset() + (a - v.start());
            if (toGuest) {
                v.block().block().put(off, buf, index + done, n);
                if (ownEngines && (v.prot() & Cpu.PROT_EXEC) != 0) invalidate(a, n);
            } else {
                v.block().block().get(off, buf, index + done, n);
            }
            done += n;
            a += n;
        }
        return done;
    }

    private void invalidate(long address, long length) {
        for (Cpu cpu : engines) cpu.invalidateCode(address, length);
    }

    /**
     * FOLL_FORCE access, as ptrace's PEEK/POKE and /proc/PID/mem reach a process's memory: any mapped page
     * can be read whatever its protection, and written where the process may write or where the mapping
     * is private (a breakpoint in read-only code goes into the process's own copy, as Linux's copy on
     * write does); a shared mapping the process may not write, and the vvar page, are refused. Moves up to
     * {@code length} bytes as far as pages allow and returns how many. Safe from any thread: changed code
     * is dropped from each engine's translations before that engine next runs guest code, and a running
     * engine is asked to stop at its next block to see it.
     */
    public synchronized int transferForced(long address, byte[] buf, int index, int length, boolean toGuest) {
        if (closed || length <= 0) return 0;
        int done = 0;
        long a = address;
        boolean code = false;
        while (done < length) {
            Map.Entry<Long, Vma> e = areas.floorEntry(a);
            Vma v = e == null ? null : e.getValue();
            if (v == null || !v.contains(a) || v.start() < MIN_ADDRESS || v.name().equals("[vvar]")) break;
            HostBlock block = v.block().block();
            if (toGuest && (!block.writable() || ((v.prot() & Cpu.PROT_WRITE) == 0 && block.sharedOnFork()))) break;
            int n = (int) Math.min(length - done, v.end() - a);
            long off = v.blockOffset() + (a - v.start());
            if (toGuest) {
                block.put(off, buf, index + done, n);
                code |= (v.prot() & Cpu.PROT_EXEC) != 0;
            } else {
                block.get(off, buf, index + done, n);
            }
            done += n;
            a += n;
        }
        if (code) {
            codeStores.storedOutside(address, done);
            for (Cpu cpu : engines) cpu.requestStop();
        }
        return done;
    }

    // ---------------------------------------------------------------------------------------------
    // Privileged access for the loader and kernel setup: mapped pages only, protection ignored.

    public void initWrite(long address, byte[] src, int index, int length) {
        copy(address, src, index, length, true, false);
    }

    public void initWrite(long address, byte[] src) {
        initWrite(address, src, 0, src.length);
    }

    public void initRead(long address, byte[] dst, int index, int length) {
        copy(address, dst, index, length, false, false);
    }

    public void initWriteLong(long address, long value) {
        initWrite(address, Longs.toBytes(value, 8));
    }

    public void initWriteInt(long address, int value) {
        initWrite(address, Longs.toBytes(value, 4));
    }

    public long initReadLong(long address) {
        byte[] b = new byte[8];
        initRead(address, b, 0, 8);
        return Longs.fromBytes(b, 0);
    }

    /** Zeroes a mapped range regardless of protection (bss tails inside a file page). */
    public void initZero(long address, long length) {
        long a = address, end = address + length;
        while (a < end) {
            Vma v = find(a);
            if (v == null) throw Errno.EFAULT.fail();
            long n = Math.min(end - a, v.end() - a);
            // Shared file pages keep the file's contents (MADV_DONTNEED re-reads them on Linux).
            if (!v.block().block().sharedWithFile()) v.block().block().zero(v.blockOffset() + (a - v.start()), n);
            a += n;
        }
        invalidate(address, length);
    }

    /** Frees every area; the engines must already be closed or detached. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Vma v : new ArrayList<>(areas.values())) {
            remove(v);
            release(v.block());
        }
    }
}
