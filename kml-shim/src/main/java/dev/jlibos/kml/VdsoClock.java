package dev.jlibos.kml;

import dev.jlibos.core.mem.HostBlock;

import java.lang.invoke.VarHandle;

/**
 * Keeps the vvar page's clock line current: one instance per JVM serves every guest of every machine
 * (the host's clocks are global). It is also what the syscall path reads when the vDSO is on, so
 * {@code clock_gettime} gives the same answer whether the guest called the vDSO or trapped.
 *
 * <p><b>Calibration.</b> The line is {@code mono = base + (tsc - tscBase) * rate}. The rate starts from
 * two (TSC, host monotonic) samples 2 ms apart, then a daemon thread re-anchors it at growing intervals
 * (10 ms doubling up to 1 s): the measured rate over the whole run so far, plus a slew that steers the
 * line back onto the host's monotonic clock by the next refresh (at most 1000 ppm, like NTP's 500 ppm
 * order of magnitude). Each new line starts where the old one is at the anchor, so the guest's
 * monotonic clock never steps, and realtime is monotonic plus the host's current (realtime - monotonic).
 *
 * <p><b>Publication.</b> Writers take a seqlock: SEQ odd, then the anchor's TSC is read (so no reader
 * that succeeded under the old line can have seen a later TSC), the fields written, SEQ even. The
 * vDSO code and {@link #monotonic()} retry while SEQ is odd or changed.
 */
public final class VdsoClock {
    /** Where time comes from on the host. */
    public interface Source {
        long tsc();

        /** The guest's CLOCK_MONOTONIC as the syscall path defines it, in ns. */
        long monotonic();

        /** CLOCK_REALTIME in ns since the epoch. */
        long realtime();
    }

    static final int SHIFT = 32;
    private static final long INITIAL_PERIOD_NS = 10_000_000L, MAX_PERIOD_NS = 1_000_000_000L;
    private static final double MAX_SLEW = 1e-3;

    private final Source source;
    private final HostBlock page;
    /** The Java copy of the published fields, under the same sequence discipline as the page. */
    private volatile long seq;
    private long tscBase, mult, monoBase, realOffset;
    /** The first calibration sample: the long baseline the rate is measured over. */
    private long firstTsc, firstMono;
    private long periodNs = INITIAL_PERIOD_NS;
    private final boolean enabled;

    /**
     * Calibrates and publishes the first line (blocking about 2 ms) when {@code usable}; otherwise the
     * page keeps MULT = 0 and every vDSO call makes the syscall.
     */
    public VdsoClock(Source source, HostBlock page, boolean usable) {
        this.source = source;
        this.page = page;
        this.enabled = usable;
        if (!usable) return;
        long[] first = pairedSample();
        firstTsc = first[0];
        firstMono = first[1];
        long until = System.nanoTime() + 2_000_000L;
        while (System.nanoTime() < until) Thread.onSpinWait();
        long[] now = pairedSample();
        double rate = (double) (now[1] - firstMono) / (now[0] - firstTsc);
        if (!(rate > 0) || rate > 100) return; // a TSC that does not advance: stay on the syscall path
        long offset = realOffsetSample();
        synchronized (this) {
            beginWrite();
            publish(now[0], now[1], rate, offset); // the first line: there is no earlier one to continue
            endWrite();
        }
        Thread refresher = new Thread(this::refreshLoop, "jlibos-vvar");
        refresher.setDaemon(true);
        refresher.start();
    }

    /** True once the line is published: the vDSO serves clocks and {@link #monotonic()} uses the line. */
    public boolean calibrated() {
        return enabled && mult != 0;
    }

    /** The guest's CLOCK_MONOTONIC on the line, exactly as the vDSO code computes it. */
    public long monotonic() {
        return read(false);
    }

    /** The guest's CLOCK_REALTIME, exactly as the vDSO code computes it. */
    public long realtime() {
        return read(true);
    }

