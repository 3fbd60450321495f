package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.compat.KindFuzzer.Mode;
import dev.jlibos.kernel.SyscallPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 17: the argument-kind-aware syscall fuzzer ({@code kfuzz.c}, driven by {@link KindFuzzer}) over
 * every call the registry serves. Seed s runs {@code jlibos.kfuzz.calls} calls with glibc (odd s) or musl
 * (even s), on syscall path {@code SyscallPath.values()[s % 3]}, in a sandbox, or out of one (s % 4 == 0)
 * with a scratch directory as cwd. A failure is an internal error or Java exception in the log, a hang,
 * a bad exit, a change to the canary trees, or host fds/threads left behind; its message names the seed
 * and call. The per-call table (calls, successes, errno counts) goes to {@code target/kfuzz/coverage.txt};
 * every served call must succeed at least once over the seeds, except the exemptions below.
 *
 * <p>A longer campaign: {@code ./jlibos fuzz --seeds 50 --calls 200000} (or the Maven properties
 * {@code jlibos.kfuzz.seeds}, {@code jlibos.kfuzz.calls}, {@code jlibos.kfuzz.first}). One call replays
 * with {@code -Djlibos.kfuzz.first=SEED -Djlibos.kfuzz.seeds=1 -Djlibos.kfuzz.from=I -Djlibos.kfuzz.calls=1}.
 */
class KindFuzzTest {
    private static final int SEEDS = Integer.getInteger("jlibos.kfuzz.seeds", 8);
    private static final long FIRST_SEED = Long.getLong("jlibos.kfuzz.first", 1);
    private static final long CALLS = Long.getLong("jlibos.kfuzz.calls", 2_500);
    private static final long FROM = Long.getLong("jlibos.kfuzz.from", 0);

    /** Served calls that cannot succeed under the fuzzer, and why. */
    static final Map<String, String> EXEMPT = Map.of(
            "rt_sigreturn", "needs a signal frame on the stack; a random stack gives SIGSEGV, as on Linux",
            "pause", "only ever returns -1 EINTR (here from the worker's SIGALRM)",
            "rt_sigsuspend", "only ever returns -1 EINTR");

    @Test
    void everyServedCallSurvivesHostileArgumentsAndSucceedsOnce(@TempDir Path dir) throws Exception {
        List<KindFuzzer.Spec> specs = KindFuzzer.specs();
        KindFuzzer.Coverage coverage = new KindFuzzer.Coverage();
        List<String> failures = new ArrayList<>();
        Path canary = Files.createDirectories(dir.resolve("canary/sub"));
        Files.writeString(canary.resolve("file"), "do not touch\n");
        Files.writeString(dir.resolve("canary/canary"), "do not touch\n");
        Files.createSymbolicLink(dir.resolve("canary/link"), Path.of("/etc/passwd"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("file"), "not mounted at all\n");
        DirSnapshot canaryBefore = DirSnapshot.of(dir.resolve("canary")), outsideBefore = DirSnapshot.of(outside);
        long fdsBefore = -1, threadsBefore = -1;
        List<String> fdTargetsBefore = List.of();
        long start = System.nanoTime();
        StringBuilder runs = new StringBuilder();
        // A long campaign reports each seed as it ends (Maven shows the test's output only at its end).
        Path progress = Files.createDirectories(GuestPrograms.moduleDir().resolve("target/kfuzz")).resolve("progress.txt");
        Files.writeString(progress, "");
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            Flavour flavour = seed % 2 == 0 ? Flavour.MUSL : Flavour.GLIBC;
            Mode mode = seed % 4 == 0 ? Mode.HOST : Mode.SANDBOX;
            SyscallPath path = SyscallPath.values()[(int) (seed % 3)];
            Path scratch = dir.resolve("host/" + seed + "/a/b/c");
            KindFuzzer.Result r = KindFuzzer.run(GuestPrograms.binary(flavour, "kfuzz"), mode, path, seed, FROM, CALLS,
                    scratch, dir.resolve("canary"), Duration.ofSeconds(60 + CALLS / 500));
            coverage.add(r);
            if (fdsBefore < 0) { // after the first run: the JVM has started its compiler and GC threads by then
                fdsBefore = count("/proc/self/fd");
                fdTargetsBefore = fdTargets();
                threadsBefore = count("/proc/self/task");
            }
            String what = "seed " + seed + " (" + flavour + ", " + mode + ", " + path + ")";
            runs.append(what).append(": ").append(r.report().lines().findFirst().orElse("no report")).append(", ")
                    .append(r.took().toMillis()).append(" ms\n");
            for (String f : r.failures()) failures.add(what + ": " + f);
            Files.writeString(progress, what + ": " + r.report().lines().findFirst().orElse("no report") + ", "
                    + r.took().toMillis() + " ms, " + r.failures().size() + " failures" + System.lineSeparator()
                    + String.join(System.lineSeparator(), r.failures().stream().map(f -> "  " + f).toList())
                    + (r.failures().isEmpty() ? "" : System.lineSeparator()), java.nio.file.StandardOpenOption.APPEND);
            if (mode == Mode.HOST) {
                try (Stream<Path> s = Files.list(dir.resolve("host/" + seed + "/a/b"))) {
                    List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("c")).toList();
                    if (!left.isEmpty()) failures.add(what + ": files made outside the scratch tree: " + left);
                }
            }
        }
        runs.append(String.format("%d calls in %.1f s%n", coverage.calls, (System.nanoTime() - start) / 1e9));
        failures.addAll(canaryBefore.differences(DirSnapshot.of(dir.resolve("canary")), "before", "after"));
        failures.addAll(outsideBefore.differences(DirSnapshot.of(outside), "before", "after"));
        long fdsAfter = count("/proc/self/fd"), threadsAfter = count("/proc/self/task");
        if (fdsAfter > fdsBefore + 2) {
            List<String> added = new java.util.ArrayList<>(fdTargets());
            fdTargetsBefore.forEach(added::remove);
            failures.add("host fds grew from " + fdsBefore + " to " + fdsAfter + ", new: " + added);
        }
        if (threadsAfter > threadsBefore + 2) failures.add("host threads grew from " + threadsBefore + " to " + threadsAfter);

        Path out = Files.createDirectories(GuestPrograms.moduleDir().resolve("target/kfuzz"));
        Files.writeString(out.resolve("coverage.txt"), runs + "\n" + coverage.table(specs, EXEMPT));
        // The guest's arguments, for replaying by hand: ./jlibos run --tmpfs /work --chdir /work BINARY $(cat specs.txt)
        Files.writeString(out.resolve("specs.txt"), String.join(" ", specs.stream().map(KindFuzzer.Spec::token).toList()) + "\n");
        System.out.print(runs);
        assertEquals(List.of(), failures, "see target/kfuzz/coverage.txt");
        if (FROM == 0 && CALLS * SEEDS >= 20_000) {
            assertEquals(List.of(), coverage.neverSucceeded(specs, EXEMPT), "served calls that never succeeded");
        }
    }

    /** What the JVM's open fds point at (a leak report names them). */
    private static List<String> fdTargets() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "?"; // closed meanwhile (the listing's own fd)
                }
            }).sorted().toList();
        }
    }

    private static long count(String dir) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.count();
        }
    }
}
