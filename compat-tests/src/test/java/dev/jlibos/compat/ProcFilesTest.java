package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic /proc entries describe the guest (not the JVM) and agree with what the CPU runs. */
class ProcFilesTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @BeforeAll
    static void busybox() {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(BUSYBOX.toString()).args(List.of(args)).stdout(out)
                .env(List.of("PATH=/bin:/usr/bin")).build().run();
        assertEquals(0, s.code(), out.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapsListsTheGuestsOwnMappings() throws Exception {
        String maps = run("busybox", "cat", "/proc/self/maps");
        assertTrue(maps.lines().anyMatch(l -> l.contains(" r-xp ") && l.endsWith("/bin/busybox")), maps);
        assertTrue(maps.lines().anyMatch(l -> l.endsWith("[stack]")), maps);
        assertFalse(maps.contains("libjvm"), "the JVM's mappings leaked into the guest's view");
    }

    @Test
    void selfLinksNameTheGuest() throws Exception {
        // The file itself, as Linux says: on a merged-/usr host /bin/busybox is /usr/bin/busybox.
        assertEquals(BUSYBOX.toRealPath() + "\n", run("busybox", "readlink", "/proc/self/exe"));
        assertEquals("busybox\0cat\0/proc/self/cmdline\0", run("busybox", "cat", "/proc/self/cmdline"));
    }

    /** /proc/self/task in a sandbox, where all of /proc is jlibos's: one entry per thread, with its files. */
    @Test
    void taskDirectoryListsTheThreadsInASandbox() throws Exception {
        for (GuestPrograms.Flavour f : GuestPrograms.Flavour.values()) {
            Path bin = GuestPrograms.binary(f, "threads");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExitStatus s = Machine.builder().sandbox().program(bin.toString()).args(List.of("threads", "proc-task"))
                    .stdout(out).timeout(java.time.Duration.ofSeconds(60)).build().run();
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, s.code(), text);
            assertTrue(text.contains("tasks 4\n") && text.contains("comm 3 stat 3 status 3 /proc/TID 3\n")
                    && text.contains("tasks after join 1\n"), f + ":\n" + text);
        }
    }

    @Test
    void cpuinfoFlagsAgreeWithCpuid() throws Exception {
        String flags = run("busybox", "grep", "-m", "1", "^flags", "/proc/cpuinfo");
        List<String> names = List.of(flags.substring(flags.indexOf(':') + 1).trim().split(" "));
        assertTrue(names.containsAll(List.of("fpu", "sse2", "sse4_2")), flags);
        // POPCNT runs on Unicorn 2.1 (Haswell model), not on 2.0: reported exactly where it runs.
        assertEquals(dev.jlibos.host.unicorn.Unicorn.pagedTlb(), names.contains("popcnt"), flags);
        // The engine faults on these (or jlibos hides them), so CPUID does not report them and neither may /proc/cpuinfo.
        for (String absent : List.of("avx", "avx2", "bmi2", "movbe", "xsave", "rdrand")) {
            assertFalse(names.contains(absent), absent + " in " + flags);
        }
    }
}
