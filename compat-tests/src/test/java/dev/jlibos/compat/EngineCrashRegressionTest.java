package dev.jlibos.compat;

import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash the loader fuzzer found that jlibos cannot contain: Unicorn 2.0.1 aborts the host process on
 * "ff e8" (unicorn-engine/unicorn#1716), so a guest executing it kills the JVM. The reproducer runs
 * {@link Guest#isolated}, in a child JVM. Like a known gap, this test checks that the crash is still
 * there, so that the day the engine is upgraded and the guest dies of SIGILL instead (as on Linux), the
 * test fails and says so.
 */
class EngineCrashRegressionTest {
    private static final int SIGILL = 4, SIGILL_STATUS = 128 + SIGILL;

    @Test
    void aFarJumpThroughARegisterStillAbortsUnicorn201() throws Exception {
        Path src = GuestPrograms.moduleDir().resolve("src/test/resources/fuzz-regressions/engine-crash-far-jump-through-register.c");
        Path bin = Files.createDirectories(GuestPrograms.moduleDir().resolve("target/fuzz-regressions")).resolve("far-jump");
        Process cc = new ProcessBuilder("gcc", "-static", "-O1", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccLog = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc -static failed: " + ccLog);

        Process native_ = new ProcessBuilder(bin.toString()).redirectErrorStream(true).start();
        native_.getInputStream().readAllBytes();
        assertTrue(native_.waitFor(30, TimeUnit.SECONDS));
        assertEquals(SIGILL_STATUS, native_.exitValue(), "natively the instruction is #UD, SIGILL");

        GuestResult r = Guest.program(bin.toString()).isolated().timeout(Duration.ofSeconds(30)).run();
        assertFalse(r.isolatedJvmFailure() == null && r.signal() == SIGILL,
                "unicorn#1716 is fixed in this engine (the guest died of SIGILL as on Linux): turn this test into a regular"
                        + " regression test expecting SIGILL and drop the Quirk from the README\n" + r.describe());
        String failure = r.isolatedJvmFailure();
        assertTrue(failure != null && failure.contains("(exit 134, SIGABRT)") && failure.contains("tcg fatal error"),
                r.describe());
    }
}
