package dev.jlibos.core.abi;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HeapHostMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The timespec codec every family's timeouts go through: Linux's validation and layouts. */
class TimespecTest {
    private static final long A = 0x400000;
    private final AddressSpace m = new AddressSpace(new HeapHostMemory());

    TimespecTest() {
        m.map(A, AddressSpace.PAGE_SIZE, Cpu.PROT_READ | Cpu.PROT_WRITE, "");
    }

    @Test
    void timespecRoundTripsAndNegativeTimesKeepNanosPositive() {
        Timespec.write(m, A, 3 * Timespec.NANOS + 5);
        assertEquals(3, m.readLong(A));
        assertEquals(5, m.readLong(A + 8));
        assertEquals(3 * Timespec.NANOS + 5, Timespec.read(m, A));
        Timespec.write(m, A, -1);
        assertEquals(-1, m.readLong(A));
        assertEquals(Timespec.NANOS - 1, m.readLong(A + 8));
    }

    @Test
    void outOfRangeFieldsAreEinval() {
        m.writeLong(A, 0);
        m.writeLong(A + 8, Timespec.NANOS);
        assertEquals(Errno.EINVAL, assertThrows(LinuxException.class, () -> Timespec.read(m, A)).errno());
        m.writeLong(A, -1);
        m.writeLong(A + 8, 0);
        assertEquals(Errno.EINVAL, assertThrows(LinuxException.class, () -> Timespec.read(m, A)).errno());
        m.writeLong(A, 0);
        m.writeLong(A + 8, 1_000_000);
        assertEquals(Errno.EINVAL, assertThrows(LinuxException.class, () -> Timespec.readTimeval(m, A)).errno());
    }

    @Test
    void hugeValuesSaturate() {
        m.writeLong(A, Long.MAX_VALUE);
        m.writeLong(A + 8, 0);
        assertEquals(Long.MAX_VALUE, Timespec.read(m, A));
        assertEquals(Long.MAX_VALUE / 2, Timespec.readItimerspecPart(m, A));
    }

    @Test
    void itimerspecIsIntervalThenValue() {
        Timespec.writeItimerspec(m, A, new long[] {2 * Timespec.NANOS + 7, 9});
        assertArrayEquals(new long[] {0, 9, 2, 7},
                new long[] {m.readLong(A), m.readLong(A + 8), m.readLong(A + 16), m.readLong(A + 24)});
        Timespec.writeItimerval(m, A, new long[] {1_500_000_000L, 2_000});
        assertArrayEquals(new long[] {0, 2, 1, 500_000},
                new long[] {m.readLong(A), m.readLong(A + 8), m.readLong(A + 16), m.readLong(A + 24)});
    }
}
