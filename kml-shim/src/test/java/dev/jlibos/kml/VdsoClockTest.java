package dev.jlibos.kml;

import dev.jlibos.core.mem.HeapHostMemory;
import dev.jlibos.core.mem.HostBlock;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VdsoClockTest {
    /**
     * A host whose TSC ticks 2.6 times per ns; its time advances 50 ns per monotonic() call (so
     * calibration sees time pass however the test thread is scheduled) and when the test says.
     */
    static final class FakeHost implements VdsoClock.Source {
        volatile long ns = 1_000_000_000L;

        @Override public long tsc() { return (long) (ns * 2.6) + 12345; }
        @Override public synchronized long monotonic() { return ns += 50; }
        @Override public long realtime() { return ns + 1_700_000_000_000_000_000L; }
    }

    @Test
    void lineMatchesA128BitReference() {
        long[][] cases = {{0, 0, 1L << 32, 5}, {1L << 40, 0, 1_650_000_000L, 7}, {Long.MAX_VALUE, 1, 0xffff_ffffL, 0},
                {10, 20, 123, 99}};
        for (long[] c : cases) {
            long delta = Math.max(0, c[0] - c[1]);
            long expected = BigInteger.valueOf(delta).multiply(BigInteger.valueOf(c[2])).shiftRight(VdsoClock.SHIFT)
                    .longValue() + c[3];
            assertEquals(expected, VdsoClock.at(c[0], c[1], c[2], c[3]));
        }
    }

    @Test
    void followsTheHostAndNeverGoesBack() {
        FakeHost host = new FakeHost();
        HostBlock page = new HeapHostMemory().allocate(Vvar.SIZE);
        VdsoClock clock = new VdsoClock(host, page, true);
        assertTrue(clock.calibrated());
        assertEquals(VdsoClock.SHIFT, page.getLong(Vvar.SHIFT));
        assertTrue(Math.abs(page.getLong(Vvar.MULT) - Math.round((1 / 2.6) * (1L << 32))) < 10_000);
        long last = clock.monotonic();
        for (int i = 0; i < 1000; i++) {
            synchronized (host) {
                host.ns += 1_000_000 + (i % 7) * 1000;
            }
            if (i % 50 == 0) clock.refresh();
            long now = clock.monotonic();
            assertTrue(now >= last, "monotonic went back at step " + i);
            assertTrue(Math.abs(now - host.ns) < 100_000, "line off the host clock by " + (now - host.ns));
            assertTrue(Math.abs(clock.realtime() - host.realtime()) < 200_000);
            last = now;
        }
        assertEquals(0, page.getLong(Vvar.SEQ) & 1);
    }

    @Test
    void unusableTscLeavesThePageUncalibrated() {
        HostBlock page = new HeapHostMemory().allocate(Vvar.SIZE);
        VdsoClock clock = new VdsoClock(new FakeHost(), page, false);
        assertFalse(clock.calibrated());
        assertEquals(0, page.getLong(Vvar.MULT));
    }
}
