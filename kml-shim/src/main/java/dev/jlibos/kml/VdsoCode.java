package dev.jlibos.kml;

import dev.jlibos.kml.X86Emitter.Cond;
import dev.jlibos.kml.X86Emitter.Label;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.jlibos.kml.X86Emitter.R.R10;
import static dev.jlibos.kml.X86Emitter.R.R8;
import static dev.jlibos.kml.X86Emitter.R.R9;
import static dev.jlibos.kml.X86Emitter.R.RAX;
import static dev.jlibos.kml.X86Emitter.R.RCX;
import static dev.jlibos.kml.X86Emitter.R.RDI;
import static dev.jlibos.kml.X86Emitter.R.RDX;
import static dev.jlibos.kml.X86Emitter.R.RSI;

/**
 * The vDSO's four functions as hand-assembled x86-64. They follow the System V calling convention (the
 * caller expects rax, rcx, rdx, rsi, rdi, r8-r11 clobbered) and Linux's vDSO contract: anything they
 * cannot answer from the vvar page — an unserved clock id, a NULL timespec, a clock not yet calibrated —
 * is passed to the real {@code syscall} instruction with the arguments untouched, so errno values
 * (EINVAL, EFAULT) are the kernel's own.
 */
final class VdsoCode {
    static final int SYS_GETTIMEOFDAY = 96, SYS_TIME = 201, SYS_CLOCK_GETTIME = 228, SYS_CLOCK_GETRES = 229;

    /** Clock ids served from the vvar page: REALTIME 0, MONOTONIC 1, MONOTONIC_RAW 4, REALTIME_COARSE 5, MONOTONIC_COARSE 6, BOOTTIME 7. */
    static final int SERVED_CLOCKS = 1 | 1 << 1 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7;
    /** Of those, the ones that count from the epoch. */
    static final int REALTIME_CLOCKS = 1 | 1 << 5;
    /** Of those, the coarse ones, whose resolution is the scheduler tick. */
    static final int COARSE_CLOCKS = 1 << 5 | 1 << 6;
    /** What clock_getres reports, the same as the syscall path (TimeCalls): 1 ns, and 4 ms (CONFIG_HZ=250) for coarse clocks. */
    static final int FINE_RESOLUTION = 1, COARSE_RESOLUTION = 4_000_000;
    private static final int NANOS = 1_000_000_000;

    /** Name → [offset, length] of each function, image-relative. */
    final Map<String, long[]> functions = new LinkedHashMap<>();
    final byte[] code;

    /**
     * @param origin image-relative address where the code will sit; the vvar page is at
     *               {@code -Vvar.SIZE}
     */
    VdsoCode(long origin) {
        X86Emitter a = new X86Emitter(origin);

        long start = a.position();
        clockGettime(a);
        functions.put("clock_gettime", new long[] {start, a.position() - start});
        pad(a);

        start = a.position();
        gettimeofday(a);
        functions.put("gettimeofday", new long[] {start, a.position() - start});
        pad(a);

        start = a.position();
        time(a);
        functions.put("time", new long[] {start, a.position() - start});
        pad(a);

        start = a.position();
        clockGetres(a);
        functions.put("clock_getres", new long[] {start, a.position() - start});
        pad(a);

        start = a.position();
        getcpu(a);
        functions.put("getcpu", new long[] {start, a.position() - start});
        pad(a);
        code = a.bytes();
    }

    /** Aligns the next function to 16 bytes with int3. */
    private static void pad(X86Emitter a) {
        while ((a.position() & 15) != 0) a.int3();
    }

    /**
     * Inlined into each function: rax = monotonic ns, rdx = realtime - monotonic; jumps to
     * {@code uncalibrated} when the page has no line yet. Clobbers rcx, r8-r10; keeps rdi and rsi (the
     * callers' arguments). Inlined rather than called because under Unicorn 2.0.1 every guest store
     * takes TCG's slow path (notdirty_write, unicorn issue #1970): measured, a call/ret pair (one push)
     * costs about 135 ns, more than the rest of the function.
     */
    private static void readClock(X86Emitter a, Label uncalibrated) {
        Label retry = new Label(), busy = new Label(), positive = new Label(), done = new Label();
        a.leaRip(R8, -Vvar.SIZE);                 // r8 = vvar page
        a.bind(retry);
        a.movLoad(R9, R8, Vvar.SEQ);              // r9 = seq at start
        a.testImm(R9, 1);
        a.jcc(Cond.NE, busy);                     // odd: the libOS is writing
        a.movLoad(R10, R8, Vvar.MULT);
        a.test(R10, R10);
        a.jcc(Cond.E, uncalibrated);
        a.lfence();                               // the TSC read must not precede the seq load
        a.rdtsc();                                // edx:eax = TSC
        a.shlImm(RDX, 32);
        a.or(RAX, RDX);
        a.subLoad(RAX, R8, Vvar.TSC_BASE);        // rax = ticks since the anchor
        a.jcc(Cond.NS, positive);
        a.zero(RAX);                              // read on a core slightly behind the anchor's: clamp, never go back
        a.bind(positive);
        a.mul(R10);                               // rdx:rax = ticks * mult
        a.movLoad32(RCX, R8, Vvar.SHIFT);
        a.shrdCl(RAX, RDX);                       // rax = (ticks * mult) >> shift
        a.addLoad(RAX, R8, Vvar.MONO_BASE);
        a.movLoad(RDX, R8, Vvar.REAL_OFFSET);
        a.cmpLoad(R9, R8, Vvar.SEQ);              // did a writer run meanwhile?
        a.jcc(Cond.E, done);
        a.jmp(retry);
        a.bind(busy);
        a.pause();
        a.jmp(retry);
        a.bind(done);
    }

