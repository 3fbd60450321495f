package dev.jlibos.compat;

import dev.jlibos.host.unicorn.Unicorn;
import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program built for the x86-64-v2 level (POPCNT, SSE4.2, SSSE3, CX16, LAHF): glibc checks the level
 * against CPUID before main, so this passes only if CPUID reports what v2 needs and the engine runs it.
 * Unicorn 2.1 (Haswell model) does; 2.0 raises #UD for POPCNT, so CPUID hides it there and the test is
 * not applicable.
 */
class IsaLevelTest {
    @Test
    void anX8664V2ProgramRunsAsNatively(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Unicorn.pagedTlb(), "Unicorn 2.0 cannot run POPCNT: no x86-64-v2");
        Path src = GuestPrograms.moduleDir().resolve("src/test/resources/isa/x86-64-v2.c");
        Path bin = dir.resolve("v2");
        Process cc = new ProcessBuilder("gcc", "-static", "-O2", "-march=x86-64-v2", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccLog = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, ccLog);

        Process nat = new ProcessBuilder(bin.toString()).start();
        String expected = new String(nat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nat.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, nat.exitValue());

        GuestResult r = Guest.program(bin.toString()).run();
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(expected, r.stdoutText(), r.describe());
    }
}