    private long read(boolean real) {
        while (true) {
            long s = seq;
            if ((s & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            VarHandle.loadLoadFence();
            long value = at(source.tsc(), tscBase, mult, monoBase) + (real ? realOffset : 0);
            VarHandle.loadLoadFence();
            if (seq == s) return value;
        }
    }

    /** base + ((tsc - tscBase) * mult) >> SHIFT with a 128-bit product, clamping a negative delta to 0 (the vDSO's arithmetic). */
    static long at(long tsc, long tscBase, long mult, long monoBase) {
        long delta = tsc - tscBase;
        if (delta < 0) delta = 0;
        long lo = delta * mult;
        long hi = Math.multiplyHigh(delta, mult) + ((delta >> 63) & mult) + ((mult >> 63) & delta);
        return monoBase + ((hi << (64 - SHIFT)) | (lo >>> SHIFT));
    }

    private void refreshLoop() {
        while (true) {
            try {
                Thread.sleep(periodNs / 1_000_000L);
            } catch (InterruptedException e) {
                return;
            }
            refresh();
            periodNs = Math.min(MAX_PERIOD_NS, periodNs * 2);
        }
    }

    /**
     * Re-anchors the line at the current TSC, with the long-baseline rate plus a bounded slew. The host
     * clocks are sampled before the write section (this thread runs once a second, so its code is cold
     * and a gap between two reads can be microseconds: each sample is the tightest of several tries);
     * only the anchor's TSC is read inside it, so guests spin for a few nanoseconds.
     */
    synchronized void refresh() {
        long[] sample = pairedSample();
        long offset = realOffsetSample();
        long error = sample[1] - at(sample[0], tscBase, mult, monoBase); // > 0: the line is behind the host
        double rate = (double) (sample[1] - firstMono) / (sample[0] - firstTsc);
        double periodTicks = periodNs * 2 / rate; // the next refresh comes after twice the current period
        double slew = error / periodTicks; // ns per tick to add so the line meets the host clock
        slew = Math.max(-MAX_SLEW * rate, Math.min(MAX_SLEW * rate, slew));
        beginWrite();
        long tsc = source.tsc();
        publish(tsc, at(tsc, tscBase, mult, monoBase), rate + slew, offset);
        endWrite();
    }

    private void beginWrite() {
        seq = seq + 1;
        page.putLong(Vvar.SEQ, seq);
        VarHandle.fullFence(); // the anchor's TSC is read after readers can see SEQ odd
    }

    private void endWrite() {
        VarHandle.storeStoreFence();
        seq = seq + 1;
        page.putLong(Vvar.SEQ, seq);
    }

    private void publish(long tsc, long mono, double nsPerTick, long offset) {
        tscBase = tsc;
        mult = Math.round(nsPerTick * (1L << SHIFT));
        monoBase = mono;
        realOffset = offset;
        VarHandle.storeStoreFence();
        page.putLong(Vvar.TSC_BASE, tscBase);
        page.putLong(Vvar.MULT, mult);
        page.putLong(Vvar.SHIFT, SHIFT);
        page.putLong(Vvar.MONO_BASE, monoBase);
        page.putLong(Vvar.REAL_OFFSET, realOffset);
    }

    /** realtime - monotonic, from the tightest of a few (monotonic, realtime, monotonic) brackets. */
    private long realOffsetSample() {
        long bestWidth = Long.MAX_VALUE, best = 0;
        for (int i = 0; i < 16; i++) {
            long m0 = source.monotonic();
            long r = source.realtime();
            long m1 = source.monotonic();
            if (m1 - m0 < bestWidth) {
                bestWidth = m1 - m0;
                best = r - (m0 + (m1 - m0) / 2);
            }
        }
        return best;
    }

    /** A (tsc, monotonic) pair taken as close together as the host allows: the TSC bracketing tightest of a few tries. */
    private long[] pairedSample() {
        long bestWidth = Long.MAX_VALUE;
        long[] best = null;
        for (int i = 0; i < 16; i++) {
            long t0 = source.tsc();
            long m = source.monotonic();
            long t1 = source.tsc();
            if (t1 - t0 < bestWidth) {
                bestWidth = t1 - t0;
                best = new long[] {t0 + (t1 - t0) / 2, m};
            }
        }
        return best;
    }
}
