package dev.jlibos.compat;

import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;
import dev.jlibos.host.unicorn.Unicorn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash the loader fuzzer found: Unicorn 2.0.1 aborts the host process on "ff e8", a far jump through a
 * register (unicorn-engine/unicorn#1716), so a guest executing it kills the JVM. On 2.1 the guest dies of
 * SIGILL in-process, as on Linux. On 2.0 (CI's unicorn-2.0 run, with the fallback engine) the reproducer
 * runs {@link Guest#isolated}, in a child JVM, and the test checks the crash is still contained there.
 */
class EngineCrashRegressionTest {
    private static final int SIGILL = 4, SIGILL_STATUS = 128 + SIGILL;

    @Test
    void aFarJumpThroughARegisterIsSigillOnUnicorn21AndContainedOn201() throws Exception {
        Path src = GuestPrograms.moduleDir().resolve("src/test/resources/fuzz-regressions/engine-crash-far-jump-through-register.c");
        Path bin = Files.createDirectories(GuestPrograms.moduleDir().resolve("target/fuzz-regressions")).resolve("far-jump");
        Process cc = new ProcessBuilder("gcc", "-static", "-O1", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccLog = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc -static failed: " + ccLog);

        Process native_ = new ProcessBuilder(bin.toString()).redirectErrorStream(true).start();
        String nativeOut = new String(native_.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(native_.waitFor(30, TimeUnit.SECONDS));
        assertEquals(SIGILL_STATUS, native_.exitValue(), "natively the instruction is #UD, SIGILL");

        if (Unicorn.pagedTlb()) {
            GuestResult r = Guest.program(bin.toString()).timeout(Duration.ofSeconds(30)).run();
            assertEquals(SIGILL, r.signal(), r.describe());
            assertEquals(nativeOut, r.stdoutText(), r.describe());
            return;
        }
        GuestResult r = Guest.program(bin.toString()).isolated().timeout(Duration.ofSeconds(30)).run();
        String failure = r.isolatedJvmFailure();
        assertTrue(failure != null && failure.contains("(exit 134, SIGABRT)") && failure.contains("tcg fatal error"),
                r.describe());
    }
}
