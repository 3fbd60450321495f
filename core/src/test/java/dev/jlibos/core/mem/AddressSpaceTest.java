package dev.jlibos.core.mem;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Cpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressSpaceTest {
    private static final long P = AddressSpace.PAGE_SIZE;
    private static final int RW = Cpu.PROT_READ | Cpu.PROT_WRITE;
    private final AddressSpace space = new AddressSpace(new HeapHostMemory());

    private static void assertErrno(Errno expected, Executable call) {
        LinuxException e = assertThrows(LinuxException.class, call);
        assertEquals(expected, e.errno());
    }

    @Test
    void checkedAccessFollowsCopyToUserRules() {
        long a = 0x400000;
        space.map(a, 2 * P, RW, "");
        space.writeLong(a + 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, space.readLong(a + 8));
        // A value straddling the two pages of one area.
        space.writeLong(a + P - 4, -1L);
        assertEquals(-1L, space.readLong(a + P - 4));
        assertErrno(Errno.EFAULT, () -> space.readLong(a - 8));
        assertErrno(Errno.EFAULT, () -> space.readLong(a + 2 * P - 4)); // runs off the end
        assertErrno(Errno.EFAULT, () -> space.read(0, 1));
        assertErrno(Errno.EFAULT, () -> space.read(-8L, 16));           // wraps around
        space.protect(a, P, Cpu.PROT_READ);
        assertErrno(Errno.EFAULT, () -> space.writeInt(a, 1));
        space.protect(a, P, Cpu.PROT_NONE);
        assertErrno(Errno.EFAULT, () -> space.readInt(a));
    }

    @Test
    void faultingWriteLeavesMemoryUnchanged() {
        long a = 0x400000;
        space.map(a, P, RW, "");
        byte[] data = new byte[64];
        java.util.Arrays.fill(data, (byte) 7);
        assertErrno(Errno.EFAULT, () -> space.write(a + P - 32, data));
        assertEquals(0, space.readLong(a + P - 32));
    }

    @Test
    void readsAcrossAdjacentAreas() {
        long a = 0x400000;
        space.map(a, P, RW, "x");
        space.map(a + P, P, Cpu.PROT_READ, "y");
        space.initWrite(a + P - 2, new byte[] {1, 2, 3, 4});
        assertArrayEquals(new byte[] {1, 2, 3, 4}, space.read(a + P - 2, 4));
    }

    @Test
    void partialUnmapAndProtectSplitAreas() {
        long a = 0x400000;
        space.map(a, 4 * P, RW, "file");
        space.writeLong(a + 3 * P, 99);
        space.unmap(a + P, P);
        space.protect(a + 2 * P, P, Cpu.PROT_READ);
        List<Vma> areas = space.areas();
        assertEquals(3, areas.size());
        assertEquals(a, areas.get(0).start());
        assertEquals(a + P, areas.get(0).end());
        assertEquals(Cpu.PROT_READ, areas.get(1).prot());
        assertEquals(99, space.readLong(a + 3 * P)); // contents survive the split
        assertNull(space.find(a + P));
        assertErrno(Errno.ENOMEM, () -> space.protect(a, 3 * P, RW)); // hole inside
    }

    @Test
    void mapFixedReplacesAndZeroes() {
        long a = 0x400000;
        space.map(a, 2 * P, RW, "");
        space.writeLong(a, 5);
        space.map(a, P, RW, "");
        assertEquals(0, space.readLong(a));
        assertEquals(2, space.areas().size());
    }

    @Test
    void findFreeSearchesTopDownAroundExistingAreas() {
        long top = 0x7ffff7fff000L;
        long first = space.findFree(2 * P, top);
        assertEquals(top - 2 * P, first);
        space.map(first, 2 * P, RW, "");
        long second = space.findFree(P, top);
        assertEquals(first - P, second);
        space.map(top - 100 * P, P, RW, "");
        assertTrue(space.isFree(first - 10 * P, P));
        assertFalse(space.isFree(first, P));
        assertErrno(Errno.ENOMEM, () -> space.findFree(AddressSpace.USER_END, top));
    }

    @Test
    void cStringsAreBoundedAndChecked() {
        long a = 0x400000;
        space.map(a, P, RW, "");
        space.write(a, "hello\0".getBytes());
        assertEquals("hello", space.readCString(a, 4096, Errno.ENAMETOOLONG));
        assertErrno(Errno.ENAMETOOLONG, () -> space.readCString(a, 3, Errno.ENAMETOOLONG));
        byte[] noNul = new byte[16];
        java.util.Arrays.fill(noNul, (byte) 'a');
        space.write(a + P - 16, noNul);
        assertErrno(Errno.EFAULT, () -> space.readCString(a + P - 16, 4096, Errno.ENAMETOOLONG));
    }

    @Test
    void rejectsMisalignedOrOutOfRangeMaps() {
        assertErrno(Errno.EINVAL, () -> space.map(0x400001, P, RW, ""));
        assertErrno(Errno.EINVAL, () -> space.map(0, P, RW, ""));
        assertErrno(Errno.EINVAL, () -> space.map(AddressSpace.USER_END, P, RW, ""));
    }

    /**
     * The gap index and the commit count are kept incrementally; after every step of a random mix of maps,
     * unmaps and protection changes, findFree and committedBytes must agree with a walk over the areas.
     */
    @Test
    void placementAndCommitCountFollowEveryChangeOfTheAreas() {
        java.util.Random random = new java.util.Random(42);
        long base = 0x10000000L, top = base + 256 * P;
        for (int step = 0; step < 3000; step++) {
            long start = base + random.nextInt(256) * P, length = (1 + random.nextInt(24)) * P;
            if (start + length > top) length = top - start;
            int prot = random.nextInt(3) == 0 ? Cpu.PROT_READ : RW;
            switch (random.nextInt(3)) {
                case 0 -> space.map(start, length, prot, "");
                case 1 -> space.unmap(start, length);
                default -> {
                    if (space.isFullyMapped(start, start + length)) space.protect(start, length, prot);
                }
            }
            long walked = 0;
            for (Vma v : space.areas()) if ((v.prot() & Cpu.PROT_WRITE) != 0) walked += v.length();
            assertEquals(walked, space.committedBytes(), "step " + step);
            long want = 1 + random.nextInt(8), below = base + random.nextInt(257) * P;
            assertEquals(firstFitBelow(want * P, below), space.findFree(want * P, below), "step " + step);
        }
    }

    /** The top-down first fit, by walking every page downwards from {@code below}. */
    private long firstFitBelow(long length, long below) {
        for (long end = below; end - length >= AddressSpace.MIN_ADDRESS; end -= P) {
            if (space.isFree(end - length, length)) return end - length;
            if (end - length < 0x10000000L - 64 * P) return end - length; // nothing is mapped down there
        }
        return -1;
    }
}
