package dev.jlibos.compat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash the loader fuzzer found that jlibos cannot contain: Unicorn 2.0.1 aborts the host process on
 * "ff e8" (unicorn-engine/unicorn#1716), so a guest executing it kills the JVM. The reproducer runs in a
 * child JVM. Like a known gap, this test checks that the crash is still there, so that the day the
 * engine is upgraded and the guest dies of SIGILL instead (as on Linux), the test fails and says so.
 */
class EngineCrashRegressionTest {
    private static final int SIGABRT_STATUS = 134, SIGILL_STATUS = 128 + 4;

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

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RunGuestMain.class.getName(), bin.toString())).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertTrue(child.exitValue() != SIGILL_STATUS,
                "unicorn#1716 is fixed in this engine (the guest died of SIGILL as on Linux): turn this test into a regular"
                        + " regression test expecting SIGILL and drop the Quirk from the README\n" + out);
        assertEquals(SIGABRT_STATUS, child.exitValue(), out);
        assertTrue(out.contains("tcg fatal error"), out);
    }
}
