package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Families;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The covering tests the registry names are real: each named differential case runs under jlibos with a
 * syscall listener, and every syscall that names it must occur in the run. A test named for a syscall it
 * never makes (a program changed, a call moved to the vDSO) fails here instead of going stale in the
 * compatibility table. Names have the form {@code CProgramsTest[label]}, a case of {@link CProgramsTest}.
 */
class SyscallCoverageTest {
    private static final String PREFIX = "CProgramsTest[";

    /** Covering test name to the syscalls that name it. */
    static Map<String, List<SyscallRegistry.Entry>> covered() {
        Map<String, List<SyscallRegistry.Entry>> byTest = new TreeMap<>();
        for (SyscallRegistry.Entry e : Families.registry().describeAll()) {
            for (String t : e.tests()) byTest.computeIfAbsent(t, k -> new ArrayList<>()).add(e);
        }
        return byTest;
    }

    static List<String> testNames() {
        return List.copyOf(covered().keySet());
    }

    private static CProgramsTest.Case caseOf(String test) {
        if (!test.startsWith(PREFIX) || !test.endsWith("]")) return null;
        String label = test.substring(PREFIX.length(), test.length() - 1);
        return CProgramsTest.cases().stream().filter(c -> c.label().equals(label)).findFirst().orElse(null);
    }

    @Test
    void everyNamedTestIsACase() {
        assertTrue(!covered().isEmpty(), "no registry entry names a covering test");
        for (String t : covered().keySet()) assertNotNull(caseOf(t), "not a CProgramsTest case: " + t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testNames")
    void namedSyscallsOccur(String test, @TempDir Path dir) throws Exception {
        CProgramsTest.Case c = caseOf(test);
        assertNotNull(c, test);
        Path bin = GuestPrograms.binary(Flavour.GLIBC, c.program());
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        ExitStatus status = run(bin, c, dir, seen);
        assertEquals(c.expectedStatus(), status.signalled() ? Signals.killedBy(status.signal()) : status.code(), test + " status");
        List<String> missing = new ArrayList<>();
        for (SyscallRegistry.Entry e : covered().get(test)) {
            if (!seen.contains(e.def().number())) missing.add(e.def().name());
        }
        assertEquals(List.of(), missing, test + " never makes these syscalls, yet the registry names it as covering them");
    }

    /** The case as CProgramsTest runs it (same fixture, arguments, environment and stdin), recording every call. */
    private static ExitStatus run(Path bin, CProgramsTest.Case c, Path dir, Set<Integer> seen) throws Exception {
        Fs.write(dir, "fixture.txt", "created by the test before the run\n");
        List<String> argv = new ArrayList<>();
        argv.add(bin.toString());
        argv.addAll(c.args());
        return Machine.builder()
                .program(bin.toString())
                .args(argv)
                .env(c.env())
                .cwd(dir.toString())
                .stdin(new ByteArrayInputStream(c.stdin()))
                .stdout(new ByteArrayOutputStream())
                .stderr(new ByteArrayOutputStream())
                .timeout(Duration.ofSeconds(60))
                .traceListener(r -> seen.add(r.number()))
                .build()
                .run();
    }
}
