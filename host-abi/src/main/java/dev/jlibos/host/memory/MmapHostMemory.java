package dev.jlibos.host.memory;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.core.mem.HostMemory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Host memory from anonymous {@code mmap(MAP_NORESERVE)}: zero-filled, committed page by page on first
 * touch, so a guest that reserves gigabytes it never uses costs nothing, and outside the Java heap, so
 * the engine can execute it in place.
 */
public final class MmapHostMemory implements HostMemory {
    private static final long MAP_FAILED = -1L;
    private final HostLibc libc = HostLibc.get();
    private final Runtime runtime = Runtime.getRuntime(libc);

    /** Blocks mapped and not yet freed in this JVM, and their bytes (leak checks in tests). */
    private static final java.util.concurrent.atomic.AtomicLong LIVE_BLOCKS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong LIVE_BYTES = new java.util.concurrent.atomic.AtomicLong();

    public static long liveBlocks() {
        return LIVE_BLOCKS.get();
    }

    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /**
     * Anonymous blocks freed recently, still mapped, by size, for the next allocation of the same size.
     * The first touch of a fresh page is a page fault, and on a virtual machine such as the ones jlibos is
     * measured on one costs ~20 us: filling a 2 MB private copy of libc.so took 15 ms, most of a warm
     * /bin/true run. Runs of the same program allocate the same sizes (that copy, the stack, the heap), so
     * a recycled block comes back with its pages resident. Bounded in total size; zeroed on reuse.
     */
    private static final class Recycler {
        private static final long LIMIT = Long.getLong("jlibos.host-memory.recycle", 64L << 20);
        private static final long LARGEST = 16L << 20;
        private static final java.util.Map<Long, java.util.ArrayDeque<Long>> BY_SIZE = new java.util.HashMap<>();
        private static long bytes;

        static synchronized boolean offer(long address, long size) {
            if (size > LARGEST || bytes + size > LIMIT) return false;
            BY_SIZE.computeIfAbsent(size, k -> new java.util.ArrayDeque<>()).push(address);
            bytes += size;
            return true;
        }

        static synchronized long take(long size) {
            java.util.ArrayDeque<Long> q = BY_SIZE.get(size);
            if (q == null || q.isEmpty()) return 0;
            bytes -= size;
            return q.pop();
        }
    }

    private static final int MADV_DONTNEED = 4;

    /**
     * Makes a recycled block read as zero, as a fresh one does: resident pages are cleared in place (they
     * stay resident, which is the point), the others are dropped (a swapped-out page would keep its bytes).
     */
    private void zeroForReuse(long address, long size) {
        long pages = size / 4096;
        byte[] resident = new byte[(int) pages];
        if (libc.mincore(address, size, resident) != 0) {
            if (libc.madvise(address, size, MADV_DONTNEED) != 0) Pointer.wrap(runtime, address).setMemory(0, size, (byte) 0);
            return;
        }
        Pointer memory = Pointer.wrap(runtime, address);
        long page = 0;
        while (page < pages) {
            boolean in = (resident[(int) page] & 1) != 0;
            long run = page;
            while (run < pages && ((resident[(int) run] & 1) != 0) == in) run++;
            long off = page * 4096, len = (run - page) * 4096;
            if (in || libc.madvise(address + off, len, MADV_DONTNEED) != 0) memory.setMemory(off, len, (byte) 0);
            page = run;
        }
    }

    @Override
    public HostBlock allocate(long size) {
        long recycled = Recycler.take(size);
        if (recycled != 0) {
            zeroForReuse(recycled, size);
            return new Block(Pointer.wrap(runtime, recycled, size), recycled, size, true, false);
        }
        long address = libc.mmap(null, size, HostLibc.PROT_READ | HostLibc.PROT_WRITE,
                HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS | HostLibc.MAP_NORESERVE, -1, 0);
        if (address == MAP_FAILED || address == 0) throw Errno.ENOMEM.fail();
        return new Block(Pointer.wrap(runtime, address, size), address, size, true, false);
    }

    @Override
    public HostBlock mapFile(int hostFd, long offset, long length, boolean writable, FileId file) {
        int prot = HostLibc.PROT_READ | (writable ? HostLibc.PROT_WRITE : 0);
        long address = libc.mmap(null, length, prot, HostLibc.MAP_SHARED, hostFd, offset);
        if (address == MAP_FAILED || address == 0) throw Errno.ENOMEM.fail();
        Block block = new Block(Pointer.wrap(runtime, address, length), address, length, writable, true);
        fileBlocks.put(block, new FileRange(file, offset));
        return block;
    }

    /** Where a shared file block's first byte lies in which file. */
    private record FileRange(FileId file, long offset) {
    }

    /** The live shared file blocks, which a truncation of their file must look at. */
    private final java.util.Map<Block, FileRange> fileBlocks = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public boolean mapsFiles() {
        return !fileBlocks.isEmpty();
    }

