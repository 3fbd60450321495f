package dev.jlibos.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assertions;

/**
 * Runs a {@link Scenario} natively and under jlibos, each in a fresh directory with identical
 * initial files, and compares stdout bytes, shell statuses and the resulting files. The work
 * directories stay under {@code target/compat-work/<id>/{native,jlibos}} for inspection.
 */
public final class Differential {
    private static final int STDERR_TAIL_LINES = 15;

    private Differential() {}

    record Side(String name, List<RunResult> results, DirSnapshot files) {}

    public static void check(Scenario s) throws IOException {
        check(s, null);
    }

    /** As {@link #check(Scenario)}, with a given jlibos runner (a non-default syscall path); null: the usual one. */
    public static void check(Scenario s, GuestRunner jlibosRunner) throws IOException {
        Path work = GuestPrograms.moduleDir().resolve("target/compat-work").resolve(s.id());
        Side nat = runSide(Runners.host(), s, work.resolve("native"));
        checkNativeExpectations(s, nat);
        if (Runners.nativeOnly()) return; // the oracle side alone passed: the test itself is sound
        GuestRunner jlibos = jlibosRunner != null ? jlibosRunner : Runners.requireJlibos();
        Side jl = runSide(jlibos, s, work.resolve("jlibos"));
        String knownGap = KnownGaps.reason(s.id());
        if (knownGap == null) {
            compare(s, nat, jl);
            return;
        }
        // A listed gap must still differ: once it matches Linux, the entry has to go.
        AssertionError stillDiffers = null;
        try {
            compare(s, nat, jl);
        } catch (AssertionError e) {
            stillDiffers = e;
        }
        Assertions.assertNotNull(stillDiffers, s.id() + " now matches Linux: remove it from known-gaps.txt");
    }

    private static Side runSide(GuestRunner runner, Scenario s, Path dir) throws IOException {
        Fs.deleteRecursively(dir);
        Files.createDirectories(dir);
        s.fixture().setUp(dir);
        Fs.fixDirectoryTimes(dir);
        List<RunResult> results = new ArrayList<>();
        for (Scenario.Step step : s.steps()) {
            RunResult r = runner.run(step.binary(), step.argv(), step.env(), dir, step.stdin());
            results.add(r);
            // Beside the working directory (not in it), for looking at a failure afterwards.
            String base = runner.name() + "-step" + results.size();
            Files.write(dir.resolveSibling(base + ".stdout"), r.stdout());
            Files.write(dir.resolveSibling(base + ".stderr"), r.stderr());
            Files.writeString(dir.resolveSibling(base + ".status"), r.describeStatus() + "\n");
        }
        return new Side(runner.name(), results, DirSnapshot.of(dir));
    }

    /** The oracle itself must behave as the test author expected, or the test is wrong. */
    private static void checkNativeExpectations(Scenario s, Side nat) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.steps().size(); i++) {
            Scenario.Step step = s.steps().get(i);
            RunResult r = nat.results().get(i);
            if (r.shellStatus() != step.expectedStatus()) {
                sb.append("native run of `").append(step.describe()).append("` ended with ").append(r.describeStatus())
                        .append(", the test expects ").append(RunResult.describeShellStatus(step.expectedStatus()))
                        .append("\n  stdout tail:\n").append(TextDiff.tail(r.stdout(), 25))
                        .append("\n  stderr tail:\n").append(TextDiff.tail(r.stderr(), STDERR_TAIL_LINES)).append('\n');
            }
        }
        if (sb.length() > 0) Assertions.fail(s.id() + ": the test is wrong on this host (Linux is the oracle)\n" + sb);
    }

    private static void compare(Scenario s, Side nat, Side jl) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.steps().size(); i++) {
            Scenario.Step step = s.steps().get(i);
            RunResult a = nat.results().get(i), b = jl.results().get(i);
            StringBuilder d = new StringBuilder();
            if (a.shellStatus() != b.shellStatus()) {
                d.append("  status: native ").append(a.describeStatus()).append(", jlibos ").append(b.describeStatus()).append('\n');
            }
            if (s.compareStdout() && !Arrays.equals(a.stdout(), b.stdout())) {
                d.append("  stdout differs:\n").append(TextDiff.unified(a.stdout(), b.stdout(), "native", "jlibos", 40).indent(4));
            }
            if (d.length() > 0) {
                sb.append("step ").append(i + 1).append(": `").append(step.describe()).append("`\n").append(d);
                if (a.shellStatus() == b.shellStatus()) sb.append("  status (both): ").append(a.describeStatus()).append('\n');
                sb.append("  native stderr tail:\n").append(TextDiff.tail(a.stderr(), STDERR_TAIL_LINES)).append('\n');
                sb.append("  jlibos stderr tail:\n").append(TextDiff.tail(b.stderr(), STDERR_TAIL_LINES)).append('\n');
            }
        }
        List<String> files = nat.files().differences(jl.files(), "native", "jlibos");
        if (!files.isEmpty()) {
            sb.append("files left in the working directory differ:\n");
            files.forEach(f -> sb.append("  ").append(f).append('\n'));
        }
        if (sb.length() > 0) Assertions.fail(s.id() + " differs between native Linux and jlibos\n" + sb);
    }
}
