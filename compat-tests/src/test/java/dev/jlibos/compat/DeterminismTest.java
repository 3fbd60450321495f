package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.syscalls.trace.SyscallListener;
import dev.jlibos.syscalls.trace.SyscallRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deterministic mode: two runs of determinism.c (clocks, random bytes, identity, 3 threads taking a
 * mutex with sched_yield) with the same seed give byte-identical stdout and the same syscall trace
 * (every field but the host timings); another seed changes the random bytes. Several processes at once
 * (a busybox shell's pipelines and command substitution, determinism.c's "procs": forked children with
 * threads writing through pipes while SIGCHLD arrives) repeat too, run after run, from fresh engines or
 * from the engine pool's (whose translations are still cached).
 */
class DeterminismTest {
    /** A run's stdout and its trace (start and duration are virtual time in deterministic mode). */
    record Run(String stdout, List<String> trace, ExitStatus status, Duration wall) {
    }

    /** No engine pool: every run starts on fresh engines that translate every instruction again. */
    private static final EnginePool COLD = EnginePool.create(0, 0);

    private static Run run(Path bin, long seed, String... args) throws Exception {
        return run(COLD, bin, seed, args);
    }

    private static Run run(EnginePool pool, Path bin, long seed, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> trace = new ArrayList<>();
        List<String> argv = new ArrayList<>(List.of(bin.toString()));
        argv.addAll(List.of(args));
        long start = System.nanoTime();
        ExitStatus status = Machine.builder().program(bin.toString()).args(argv).stdout(out).stderr(System.err)
                .deterministic(seed).timeout(Duration.ofSeconds(60)).enginePool(pool)
                .traceListener(SyscallListener.withText(r -> {
                    synchronized (trace) {
                        trace.add(describe(r));
                    }
                }))
                .build().run();
        return new Run(out.toString(StandardCharsets.UTF_8), trace, status, Duration.ofNanos(System.nanoTime() - start));
    }

    private static String describe(SyscallRecord r) {
        return r.pid() + " " + r.tid() + " " + r.number() + " " + r.name() + " " + Arrays.toString(r.args()) + " = "
                + r.result() + " " + r.errno() + " @" + r.startNanos() + "+" + r.durationNanos() + " | " + r.text();
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void sameSeedSameOutputAndTrace(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "determinism");
        Run a = run(bin, 42), b = run(bin, 42);
        assertEquals(0, a.status().code(), a.stdout());
        assertEquals(a.stdout(), b.stdout());
        assertEquals(a.trace().size(), b.trace().size(), "syscall counts");
        for (int i = 0; i < a.trace().size(); i++) assertEquals(a.trace().get(i), b.trace().get(i), "syscall #" + i);
        String out = a.stdout();
        assertTrue(out.startsWith("realtime 1704067200."), out);
        assertTrue(out.contains("\nslept at least 250 ms: yes\n"), out);
        assertTrue(out.contains("\npid 1000 uid 1000 gid 1000 host jlibos release 6.1.0-jlibos\n"), out);
        String log = out.lines().filter(l -> l.startsWith("log ")).findFirst().orElseThrow().substring(4);
        assertEquals(24, log.length(), out);
        for (char c : "012".toCharArray()) assertEquals(8, log.chars().filter(x -> x == c).count(), log);
        // Three threads were created and each made syscalls of its own.
        assertTrue(a.trace().stream().map(s -> s.split(" ")[1]).distinct().count() >= 4, "threads in the trace");

        Run other = run(bin, 7);
        assertNotEquals(line(a.stdout(), "getrandom"), line(other.stdout(), "getrandom"));
        assertNotEquals(line(a.stdout(), "urandom"), line(other.stdout(), "urandom"));
        assertNotEquals(line(a.stdout(), "at_random"), line(other.stdout(), "at_random"));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void sleepsAdvanceTheVirtualClockWithoutWaiting(Flavour flavour) throws Exception {
        Run r = run(GuestPrograms.binary(flavour, "determinism"), 1, "sleep");
        assertEquals("slept 60 s\n", r.stdout());
        assertTrue(r.wall().toSeconds() < 20, "a virtual minute took " + r.wall());
    }

    /** Runs of one machine each in this JVM: the first is cold for the JIT, the later ones warm. */
    private static final int REPEATS = 5;

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void processesThreadsAndPipesRepeat(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "determinism");
        Run first = run(bin, 5, "procs");
        assertEquals(0, first.status().code(), first.stdout());
        for (int i = 1; i < REPEATS; i++) {
            Run again = run(bin, 5, "procs");
            assertEquals(first.stdout(), again.stdout(), "run " + (i + 1));
            assertEquals(first.trace(), again.trace(), "run " + (i + 1) + "'s syscall trace");
        }
        String out = first.stdout();
        assertTrue(out.contains("\nreaped 3 statuses "), out);
        assertEquals(3, out.lines().filter(l -> l.startsWith("child ")).count(), out);
        assertNotEquals(urandomOfChildren(out), urandomOfChildren(run(bin, 6, "procs").stdout()));
    }