    /** rax = rax / 1e9, rdx = rax % 1e9 (rax is a non-negative nanosecond count). Clobbers rcx. */
    private static void splitSeconds(X86Emitter a) {
        a.zero(RDX);
        a.movImm32(RCX, NANOS);
        a.div(RCX);
    }

    /** int clock_gettime(clockid_t id (edi), struct timespec *ts (rsi)). */
    private static void clockGettime(X86Emitter a) {
        Label syscall = new Label(), monotonic = new Label();
        a.cmpImm8_32(RDI, 7);
        a.jcc(Cond.A, syscall);                   // unsigned: ids > 7 and the negative CPU-clock ids
        a.movImm32(RAX, SERVED_CLOCKS);
        a.bt32(RAX, RDI);
        a.jcc(Cond.AE, syscall);                  // CF clear: PROCESS/THREAD_CPUTIME_ID (2, 3)
        a.test(RSI, RSI);
        a.jcc(Cond.E, syscall);                   // NULL: the kernel answers EFAULT
        readClock(a, syscall);
        a.movImm32(RCX, REALTIME_CLOCKS);
        a.bt32(RCX, RDI);
        a.jcc(Cond.AE, monotonic);
        a.add(RAX, RDX);
        a.bind(monotonic);
        splitSeconds(a);
        a.movStore(RSI, 0, RAX);                  // tv_sec
        a.movStore(RSI, 8, RDX);                  // tv_nsec
        a.zero(RAX);
        a.ret();
        a.bind(syscall);
        a.movImm32(RAX, SYS_CLOCK_GETTIME);
        a.syscall();
        a.ret();
    }

    /** int gettimeofday(struct timeval *tv (rdi), struct timezone *tz (rsi)); both may be NULL. */
    private static void gettimeofday(X86Emitter a) {
        Label syscall = new Label(), timezone = new Label(), done = new Label();
        readClock(a, syscall);
        a.test(RDI, RDI);
        a.jcc(Cond.E, timezone);
        a.add(RAX, RDX);                          // realtime ns
        splitSeconds(a);
        a.movStore(RDI, 0, RAX);                  // tv_sec
        a.mov(RAX, RDX);
        a.zero(RDX);
        a.movImm32(RCX, 1000);
        a.div(RCX);
        a.movStore(RDI, 8, RAX);                  // tv_usec
        a.bind(timezone);
        a.test(RSI, RSI);
        a.jcc(Cond.E, done);
        a.movStoreImm64(RSI, 0, 0);               // tz_minuteswest = tz_dsttime = 0, as Linux without settimeofday
        a.bind(done);
        a.zero(RAX);
        a.ret();
        a.bind(syscall);
        a.movImm32(RAX, SYS_GETTIMEOFDAY);
        a.syscall();
        a.ret();
    }

    /** time_t time(time_t *tloc (rdi)); tloc may be NULL. */
    private static void time(X86Emitter a) {
        Label syscall = new Label(), done = new Label();
        readClock(a, syscall);
        a.add(RAX, RDX);
        splitSeconds(a);                          // rax = seconds
        a.test(RDI, RDI);
        a.jcc(Cond.E, done);
        a.movStore(RDI, 0, RAX);
        a.bind(done);
        a.ret();
        a.bind(syscall);
        a.movImm32(RAX, SYS_TIME);
        a.syscall();
        a.ret();
    }

    /** int clock_getres(clockid_t id (edi), struct timespec *res (rsi)); res may be NULL. */
    private static void clockGetres(X86Emitter a) {
        Label syscall = new Label(), fine = new Label(), done = new Label();
        a.cmpImm8_32(RDI, 7);
        a.jcc(Cond.A, syscall);
        a.movImm32(RAX, SERVED_CLOCKS);
        a.bt32(RAX, RDI);
        a.jcc(Cond.AE, syscall);
        a.test(RSI, RSI);
        a.jcc(Cond.E, done);
        a.movStoreImm64(RSI, 0, 0);               // tv_sec
        a.movImm32(RAX, FINE_RESOLUTION);
        a.movImm32(RCX, COARSE_CLOCKS);
        a.bt32(RCX, RDI);
        a.jcc(Cond.AE, fine);
        a.movImm32(RAX, COARSE_RESOLUTION);
        a.bind(fine);
        a.movStore(RSI, 8, RAX);                  // tv_nsec
        a.bind(done);
        a.zero(RAX);
        a.ret();
        a.bind(syscall);
        a.movImm32(RAX, SYS_CLOCK_GETRES);
        a.syscall();
        a.ret();
    }

    /**
     * int getcpu(unsigned *cpu (rdi), unsigned *node (rsi), void *cache). Every guest thread runs on
     * "CPU 0, node 0", the same answer as the getcpu syscall (SystemInfoCalls).
     */
    private static void getcpu(X86Emitter a) {
        Label node = new Label(), done = new Label();
        a.test(RDI, RDI);
        a.jcc(Cond.E, node);
        a.movStoreImm32(RDI, 0, 0);
        a.bind(node);
        a.test(RSI, RSI);
        a.jcc(Cond.E, done);
        a.movStoreImm32(RSI, 0, 0);
        a.bind(done);
        a.zero(RAX);
        a.ret();
    }
}
