package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;

/**
 * musl's libc-test (an external suite, {@code ../shared/libc-test} beside the repository, read only) as a
 * differential suite: copied to a temporary directory, its static tests built there with musl-gcc
 * ({@code make -k}: a test that does not build is left out), then each run from its own directory natively
 * and under jlibos. A libc-test test exits 0 and prints nothing when it passes.
 *
 * <p>A test that passes natively must pass under jlibos with the same output, unless it is listed in
 * {@code libc-test-known-gaps.txt} (sorted, "name: reason"); a listed test must still fail under jlibos, and
 * must exist, so the list stays true. A test that fails natively (dlopen tests in a static build, host
 * quirks) is not run under jlibos and is reported as skipped with its native status. The jlibos runs share
 * this JVM, several at once.
 *
 * <p>{@code -Djlibos.libctest.cc=gcc} builds with gcc and glibc instead (config.mak.def unchanged; natively
 * 112 of 142 pass here, against 132 with musl): its gaps are listed as "gcc/name".
 * {@code -Djlibos.libctest=DIR} names another copy of libc-test; {@code -Djlibos.libctest.only=a,b} runs
 * only those tests (for working on one); {@code -Djlibos.libctest.threads=N} sets the parallelism.
 */
class LibcTest {
    private static final String GAPS = "/libc-test-known-gaps.txt";
    /** musl-gcc (the default, as libc-test's ORIGIN.md measures) or gcc (glibc). */
    private static final String CC = System.getProperty("jlibos.libctest.cc", "musl-gcc");
    /** How the known-gaps file names a test of this flavour. */
    private static final String GAP_PREFIX = CC.equals("musl-gcc") ? "" : CC + "/";
    private static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration JLIBOS_TIMEOUT = Duration.ofSeconds(90);
    /**
     * A listed gap only has to go on failing: it runs in a child JVM (the -oom tests hang inside the engine,
     * where a timeout cannot stop the thread: in this JVM it would spin on through every later test) and is
     * not waited for as long.
     */
    private static final Duration KNOWN_GAP_TIMEOUT = Duration.ofSeconds(10), KNOWN_GAP_GRACE = Duration.ofSeconds(5);

    /** One built test and how it ran on each side. */
    record Outcome(String name, Path binary, RunResult nat, RunResult jl) {
        boolean passedNatively() {
            return passed(nat);
        }

        boolean passedUnderJlibos() {
            return passed(jl) && Arrays.equals(nat.stdout(), jl.stdout());
        }
    }

    private static Path work;
    private static final Map<String, Outcome> OUTCOMES = new TreeMap<>();
    private static String buildLog = "";
    private static long runMillis;

