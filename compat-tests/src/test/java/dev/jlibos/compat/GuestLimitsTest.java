package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The cases of limits.c that run under jlibos only (see its header): RLIMIT_NPROC set by the guest stops
 * a fork bomb and a thread bomb with EAGAIN, and calls with 2^40-byte lengths come back with an error
 * instead of making the JVM allocate (no OutOfMemoryError, no internal error).
 */
class GuestLimitsTest {
    private static String run(Flavour flavour, String mode, PrintStream diagnostics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Machine m = Machine.builder().program(GuestPrograms.binary(flavour, "limits").toString())
                .args(List.of("limits", mode)).tmpfs("/tmp").cwd("/tmp").stdout(out).stderr(out)
                .diagnostics(diagnostics).timeout(Duration.ofSeconds(60)).build()) {
            ExitStatus s = m.run();
            assertEquals(0, s.shellStatus(), out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aForkBombStopsAtTheGuestsRlimitNproc(Flavour flavour) throws Exception {
        // One process exists; RLIMIT_NPROC=8 leaves room for 7 more.
        assertEquals("fork bomb: 7 forks, then Resource temporarily unavailable\n", run(flavour, "nproc", System.err));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aThreadBombStopsAtTheGuestsRlimitNproc(Flavour flavour) throws Exception {
        assertEquals("thread bomb: 7 threads, then Resource temporarily unavailable\n", run(flavour, "threads", System.err));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void hugeLengthsGiveErrorsNotAllocations(Flavour flavour) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String out = run(flavour, "huge", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals("huge lengths: 16 calls returned\n", out);
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("internal error"), log.toString(StandardCharsets.UTF_8));
    }
}
