package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8: sysfuzz.c issues tens of thousands of random syscalls with hostile arguments inside a
 * sandbox. Every call must return; the JVM must not see an internal error; nothing outside the sandbox
 * (a read-only canary mount, a canary directory that is not mounted) may change. The seeds are fixed so
 * a failure reproduces with {@code ./jlibos run --mount CANARY:/ro:ro --tmpfs /work --chdir /work
 * sysfuzz SEED N}.
 */
class SyscallFuzzTest {
    private static final int CALLS = Integer.getInteger("jlibos.fuzz.calls", 50_000);

    static Stream<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (Flavour f : Flavour.values()) for (int seed : new int[] {1, 2, 3}) out.add(Arguments.of(f, seed));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: seed {1}")
    @MethodSource("runs")
    void randomSyscallsLeaveTheHostAndTheJvmIntact(Flavour flavour, int seed, @TempDir Path dir) throws Exception {
        Path canary = Files.createDirectories(dir.resolve("canary/sub"));
        Files.writeString(canary.resolve("file"), "do not touch\n");
        Files.createSymbolicLink(dir.resolve("canary/link"), Path.of("/etc/passwd"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("file"), "not mounted at all\n");
        DirSnapshot before = DirSnapshot.of(dir);

        Path bin = GuestPrograms.binary(flavour, "sysfuzz");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), log = new ByteArrayOutputStream();
        ExitStatus status;
        try (Machine m = Machine.builder().program(bin.toString())
                .args(List.of("sysfuzz", Integer.toString(seed), Integer.toString(CALLS)))
                .mount(dir.resolve("canary"), "/ro", true).tmpfs("/work").cwd("/work")
                .stdout(out).diagnostics(new PrintStream(log, true, StandardCharsets.UTF_8))
                .timeout(Duration.ofMinutes(2)).build()) {
            status = m.run();
        }
        String report = out.toString(StandardCharsets.UTF_8), diagnostics = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, status.shellStatus(), report + diagnostics);
        assertTrue(report.startsWith("sysfuzz: " + CALLS + " calls"), report);
        assertFalse(diagnostics.contains("internal error"), diagnostics);
        assertEquals(List.of(), before.differences(DirSnapshot.of(dir), "before", "after"));
    }
}
