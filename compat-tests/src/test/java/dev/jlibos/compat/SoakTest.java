package dev.jlibos.compat;

import dev.jlibos.host.memory.MmapHostMemory;
import dev.jlibos.host.unicorn.UnicornCpu;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issues 8 and 17's soak test: many guest runs in one JVM, {@value #PARALLEL_DEFAULT} at a time
 * ({@code -Djlibos.soak.parallel=N}) — busybox sh with a pipeline, a subshell and a command substitution
 * (processes, pipes, fork, exec, wait), a threaded C program, signal handlers, AF_UNIX sockets,
 * posix_spawn, and files in a sandbox's tmpfs — must return every engine, every host mmap block, host fd
 * and thread, and keep heap (after GC) and the resident memory outside the Java heap flat.
 *
 * <p>Resident memory (RSS) is split at each sample: the Java heap's resident pages (G1 grows its
 * committed heap from ~40 MB towards ~220 MB under this allocation rate while only ~7 MB is live after GC,
 * and the pages it touches stay resident until it shrinks again, which it does now and then: that swing of
 * up to ~190 MB is the JVM's heap sizing, not a leak) and everything else (JVM native memory, Unicorn's
 * mallocs and TCG buffers, glibc arenas, guest memory). The non-heap figure is read after
 * {@code malloc_trim(0)}, so memory glibc holds free is not counted as in use; the raw figure is reported
 * too. A leak of an engine (its TCG buffer is several MB), of a guest address space or of a per-thread
 * buffer shows as a live-engine or live-mmap count above the baseline, and in the non-heap figure.
 * CI runs {@value #CI_RUNS}; {@code -Djlibos.soak.runs=1000} runs the full campaign;
 * {@code -Djlibos.soak.every=N} samples every N runs (default: a tenth of the runs);
 * {@code -Djlibos.soak.trim=false} leaves glibc alone (the non-heap figure then includes its free memory).
 * Run the JVM with {@code -XX:NativeMemoryTracking=summary} (argLine) to have NMT's committed total too.
 */
class SoakTest {
    static final int CI_RUNS = 300;
    private static final int RUNS = Integer.getInteger("jlibos.soak.runs", CI_RUNS);
    private static final int EVERY = Math.max(1, Integer.getInteger("jlibos.soak.every", RUNS / 10));
    private static final boolean TRIM = Boolean.parseBoolean(System.getProperty("jlibos.soak.trim", "true"));
    private static final int WARMUP = 24;
    static final int PARALLEL_DEFAULT = 8;
    /** Which kinds of run {@link #runOne} cycles through (jlibos.soak.mix=2,3 narrows a failure down). */
    private static final List<Integer> MIX = java.util.Arrays.stream(System.getProperty("jlibos.soak.mix", "0,1,2,3,4,5")
            .split(",")).map(String::trim).map(Integer::valueOf).toList();
    /** Guests running at the same time in this JVM. */
    private static final int PARALLEL = Integer.getInteger("jlibos.soak.parallel", PARALLEL_DEFAULT);
    /** Growth of non-heap resident memory allowed over the second half of the runs. */
    static final long NON_HEAP_GROWTH_MB = 24;

    /**
     * One sample, in MB where sized: heap live after GC, RSS, the Java heap's resident part, the rest of
     * RSS before and after malloc_trim, glibc's bytes in use and held free (before the trim), NMT's
     * committed total (-1 without NMT), live engines, live host mmap blocks, threads and host fds.
     */
    record Sample(int run, long heapMb, long rssMb, long javaHeapRssMb, long nonHeapRawMb, long nonHeapMb,
                  long mallocInUseMb, long mallocFreeMb, long nmtCommittedMb, int engines, long mmapBlocks,
                  int threads, long fds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%5d %5d %5d %6d %8d %8d %8d %8d %6d %4d %6d %4d %4d", run, heapMb, rssMb,
                    javaHeapRssMb, nonHeapRawMb, nonHeapMb, mallocInUseMb, mallocFreeMb, nmtCommittedMb, engines,
                    mmapBlocks, threads, fds);
        }
    }

    static final String HEADER = "  run heap*   rss heapRss nonHeap0 nonHeap* malloc+  malloc-    nmt  eng  mmaps thr  fds";

    private static long openHostFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static Sample sample(int run) throws Exception {
        Thread.sleep(100); // ended guests' host threads unwind
        for (int i = 0; i < 3; i++) System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long rss = NativeMemoryProbe.rssKb() >> 10;
        long nonHeapRaw = NativeMemoryProbe.nonHeapRssKb() >> 10;
        long[] malloc = NativeMemoryProbe.mallocKb();
        long nonHeap = nonHeapRaw;
        if (TRIM) {
            NativeMemoryProbe.mallocTrim();
            nonHeap = NativeMemoryProbe.nonHeapRssKb() >> 10;
        }
        long nmt = NativeMemoryProbe.nmtCommittedKb();
        return new Sample(run, heap, rss, rss - nonHeapRaw, nonHeapRaw, nonHeap,
                malloc == null ? -1 : malloc[0] >> 10, malloc == null ? -1 : malloc[1] >> 10, nmt < 0 ? -1 : nmt >> 10,
                UnicornCpu.liveEngines(), MmapHostMemory.liveBlocks(),
                ManagementFactory.getThreadMXBean().getThreadCount(), openHostFds());
    }

    /** The guest programs the soak cycles through (C programs of CProgramsTest, glibc build). */
    record Programs(Path threads, Path sockets, Path spawn) {
        static Programs build() {
            return new Programs(binary("threads"), binary("sockets"), binary("spawn"));
        }

        private static Path binary(String name) {
            return GuestPrograms.binary(GuestPrograms.Flavour.GLIBC, name);
        }
    }

    /**
     * Run {@code i} of the mix: processes and pipes in a shell, threads, signal handlers, AF_UNIX sockets,
     * posix_spawn (fork and exec), and files in a sandbox's tmpfs.
     */
    private static void runOne(int i, Programs p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = MIX.get(i % MIX.size());
        Machine.Builder b = switch (kind) {
            case 0 -> Machine.builder().program("/bin/busybox").args(List.of("busybox", "sh", "-c",
                    "echo soak | cat | wc -c > /dev/null; (exit 3); x=$(echo $?); test $x = 3"));
            case 1 -> Machine.builder().program(p.threads().toString()).args(List.of("threads", "tids"));
            // Signals to threads and to the process (not signals.c: its pause() races a 20 ms timer, which
            // fires before pause() is reached when eight guests share two busy cores, natively as well).
            case 2 -> Machine.builder().program(p.threads().toString()).args(List.of("threads", "pthread-kill"));
            case 3 -> Machine.builder().program(p.sockets().toString()).args(List.of("sockets", "socketpair"));
            case 4 -> Machine.builder().program(p.spawn().toString()).args(List.of("spawn", "posix-spawn"));
            default -> Machine.builder().program("/bin/busybox").tmpfs("/w").args(List.of("busybox", "sh", "-c",
                    "echo data > /w/f; read x < /w/f; test \"$x\" = data && rm /w/f"));
        };
        ExitStatus s;
        try (Machine m = b.stdout(out).stderr(out).timeout(Duration.ofSeconds(120)).build()) {
            s = m.run();
        }
        assertEquals(0, s.shellStatus(), "run " + i + " (kind " + kind + "): " + out.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code from..to} (inclusive), {@value #PARALLEL_DEFAULT} or jlibos.soak.parallel at a time. */
    private static void runBatch(ExecutorService pool, int from, int to, Programs p) throws Exception {
        List<Future<?>> runs = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            int run = i;
            runs.add(pool.submit(() -> {
                runOne(run, p);
                return null;
            }));
        }
        for (Future<?> f : runs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) throw err;
                throw (Exception) e.getCause();
            }
        }
    }

    /** Host fds the JVM itself may hold open at the moment of a sample. */
    private static final int TRANSIENT_FDS = 3;

    @Test
    void thousandsOfRunsLeaveHeapNativeMemoryThreadsAndFdsFlat() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")));
        Programs programs = Programs.build();
        // Samples are taken between batches, when no guest runs: the counts then mean what is left over.
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        List<Sample> samples;
        long start;
        int lentFds = dev.jlibos.vfs.HostFdBudget.held();
        try {
            runBatch(pool, 0, WARMUP - 1, programs);
            samples = new ArrayList<>(List.of(sample(0)));
            start = System.nanoTime();
            int done = 0;
            while (done < RUNS) {
                int next = Math.min(RUNS, Math.min(done + EVERY, done < RUNS / 2 ? RUNS / 2 : RUNS));
                runBatch(pool, done + 1, next, programs);
                done = next;
                samples.add(sample(done));
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Sample first = samples.get(0), last = samples.get(samples.size() - 1);
        Sample mid = samples.stream().filter(x -> x.run() == RUNS / 2).findFirst().orElseThrow();
        StringBuilder table = new StringBuilder(HEADER).append('\n');
        for (Sample x : samples) table.append(x).append('\n');
        String verdict = String.format(Locale.ROOT,
                "soak: %d runs, %d at a time, in %.1f s (%.1f runs/s), malloc_trim %s; RSS %d -> %d -> %d MB (start/middle/end), "
                        + "of which outside the Java heap %d -> %d -> %d MB%s; heap live after GC %d -> %d MB; "
                        + "engines %d, host mmap blocks %d -> %d, threads %d -> %d, host fds %d -> %d",
                RUNS, PARALLEL, seconds, RUNS / seconds, TRIM ? "on" : "off", first.rssMb(), mid.rssMb(), last.rssMb(),
                first.nonHeapMb(), mid.nonHeapMb(), last.nonHeapMb(),
                last.nmtCommittedMb() < 0 ? "" : String.format(Locale.ROOT, "; NMT committed %d -> %d -> %d MB",
                        first.nmtCommittedMb(), mid.nmtCommittedMb(), last.nmtCommittedMb()),
                first.heapMb(), last.heapMb(), last.engines(), first.mmapBlocks(), last.mmapBlocks(),
                first.threads(), last.threads(), first.fds(), last.fds());
        String report = verdict + "\n" + table;
        System.out.println(report);
        Files.writeString(GuestPrograms.moduleDir().resolve("target/soak-summary.txt"), report);
        for (Sample x : samples) {
            // Fewer is fine: the baseline may include an fd an earlier test had not closed yet. A few more
            // at one sample are the JVM's own (seen once: 47 against 46 at run 150 of 300, back to 46
            // after); a leak of even one fd per run would show tens between two samples.
            assertTrue(x.fds() <= first.fds() + TRANSIENT_FDS, "host fds leaked: " + report);
            // The JVM's budget of host fds for guests has every one counted back once its description is gone.
            assertEquals(lentFds, dev.jlibos.vfs.HostFdBudget.held(), "host fds still counted as lent: " + report);
            // Exact: every engine is closed and every host block (guest memory, per-thread marshalling
            // buffers) unmapped once a run has ended; only the JVM-wide vvar page stays.
            assertTrue(x.engines() <= first.engines(), "engines leaked: " + report);
            assertTrue(x.mmapBlocks() <= first.mmapBlocks(), "host memory blocks leaked: " + report);
        }
        assertTrue(last.threads() <= first.threads() + 2, "threads leaked: " + report);
        assertTrue(last.heapMb() - first.heapMb() < 32, "heap grew: " + report);
        // Outside the Java heap the first runs fill caches (code cache, metaspace, glibc arenas, the JIT's
        // arenas); by the middle it has levelled off (measured: within a few MB over the second half of
        // 1,000 runs), while a leaked engine or guest address space costs megabytes per run. One sample can
        // sit tens of MB above its neighbours (glibc arenas not yet trimmed; seen: 185, 258, 228, 208, 230 over
        // the second half of a 300-run soak), so the level at each end is the lowest of three samples: a
        // leak raises the floor, a spike does not.
        assertTrue(floor(samples, samples.size() - 1) - floor(samples, samples.indexOf(mid)) < NON_HEAP_GROWTH_MB,
                "resident memory outside the Java heap grew over the second half: " + report);
    }

    /** The lowest memory outside the Java heap among the sample at {@code index} and the two before it. */
    private static long floor(List<Sample> samples, int index) {
        return samples.subList(Math.max(0, index - 2), index + 1).stream().mapToLong(Sample::nonHeapMb).min().orElseThrow();
    }
}