    @Override
    public void fileShrank(FileId file, long size) {
        long end = (size + 4095) & ~4095L;
        fileBlocks.forEach((block, range) -> {
            if (!range.file().equals(file)) return;
            long from = Math.max(0, end - range.offset());
            if (from >= block.accessible) return;
            long address = libc.mmap(Pointer.wrap(runtime, block.address + from), block.size - from,
                    HostLibc.PROT_READ | HostLibc.PROT_WRITE,
                    HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS | HostLibc.MAP_FIXED | HostLibc.MAP_NORESERVE, -1, 0);
            if (address != block.address + from) throw new IllegalStateException("cannot replace pages past end of file");
            block.accessible = from;
            List<ShrinkListener> now;
            synchronized (shrinkListeners) {
                now = new ArrayList<>(shrinkListeners.keySet());
            }
            for (ShrinkListener l : now) l.blockShrank(block);
        });
    }

    private final Map<ShrinkListener, Boolean> shrinkListeners = new WeakHashMap<>();

    @Override
    public void listenForShrinks(ShrinkListener listener) {
        synchronized (shrinkListeners) {
            shrinkListeners.put(listener, Boolean.TRUE);
        }
    }

    private final class Block implements HostBlock {
        private final Pointer memory;
        private final long address;
        private final long size;
        private final boolean writable;
        private final boolean fileBacked;
        private boolean freed;
        /** What the guest may touch: the whole block, until its file shrinks below it. */
        private volatile long accessible;

        Block(Pointer memory, long address, long size, boolean writable, boolean fileBacked) {
            this.fileBacked = fileBacked;
            this.memory = memory;
            this.address = address;
            this.size = size;
            this.writable = writable;
            this.accessible = size;
            LIVE_BLOCKS.incrementAndGet();
            LIVE_BYTES.addAndGet(size);
        }

        @Override public boolean writable() { return writable; }
        @Override public boolean sharedWithFile() { return fileBacked; }
        @Override public long accessibleLength() { return accessible; }

        @Override public long address() { return address; }
        @Override public long size() { return size; }
        @Override public byte getByte(long offset) { return memory.getByte(offset); }
        @Override public void putByte(long offset, byte value) { memory.putByte(offset, value); }
        @Override public int getInt(long offset) { return memory.getInt(offset); }
        @Override public void putInt(long offset, int value) { memory.putInt(offset, value); }
        @Override public long getLong(long offset) { return memory.getLongLong(offset); }
        @Override public void putLong(long offset, long value) { memory.putLongLong(offset, value); }
        @Override public void get(long offset, byte[] dst, int index, int length) { memory.get(offset, dst, index, length); }
        @Override public void put(long offset, byte[] src, int index, int length) { memory.put(offset, src, index, length); }

        @Override
        public void zero(long offset, long length) {
            memory.setMemory(offset, length, (byte) 0);
        }

        @Override
        public void copyTo(long offset, HostBlock target, long targetOffset, long length) {
            Pointer.wrap(runtime, target.address()).transferFrom(targetOffset, memory, offset, length);
        }

        /**
         * fork's copy: only pages the host has committed are copied (mincore), since an untouched page
         * of a MAP_NORESERVE block reads as zero in the fresh target too. Forking a process with an
         * 8 MiB stack it barely used then costs kilobytes, not megabytes.
         */
        @Override
        public void copyAllTo(HostBlock target) {
            long pages = size / 4096;
            byte[] resident = new byte[(int) pages];
            if (fileBacked || libc.mincore(address, size, resident) != 0) {
                copyTo(0, target, 0, size);
                return;
            }
            long page = 0;
            while (page < pages) {
                if ((resident[(int) page] & 1) == 0) {
                    page++;
                    continue;
                }
                long run = page;
                while (run < pages && (resident[(int) run] & 1) != 0) run++;
                copyTo(page * 4096, target, page * 4096, (run - page) * 4096);
                page = run;
            }
        }

        /** Pages committed in either block are copied; pages untouched in both read as zero already. */
        @Override
        public void restoreFrom(HostBlock source) {
            long pages = size / 4096;
            byte[] here = new byte[(int) pages], there = new byte[(int) pages];
            if (fileBacked || source.sharedWithFile() || libc.mincore(address, size, here) != 0
                    || libc.mincore(source.address(), size, there) != 0) {
                source.copyTo(0, this, 0, size);
                return;
            }
            long page = 0;
            while (page < pages) {
                if (((here[(int) page] | there[(int) page]) & 1) == 0) {
                    page++;
                    continue;
                }
                long run = page;
                while (run < pages && ((here[(int) run] | there[(int) run]) & 1) != 0) run++;
                source.copyTo(page * 4096, this, page * 4096, (run - page) * 4096);
                page = run;
            }
        }

        @Override
        public void free() {
            if (!freed) {
                freed = true;
                fileBlocks.remove(this);
                // The contract: no engine maps it any more, so it may back another guest's pages next.
                if (fileBacked || !Recycler.offer(address, size)) libc.munmap(address, size);
                LIVE_BLOCKS.decrementAndGet();
                LIVE_BYTES.addAndGet(-size);
            }
        }
    }
}