    @BeforeAll
    static void buildAndRun() throws Exception {
        Path source = locate();
        Assumptions.assumeTrue(source != null, "libc-test not found (../shared/libc-test beside the repository, or"
                + " -Djlibos.libctest=DIR): suite skipped");
        Assumptions.assumeTrue(commandWorks(CC, "--version"), CC + " not installed: libc-test skipped");
        Assumptions.assumeTrue(commandWorks("make", "--version"), "make not installed: libc-test skipped");
        long start = System.nanoTime();
        work = Files.createTempDirectory("jlibos-libc-test-");
        Path tree = work.resolve("libc-test");
        copyTree(source, tree);
        List<Path> binaries = build(tree);
        long built = System.nanoTime();
        String only = System.getProperty("jlibos.libctest.only", "");
        if (!only.isBlank()) {
            List<String> wanted = List.of(only.split(","));
            binaries = binaries.stream().filter(b -> wanted.contains(testName(b))).toList();
        }
        // Natively first, one at a time (fast; and the tests may use fixed names in their directory).
        Map<String, RunResult> nat = new LinkedHashMap<>();
        NativeRunner host = new NativeRunner(NATIVE_TIMEOUT);
        for (Path b : binaries) nat.put(testName(b), run(host, b));
        // Under jlibos, several machines at once in this JVM.
        GuestRunner jlibos = Runners.nativeOnly() ? null : Runners.jlibos().orElse(null);
        Map<String, RunResult> jl = new LinkedHashMap<>();
        if (jlibos != null) {
            GuestRunner runner = new JlibosRunner(JLIBOS_TIMEOUT), gapRunner = new IsolatedRunner(KNOWN_GAP_TIMEOUT);
            Map<String, String> gaps = knownGaps();
            int threads = Integer.getInteger("jlibos.libctest.threads",
                    Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "libc-test");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, Future<RunResult>> futures = new LinkedHashMap<>();
                List<Path> fillers = new ArrayList<>();
                for (Path b : binaries) {
                    // Nothing to compare for a test that fails natively (and some of those hang in the engine).
                    if (!passed(nat.get(testName(b)))) continue;
                    if (fillsAddressSpace(b)) {
                        fillers.add(b);
                        continue;
                    }
                    GuestRunner r = gaps.containsKey(GAP_PREFIX + testName(b)) ? gapRunner : runner;
                    futures.put(testName(b), pool.submit(() -> run(r, b)));
                }
                for (var e : futures.entrySet()) jl.put(e.getKey(), e.getValue().get());
                // The -oom tests map PROT_NONE until mmap fails: host address space of the JVM they run in,
                // which a guest beside them (or the test JVM itself) then lacks. Alone, in a child JVM.
                GuestRunner alone = new IsolatedRunner(JLIBOS_TIMEOUT);
                for (Path b : fillers) jl.put(testName(b), run(gaps.containsKey(GAP_PREFIX + testName(b)) ? gapRunner : alone, b));
            } finally {
                pool.shutdownNow();
            }
        }
        for (Path b : binaries) {
            String n = testName(b);
            OUTCOMES.put(n, new Outcome(n, b, nat.get(n), jl.get(n)));
        }
        long end = System.nanoTime();
        runMillis = (end - built) / 1_000_000;
        long passNat = OUTCOMES.values().stream().filter(Outcome::passedNatively).count();
        long passJl = OUTCOMES.values().stream().filter(o -> o.jl() != null && passed(o.jl())).count(); // of those passing natively
        System.out.printf("libc-test (" + CC + "): %d static tests built in %d s; native passes %d, jlibos %d; runs took %d s%n",
                binaries.size(), (built - start) / 1_000_000_000, passNat, passJl, runMillis / 1000);
        System.out.println("libc-test: slowest under jlibos: " + OUTCOMES.values().stream().filter(o -> o.jl() != null)
                .sorted((a, b) -> b.jl().elapsed().compareTo(a.jl().elapsed())).limit(8)
                .map(o -> o.name() + " " + o.jl().elapsed().toMillis() / 100 / 10.0 + "s").toList());
        System.out.println("libc-test: passing natively, not under jlibos: " + OUTCOMES.values().stream()
                .filter(o -> o.passedNatively() && o.jl() != null && !o.passedUnderJlibos()).map(Outcome::name).toList());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null && !Boolean.getBoolean("jlibos.libctest.keep")) Fs.deleteRecursively(work);
    }

    @TestFactory
    Stream<DynamicTest> libcTest() {
        Map<String, String> gaps = knownGaps();
        return OUTCOMES.values().stream().map(o -> DynamicTest.dynamicTest(o.name(), () -> check(o, gaps.get(GAP_PREFIX + o.name()))));
    }

    private static void check(Outcome o, String gap) {
        Assumptions.assumeTrue(o.passedNatively(), o.name() + " fails natively (" + o.nat().describeStatus()
                + "): nothing to compare\n" + TextDiff.tail(o.nat().stdout(), 10));
        Assumptions.assumeTrue(o.jl() != null, "jlibos side skipped");
        String diff = describe(o);
        if (gap == null) {
            if (diff != null) Assertions.fail(o.name() + " passes natively and fails under jlibos\n" + diff);
        } else {
            Assertions.assertNotNull(diff, GAP_PREFIX + o.name() + " now passes under jlibos: remove it from libc-test-known-gaps.txt");
        }
    }

    private static String describe(Outcome o) {
        if (o.passedUnderJlibos()) return null;
        return "  status: native " + o.nat().describeStatus() + ", jlibos " + o.jl().describeStatus() + "\n"
                + "  jlibos stdout:\n" + TextDiff.tail(o.jl().stdout(), 25).indent(4)
                + "  jlibos stderr:\n" + TextDiff.tail(o.jl().stderr(), 15).indent(4);
    }

    /** Every listed gap names a test that was built (and ran): a stale line fails. */
    @Test
    void knownGapsNameBuiltTests() {
        Assumptions.assumeTrue(!OUTCOMES.isEmpty(), "no libc-test tests ran");
        Assumptions.assumeTrue(System.getProperty("jlibos.libctest.only", "").isBlank(), "only some tests ran");
        List<String> stale = knownGaps().keySet().stream().filter(n -> GAP_PREFIX.isEmpty() ? !n.contains("/") : n.startsWith(GAP_PREFIX))
                .map(n -> n.substring(GAP_PREFIX.length())).filter(n -> !OUTCOMES.containsKey(n)).toList();
        Assertions.assertEquals(List.of(), stale, "libc-test-known-gaps.txt lists tests that were not built");
    }

    /** jlibos in a child JVM ({@link Guest#isolated}), with the host's file tree and no memory limit, as JlibosRunner. */
    private record IsolatedRunner(Duration timeout) implements GuestRunner {
        @Override
        public String name() {
            return "jlibos (isolated)";
        }

        @Override
        public RunResult run(Path binary, List<String> argv, List<String> env, Path cwd, byte[] stdin) {
            GuestResult r = Guest.program(binary.toString()).hostFilesystem().cwd(cwd.toString()).args(argv.subList(1, argv.size()))
                    .stdin(stdin).timeout(timeout).memoryLimit(1L << 60).traceTail(0).isolated().isolationGrace(KNOWN_GAP_GRACE).run();
            if (r.timedOut()) return RunResult.timedOut(r.stdout(), r.stderr(), r.elapsed());
            return r.signalled() ? RunResult.killed(r.signal(), r.stdout(), r.stderr(), r.elapsed())
                    : RunResult.exited(r.exitCode(), r.stdout(), r.stderr(), r.elapsed());
        }
    }

    private static boolean passed(RunResult r) {
        return r != null && r.loaded() && !r.timedOut() && r.shellStatus() == 0;
    }

    private static RunResult run(GuestRunner runner, Path binary) throws IOException {
        return runner.run(binary, List.of(binary.toString()), List.of(), binary.getParent(), new byte[0]);
    }

    /** The tests that exhaust the address space on purpose (t_memfill): malloc-oom, setenv-oom... */
    private static boolean fillsAddressSpace(Path binary) {
        return testName(binary).endsWith("-oom");
    }

    /** "src/functional/fcntl-static.exe" is "fcntl". */
    private static String testName(Path binary) {
        String f = binary.getFileName().toString();
        return f.substring(0, f.length() - "-static.exe".length());
    }

    /** ../shared/libc-test beside the repository (the repo is compat-tests' parent), or -Djlibos.libctest. */
    private static Path locate() {
        String given = System.getProperty("jlibos.libctest", "");
        if (!given.isBlank()) return Files.isDirectory(Path.of(given, "src")) ? Path.of(given) : null;
        Path repo = GuestPrograms.moduleDir().toAbsolutePath().getParent();
        Path p = repo.getParent().resolve("shared/libc-test");
        return Files.isDirectory(p.resolve("src")) ? p : null;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    /** As ORIGIN.md says: config.mak without the glibc/crypt/FILE_OFFSET lines, make -k with musl-gcc. */
    private static List<Path> build(Path tree) throws IOException, InterruptedException {
        List<String> config = Files.readAllLines(tree.resolve("config.mak.def")).stream()
                .filter(l -> !CC.equals("musl-gcc") || !l.contains("glibc") && !l.contains("lcrypt") && !l.contains("FILE_OFFSET"))
                .toList();
        Files.write(tree.resolve("config.mak"), config);
        List<String> targets = new ArrayList<>();
        for (String dir : List.of("src/functional", "src/regression")) {
            try (Stream<Path> s = Files.list(tree.resolve(dir))) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c")).sorted()
                        .forEach(n -> targets.add(dir + "/" + n.substring(0, n.length() - 2) + "-static.exe"));
            }
        }
        List<String> cmd = new ArrayList<>(List.of("make", "-k", "-j" + Runtime.getRuntime().availableProcessors(),
                "CC=" + CC));
        cmd.addAll(targets);
        Path log = tree.resolve("build.log");
        Process p = new ProcessBuilder(cmd).directory(tree.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("building libc-test took over 15 minutes");
        }
        buildLog = Files.readString(log);
        List<Path> built = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String t : targets) {
            Path b = tree.resolve(t);
            if (Files.isRegularFile(b)) built.add(b); else missing.add(testName(b));
        }
        if (!missing.isEmpty()) System.out.println("libc-test: not built: " + missing);
        Assertions.assertTrue(built.size() >= targets.size() / 2, "most of libc-test failed to build ("
                + built.size() + " of " + targets.size() + "):\n" + TextDiff.tail(buildLog.getBytes(StandardCharsets.UTF_8), 40));
        return built;
    }

    private static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The known gaps, "name: reason", sorted, no duplicates (the same format as known-gaps.txt). */
    static Map<String, String> knownGaps() {
        return KnownGaps.load(GAPS);
    }
}
