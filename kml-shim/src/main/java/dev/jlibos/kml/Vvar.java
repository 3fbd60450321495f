package dev.jlibos.kml;

/**
 * Layout of the vvar page: the data the vDSO code reads, kept current by the libOS ({@link VdsoClock}).
 * It lies directly below the vDSO image (as Linux's [vvar] lies below [vdso]), so the code finds it
 * RIP-relative, wherever the pair is mapped. All fields are little-endian 64-bit words.
 *
 * <p>The clock is a straight line through the host's time-stamp counter, which Unicorn's RDTSC returns
 * unchanged (measured: the guest's value lies between two host reads, in every engine):
 * {@code monotonic = MONO_BASE + ((tsc - TSC_BASE) * MULT) >> SHIFT} (a 128-bit product), and
 * {@code realtime = monotonic + REAL_OFFSET}. Writers follow a seqlock: SEQ is odd while the fields
 * change, and a reader retries when SEQ was odd or changed under it.
 */
public final class Vvar {
    /** One page, below the image. */
    public static final int SIZE = 4096;

    public static final int SEQ = 0;
    public static final int TSC_BASE = 8;
    /** Nanoseconds per TSC tick as a fixed-point fraction; 0 until calibrated (the code then makes the syscall). */
    public static final int MULT = 16;
    public static final int SHIFT = 24;
    public static final int MONO_BASE = 32;
    public static final int REAL_OFFSET = 40;

    private Vvar() {
    }
}
