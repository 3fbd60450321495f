package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kml-shim's vDSO (issue 5): present only on the shim path, a valid ELF whose symbols glibc and musl
 * find, and clock calls that no longer reach the syscall path. vdso.c's clock checks themselves run in
 * CProgramsTest on whichever path is the default.
 */
class VdsoTest {
    private record Run(ExitStatus status, String stdout, String strace) {
    }

    private static Run run(Path binary, SyscallPath path, boolean strace, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), trace = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of(binary.toString()));
        argv.addAll(List.of(args));
        ExitStatus s = Machine.builder().program(binary.toString()).args(argv).stdout(out)
                .strace(strace ? new PrintStream(trace, true, StandardCharsets.UTF_8) : null)
                .syscallPath(path).timeout(Duration.ofSeconds(60)).build().run();
        return new Run(s, out.toString(StandardCharsets.UTF_8), trace.toString(StandardCharsets.UTF_8));
    }

    private static String nativeStdout(Path binary, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Under the shim, "vdso probe" parses AT_SYSINFO_EHDR's image and calls it exactly as on Linux. */
    @ParameterizedTest
    @EnumSource(Flavour.class)
    void imageParsesAndResolvesLikeLinuxs(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "vdso");
        String expected = nativeStdout(bin, "probe");
        assertTrue(expected.contains("AT_SYSINFO_EHDR present: yes"), "the host kernel has a vDSO");
        Run shim = run(bin, SyscallPath.SHIM, false, "probe");
        assertEquals(expected, shim.stdout());
        assertEquals(0, shim.status().code());
        Run hook = run(bin, SyscallPath.HOOK, false, "probe");
        assertEquals("AT_SYSINFO_EHDR present: no\nPASSED: 0 failure(s)\n", hook.stdout());
    }

    /** --strace proof: with the shim, libc's clock_gettime(CLOCK_MONOTONIC) never traps. */
    @ParameterizedTest
    @EnumSource(Flavour.class)
    void clockGettimeLeavesTheSyscallPath(Flavour flavour) throws Exception {
        Path bin = GuestPrograms.binary(flavour, "vdso");
        Run shim = run(bin, SyscallPath.SHIM, true, "loop", "1000");
        Run hook = run(bin, SyscallPath.HOOK, true, "loop", "1000");
        assertEquals("loop backwards: 0\n", shim.stdout());
        assertEquals("loop backwards: 0\n", hook.stdout());
        assertEquals(0, count(shim.strace(), "clock_gettime("), shim.strace());
        assertTrue(count(hook.strace(), "clock_gettime(") >= 1001, "hook path: every call is a syscall");
    }

    /** /proc/self/maps names the pair as Linux does, after execve too (busybox sh runs cat by fork+exec). */
    @Test
    void mapsShowVvarAndVdso() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(busybox), "busybox-static not installed");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(busybox.toString())
                .args(List.of("busybox", "sh", "-c", "cat /proc/self/maps; echo ---; /bin/busybox cat /proc/self/maps"))
                .stdout(out).syscallPath(SyscallPath.SHIM).timeout(Duration.ofSeconds(60)).build().run();
        assertEquals(0, s.code());
        String[] parts = out.toString(StandardCharsets.UTF_8).split("---\n");
        assertEquals(2, parts.length);
        for (String maps : parts) {
            assertTrue(maps.matches("(?s).*\\n[0-9a-f]+-[0-9a-f]+ r--p 00000000 00:00 0 +\\[vvar\\]\\n"
                    + "[0-9a-f]+-[0-9a-f]+ r-xp 00000000 00:00 0 +\\[vdso\\]\\n.*"), maps);
        }
    }

    private static long count(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).count();
    }
}
