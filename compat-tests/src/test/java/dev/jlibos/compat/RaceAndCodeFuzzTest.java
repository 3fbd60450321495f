package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;
import dev.jlibos.kernel.SyscallPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 17's two other fuzzers, each guest in a sandbox and in a child JVM of its own
 * ({@link Guest#isolated}), so that an engine abort or a JVM crash is a finding with its seed, not the end
 * of the test JVM. Seed s runs with glibc (odd s) or musl (even s) on syscall path
 * {@code SyscallPath.values()[s % 3]}.
 *
 * <ul>
 *   <li>{@code racefuzz.c}: threads racing served calls against munmap/mprotect/remaps of their buffers,
 *       close/dup2 over their fds, signals, fork, execve and exit_group. Property: every round ends (by
 *       exit_group, or a signal the round sent itself) within 10 s, and the jlibos log has no internal
 *       error or Java exception. Seed 2's round 23 is the regression case of the execve that waited for
 *       ever for a thread blocked in recvmsg.</li>
 *   <li>{@code codefuzz.c}: random bytes as guest code (musl only: glibc's siglongjmp needs an intact
 *       %fs, which random code may change). Property: the guest exits 0 with its report, no iteration is
 *       stuck (still running 3 s after its 20 ms timer), no internal error or exception, and the child
 *       JVM neither aborts nor crashes.</li>
 * </ul>
 *
 * Longer: {@code -Djlibos.racefuzz.seeds=N -Djlibos.racefuzz.rounds=R -Djlibos.racefuzz.first=S} and
 * {@code -Djlibos.codefuzz.seeds=N -Djlibos.codefuzz.iterations=I -Djlibos.codefuzz.first=S}. The report
 * of every run goes to {@code target/fuzz-campaigns.txt}.
 */
class RaceAndCodeFuzzTest {
    private static final int RACE_SEEDS = Integer.getInteger("jlibos.racefuzz.seeds", 3);
    private static final long RACE_FIRST = Long.getLong("jlibos.racefuzz.first", 1);
    private static final long RACE_ROUNDS = Long.getLong("jlibos.racefuzz.rounds", 30);
    private static final int CODE_SEEDS = Integer.getInteger("jlibos.codefuzz.seeds", 3);
    private static final long CODE_FIRST = Long.getLong("jlibos.codefuzz.first", 1);
    private static final long CODE_ITERATIONS = Long.getLong("jlibos.codefuzz.iterations", 600);

    @Test
    void racingThreadsNeverHangOrBreakTheLibos() throws Exception {
        List<String> failures = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        for (long seed = RACE_FIRST; seed < RACE_FIRST + RACE_SEEDS; seed++) {
            Flavour flavour = seed % 2 == 0 ? Flavour.MUSL : Flavour.GLIBC;
            SyscallPath path = SyscallPath.values()[(int) (seed % 3)];
            GuestResult r = run(GuestPrograms.binary(flavour, "racefuzz"), path,
                    Duration.ofSeconds(60 + RACE_ROUNDS / 2), Long.toString(seed), Long.toString(RACE_ROUNDS));
            String what = "racefuzz seed " + seed + " (" + flavour + ", " + path + ")";
            log.append(what).append(": ").append(r.stdoutText().strip()).append(", ").append(r.elapsed().toMillis()).append(" ms\n");
            failures.addAll(problems(what, r, "racefuzz: "));
            if (!r.stdoutText().contains(" 0 hangs, 0 unexpected")) failures.add(what + ": " + r.stdoutText().strip());
        }
        report(log);
        assertEquals(List.of(), failures);
    }

    @Test
    void randomInstructionsEndInSignalsOrExitsInsideAnIsolatedJvm() throws Exception {
        List<String> failures = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        for (long seed = CODE_FIRST; seed < CODE_FIRST + CODE_SEEDS; seed++) {
            SyscallPath path = SyscallPath.values()[(int) (seed % 3)];
            GuestResult r = run(GuestPrograms.binary(Flavour.MUSL, "codefuzz"), path,
                    Duration.ofSeconds(60 + CODE_ITERATIONS / 50), Long.toString(seed), Long.toString(CODE_ITERATIONS));
            String what = "codefuzz seed " + seed + " (" + path + ")";
            log.append(what).append(": ").append(r.stdoutText().strip()).append(", ").append(r.elapsed().toMillis()).append(" ms\n");
            failures.addAll(problems(what, r, "codefuzz: "));
            if (!r.stdoutText().contains(", stuck 0")) failures.add(what + ": " + r.stdoutText().strip());
        }
        report(log);
        assertEquals(List.of(), failures);
    }

    private static GuestResult run(Path binary, SyscallPath path, Duration timeout, String... args) {
        Guest g = Guest.program(binary.toString()).args(args).tmpfs("/work").cwd("/work").maxProcesses(64)
                .traceTail(0).isolated().isolationGrace(Duration.ofSeconds(20));
        return g.options(g.options().toBuilder().syscallPath(path).timeout(timeout).build()).run();
    }

    /** An engine abort or JVM crash, a timeout, a bad exit, no report, or an internal error in the log. */
    private static List<String> problems(String what, GuestResult r, String reportStart) {
        List<String> out = new ArrayList<>();
        if (r.isolatedJvmFailure() != null) out.add(what + ": " + r.isolatedJvmFailure());
        else if (r.timedOut()) out.add(what + ": timed out");
        else if (r.shellStatus() != 0) out.add(what + ": exited with " + r.shellStatus() + "\n" + r.stderrText());
        if (!r.stdoutText().startsWith(reportStart)) out.add(what + ": no report");
        for (String line : r.diagnostics().split("\n")) {
            if (line.contains("internal error") || line.contains("Exception") || line.contains("Error:")) {
                out.add(what + ": jlibos: " + line);
            }
        }
        return out;
    }

    private static synchronized void report(StringBuilder log) throws Exception {
        System.out.print(log);
        Path out = Files.createDirectories(GuestPrograms.moduleDir().resolve("target")).resolve("fuzz-campaigns.txt");
        Files.writeString(out, log, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
