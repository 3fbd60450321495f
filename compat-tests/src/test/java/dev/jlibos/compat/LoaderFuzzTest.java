package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.Limit;
import dev.jlibos.loader.LoadException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, loader fuzzing as a bounded campaign: {@value #DEFAULT_ITERATIONS} seeded mutants (ELF
 * headers, program headers, PT_INTERP strings, {@code #!} lines) of real executables and scripts, each
 * run as a whole machine in a sandbox. One input in 8 is exec'd by a guest shell instead (the execve
 * path); one in 8 is the dynamic /bin/true with a mutated copy of ld.so as its interpreter. Every
 * input must end in a {@link LoadException} or a guest that exits or dies within its time bound — no
 * other exception, no internal error, no JVM crash. A failing input is written to
 * {@code target/fuzz-findings/}; once fixed it belongs in {@code src/test/resources/fuzz-regressions/},
 * which {@link #regressionInputsStayClean} replays.
 *
 * <p>{@code -Djlibos.loaderfuzz.iterations=N -Djlibos.loaderfuzz.seed=S} run a longer or different campaign.
 */
class LoaderFuzzTest {
    static final int DEFAULT_ITERATIONS = 3000;
    private static final int ITERATIONS = Integer.getInteger("jlibos.loaderfuzz.iterations", DEFAULT_ITERATIONS);
    private static final long SEED = Long.getLong("jlibos.loaderfuzz.seed", 8);
    /** Inputs before this one are generated (the campaign is deterministic) but not run: replays a crash. */
    private static final int FROM = Integer.getInteger("jlibos.loaderfuzz.from", 0);
    /** A mutant that loads may still spin: it is killed at this bound. */
    private static final Duration GUEST_TIMEOUT = Duration.ofMillis(1500);
    /** Load or run plus teardown must finish within this, or the run counts as a hang. */
    private static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String HELLO = "#include <stdio.h>\nint main(int c, char **v) { printf(\"hello %d\\n\", c); return 3; }\n";

    enum Outcome { LOAD_EXCEPTION, EXITED, SIGNALLED, TIMED_OUT }

    record Finding(String what, byte[] input) {}

    /**
     * Runs one input as /m in a sandbox holding read-only system directories and a few odd interpreter
     * targets: as the machine's program, or ({@code viaExecve}) exec'd by a busybox shell, which takes
     * the execve path (load errors as errnos, the old image replaced past the point of no return).
     */
    static Object runOne(byte[] input, boolean viaExecve) {
        return runOne(input, viaExecve, null);
    }

    /** {@code interpreter}, when not null, is the file /mld (a mutated dynamic loader). */
    static Object runOne(byte[] input, boolean viaExecve, byte[] interpreter) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(), log = new ByteArrayOutputStream();
        Machine.Builder b = (viaExecve
                ? Machine.builder().program("/bin/busybox").args(List.of("sh", "-c", "/m x; echo $?"))
                : Machine.builder().program("/m").args(List.of("true", "x")))
                .file("/m", input)
                .file("/self", "#!/self\n".getBytes(StandardCharsets.US_ASCII))
                .file("/empty", new byte[0])
                .file("/tiny", new byte[] {0x7f, 'E', 'L'})
                .file("/mld", interpreter != null ? interpreter : new byte[0])
                .tmpfs("/tmp").cwd("/tmp")
                .stdin(new ByteArrayInputStream(new byte[0])).stdout(sink).stderr(sink)
                .diagnostics(new PrintStream(log, true, StandardCharsets.UTF_8))
                .timeout(GUEST_TIMEOUT).memoryLimit(512L << 20).maxProcesses(16);
        // A chain of scripts deeper than Linux's 4 levels of interpreters (BINPRM_MAX_RECURSION).
        for (int i = 1; i <= 6; i++) b.file("/chain" + i, ("#!/chain" + (i + 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        for (String[] m : new String[][] {{"/usr/bin", "/bin"}, {"/usr/lib", "/lib"}, {"/usr/lib64", "/lib64"}, {"/usr", "/usr"}}) {
            if (Files.isDirectory(Path.of(m[0]))) b.mount(Path.of(m[0]), m[1], true);
        }
        try (Machine machine = b.build()) {
            Outcome o;
            try {
                ExitStatus s = machine.run();
                o = machine.exceededLimits().contains(Limit.TIMEOUT) ? Outcome.TIMED_OUT
                        : s.signal() > 0 ? Outcome.SIGNALLED : Outcome.EXITED;
            } catch (LoadException e) {
                if (e.getMessage() == null || e.getMessage().isBlank()) return new Finding("LoadException without a message", input);
                o = Outcome.LOAD_EXCEPTION;
            }
            String diagnostics = log.toString(StandardCharsets.UTF_8);
            if (diagnostics.contains("internal error")) return new Finding("internal error: " + firstLine(diagnostics), input);
            return o;
        } catch (Throwable t) { // anything but a LoadException or an exit is a bug, errors included
            StringBuilder where = new StringBuilder(t.toString());
            StackTraceElement[] stack = t.getStackTrace();
            for (int i = 0; i < Math.min(4, stack.length); i++) where.append(" at ").append(stack[i]);
            return new Finding(where.toString(), input);
        }
    }

    private static String firstLine(String s) {
        int at = s.indexOf("internal error");
        int end = s.indexOf('\n', at);
        return s.substring(at, end < 0 ? s.length() : end);
    }

    /** Real executables and scripts, by name: busybox-static, static glibc and musl programs, a dynamic one. */
    static Map<String, byte[]> corpus() throws Exception {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        Path busybox = Path.of("/bin/busybox"), dynamicTrue = Path.of("/bin/true");
        if (Files.isRegularFile(busybox)) seeds.put("busybox-static", Files.readAllBytes(busybox));
        if (Files.isRegularFile(dynamicTrue)) seeds.put("dynamic /bin/true", Files.readAllBytes(dynamicTrue));
        for (String compiler : new String[] {"gcc", "musl-gcc"}) {
            byte[] hello = compileHello(compiler);
            if (hello != null) seeds.put(compiler + " -static hello", hello);
        }
        seeds.put("sh script", "#!/bin/sh\necho ok; exit 3\n".getBytes(StandardCharsets.US_ASCII));
        seeds.put("busybox sh script", "#!/bin/busybox sh -e\necho ok\n".getBytes(StandardCharsets.US_ASCII));
        seeds.put("script chain", "#!/chain1\n".getBytes(StandardCharsets.US_ASCII));
        seeds.put("script of ld.so", "#!/lib64/ld-linux-x86-64.so.2 --list\n".getBytes(StandardCharsets.US_ASCII));
        return seeds;
    }

    private static byte[] compileHello(String compiler) throws Exception {
        Path dir = Files.createDirectories(GuestPrograms.moduleDir().resolve("target/fuzz-corpus"));
        Path src = dir.resolve("hello.c"), out = dir.resolve("hello-" + compiler);
        if (!Files.isRegularFile(out)) {
            Files.writeString(src, HELLO);
            try {
                Process p = new ProcessBuilder(compiler, "-static", "-O1", "-o", out.toString(), src.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            } catch (IOException e) {
                return null; // compiler not installed: fewer seeds
            }
        }
        return Files.readAllBytes(out);
    }

    @Test
    void mutatedExecutablesEndInALoadExceptionOrABoundedRun() throws Exception {
        Map<String, byte[]> corpus = corpus();
        Assumptions.assumeTrue(corpus.size() >= 5, "corpus needs busybox-static and /bin/true");
        List<byte[]> seeds = new ArrayList<>(corpus.values());
        Map<Outcome, Integer> outcomes = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        Path findingsDir = GuestPrograms.moduleDir().resolve("target/fuzz-findings");
        Path inflight = GuestPrograms.moduleDir().resolve("target/loader-fuzz-inflight.txt");
        // The unmutated seeds first: the corpus itself must be clean.
        for (byte[] s : seeds) record(runOne(s, false), s, outcomes, findings);
        LoaderFuzzer fuzzer = new LoaderFuzzer(SEED);
        // Every 8th input is the dynamic /bin/true with a mutated copy of its dynamic loader as /mld.
        Path ldso = Path.of("/lib64/ld-linux-x86-64.so.2");
        byte[] loader = Files.isRegularFile(ldso) ? Files.readAllBytes(ldso) : null;
        byte[] trueViaMld = corpus.containsKey("dynamic /bin/true")
                ? LoaderFuzzer.interpretedBy(corpus.get("dynamic /bin/true"), "/mld") : null;
        long slowest = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            boolean mutatedLoader = i % 8 == 3 && loader != null && trueViaMld != null;
            byte[] interpreter = mutatedLoader ? fuzzer.mutate(loader) : null;
            byte[] input = mutatedLoader ? trueViaMld : fuzzer.mutate(seeds.get(fuzzer.pick(seeds.size())));
            if (i < FROM) continue;
            if (i == FROM && FROM > 0) { // replaying: keep the input for a regression test
                Files.createDirectories(findingsDir);
                Files.write(findingsDir.resolve("loader-seed" + SEED + "-" + i + ".bin"), input);
                if (interpreter != null) Files.write(findingsDir.resolve("loader-seed" + SEED + "-" + i + ".mld"), interpreter);
            }
            // A crash of the whole JVM (in the engine) leaves this behind: replay it with -Djlibos.loaderfuzz.from=i.
            Files.writeString(inflight, "seed " + SEED + " iteration " + i + (i % 8 == 7 ? " via execve" : "") + "\n");
            long t0 = System.nanoTime();
            Object result = runOne(input, i % 8 == 7, interpreter);
            long took = System.nanoTime() - t0;
            slowest = Math.max(slowest, took);
            if (took > HANG_NANOS) result = new Finding("took " + took / 1_000_000 + " ms", input);
            if (result instanceof Finding f) {
                Files.createDirectories(findingsDir);
                Files.write(findingsDir.resolve("loader-seed" + SEED + "-" + i + ".bin"), f.input());
                if (interpreter != null) Files.write(findingsDir.resolve("loader-seed" + SEED + "-" + i + ".mld"), interpreter);
            }
            record(result, input, outcomes, findings);
        }
        Files.deleteIfExists(inflight);
        double seconds = (System.nanoTime() - start) / 1e9;
        String summary = String.format("loader fuzz: %d execs in %.1f s (%.0f execs/s), slowest %d ms, seed %d: %s, %d findings",
                ITERATIONS, seconds, ITERATIONS / seconds, slowest / 1_000_000, SEED, outcomes, findings.size());
        System.out.println(summary);
        Files.writeString(GuestPrograms.moduleDir().resolve("target/loader-fuzz-summary.txt"), summary + "\n");
        assertEquals(List.of(), findings.stream().map(Finding::what).toList(), summary);
        assertTrue(outcomes.getOrDefault(Outcome.LOAD_EXCEPTION, 0) > 0 && outcomes.getOrDefault(Outcome.EXITED, 0) > 0,
                "the campaign should reach both the loader's errors and running guests: " + summary);
    }

    private static void record(Object result, byte[] input, Map<Outcome, Integer> outcomes, List<Finding> findings) {
        if (result instanceof Finding f) findings.add(f);
        else outcomes.merge((Outcome) result, 1, Integer::sum);
    }

    static Stream<Path> regressionInputs() throws IOException {
        Path dir = GuestPrograms.moduleDir().resolve("src/test/resources/fuzz-regressions");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("loader-")).sorted().toList().stream();
        }
    }

    /** Inputs that once broke the loader (or stress a rule worth keeping): each must end cleanly. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("regressionInputs")
    void regressionInputsStayClean(Path input) throws Exception {
        for (boolean viaExecve : new boolean[] {false, true}) {
            Object result = runOne(Files.readAllBytes(input), viaExecve);
            assertTrue(result instanceof Outcome, () -> input.getFileName() + ": " + ((Finding) result).what());
        }
    }
}