    @Test
    void shellScriptWithChildrenRepeats() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        Assumptions.assumeTrue(Files.isExecutable(busybox), "/bin/busybox (Debian busybox-static) not installed");
        Path bin = GuestPrograms.binary(Flavour.values()[0], "determinism");
        // Pipelines, a command substitution and children that fork again: the shell's SIGCHLDs, reaps and
        // pipe reads all interleave with its children's runs.
        String script = "date +%s; head -c 8 /dev/urandom | od -An -tx1; echo \"$(echo sub | cat)\"; "
                + bin + " procs | sort; " + bin + " | grep -v '^pid'";
        Run first = run(busybox, 9, "sh", "-c", script);
        assertEquals(0, first.status().code(), first.stdout());
        for (int i = 1; i < REPEATS; i++) {
            Run again = run(busybox, 9, "sh", "-c", script);
            assertEquals(first.stdout(), again.stdout(), "run " + (i + 1));
            assertEquals(first.trace(), again.trace(), "run " + (i + 1) + "'s syscall trace");
        }
        // The shell again, from a pooled engine (the first of these records the image, the others reuse it).
        EnginePool pool = EnginePool.create(1, 512L << 20);
        try {
            for (int i = 0; i < 3; i++) {
                Run warm = run(pool, busybox, 9, "sh", "-c", script);
                assertEquals(first.stdout(), warm.stdout(), "pooled run " + (i + 1));
                assertEquals(first.trace(), warm.trace(), "pooled run " + (i + 1) + "'s syscall trace");
            }
            assertEquals(2, pool.enginesReused());
        } finally {
            pool.clear();
        }
        assertTrue(first.stdout().startsWith("1704067200\n"), first.stdout());
        String other = run(busybox, 10, "sh", "-c", script).stdout();
        assertNotEquals(first.stdout().lines().skip(1).findFirst(), other.lines().skip(1).findFirst(), "od of urandom");
    }

    /**
     * Warm runs start on a pooled engine whose translations of the program are still cached: the virtual
     * clock counts blocks executed, not blocks translated, so they must repeat the cold run exactly.
     */
    @ParameterizedTest
    @EnumSource(Flavour.class)
    void warmRunsThroughTheEnginePoolRepeatTheColdOne(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "determinism");
        Run cold = run(bin, 11, "procs");
        assertEquals(0, cold.status().code(), cold.stdout());
        EnginePool pool = EnginePool.create(2, 512L << 20);
        try {
            for (int i = 0; i < 4; i++) {
                Run warm = run(pool, bin, 11, "procs");
                assertEquals(cold.stdout(), warm.stdout(), "pooled run " + (i + 1));
                assertEquals(cold.trace(), warm.trace(), "pooled run " + (i + 1) + "'s syscall trace");
            }
            assertEquals(1, pool.imagesRecorded());
            assertEquals(3, pool.enginesReused(), "runs 2-4 took the pooled engine");
            Run threads = run(pool, bin, 11), threadsCold = run(bin, 11);
            assertEquals(threadsCold.stdout(), threads.stdout());
            assertEquals(threadsCold.trace(), threads.trace());
        } finally {
            pool.clear();
        }
    }

    private static List<String> urandomOfChildren(String out) {
        return out.lines().filter(l -> l.startsWith("child ")).map(l -> l.replaceAll(".* urandom (\\S+) .*", "$1")).toList();
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix + " ")).findFirst().orElseThrow();
    }
}
