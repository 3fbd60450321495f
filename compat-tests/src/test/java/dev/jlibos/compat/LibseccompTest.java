package dev.jlibos.compat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * seccomp filters made by libseccomp (issue 16 item 2 asks for one program on the raw interface, seccomp.c
 * in CProgramsTest, and one linked with libseccomp): {@code libseccomp.c} linked statically against Debian's
 * libseccomp-dev, run natively and under jlibos; output and exit status must match. glibc only (the
 * library is built for it). Skipped without gcc or seccomp.h.
 */
class LibseccompTest {
    private static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "LC_ALL=C");

    @Test
    void filtersBuiltByLibseccompActAsOnLinux(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/include/seccomp.h")), "libseccomp-dev not installed");
        Path program = dir.resolve("libseccomp");
        Process cc = new ProcessBuilder("gcc", "-static", "-O1", "-I", GuestPrograms.sourceDir().toString(), "-o",
                program.toString(), GuestPrograms.sourceDir().resolve("libseccomp.c").toString(), "-lseccomp")
                .redirectErrorStream(true).start();
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc failed:\n" + log);

        RunResult expected = Runners.host().run(program, List.of(program.toString()), ENV, dir, new byte[0]);
        RunResult actual = Runners.requireJlibos().run(program, List.of(program.toString()), ENV, dir, new byte[0]);

        assertEquals(0, expected.exitCode(), "natively:\n" + expected.stdoutText());
        assertEquals(expected.stdoutText(), actual.stdoutText());
        assertEquals(expected.shellStatus(), actual.shellStatus(), actual.stderrText());
    }
}
