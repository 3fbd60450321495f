package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kml-shim's syscall-site rewriting really happens, and only where it should. kmlsites.c's
 * differential checks (CProgramsTest) show that answers are right; this shows which path gave them:
 * "kmlsites site" prints the two bytes of libc's getpid where its {@code syscall} (0f 05) was, after
 * calling it a few thousand times.
 */
class SyscallRewriteTest {
    private static String run(Path binary, SyscallPath path, boolean strace) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(binary.toString()).args(List.of(binary.toString(), "site"))
                .stdout(out).strace(strace ? new PrintStream(OutputStream.nullOutputStream()) : null)
                .syscallPath(path).timeout(Duration.ofSeconds(60)).build().run();
        assertEquals(0, s.code());
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void theShimRewritesLibcWrappersIntoJumpsToTheStub(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "kmlsites");
        assertEquals("agree ff e0\n", run(bin, SyscallPath.SHIM, false), "jmp *%rax in place of syscall");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void theHookPathAndStraceLeaveCodeAlone(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "kmlsites");
        assertEquals("agree 0f 05\n", run(bin, SyscallPath.HOOK, false));
        // --strace must see every call, so the shim path does not rewrite while tracing.
        assertEquals("agree 0f 05\n", run(bin, SyscallPath.SHIM, true));
    }
}
