package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SyscallPath#TRAP}: every syscall stops the engine and the thread's run loop serves it, so RIP
 * crosses the Java/engine boundary on each call. A cross-section of CProgramsTest's differential cases runs
 * that way against Linux, chosen for what the run loop must get right: the return address (every call),
 * exit and exit_group, execve's new entry point, fork and clone children starting after their syscall,
 * signal handlers entered and left, SA_RESTART re-running a blocked read (signals.c), blocking waits and
 * preemption between threads.
 */
class TrapPathTest {
    private static final Set<String> LABELS = Set.of("stdio", "files", "pipe", "process", "signals",
            "events ppoll-signal", "threads mutex", "threads condvar", "threads fork", "threads exec",
            "threads pthread-kill", "threads spin", "threads exit-status", "spawn posix-spawn", "jobctl stop-self",
            "timers periodic", "sockets socketpair", "exit 42",
            "fault null");
    /** musl makes its syscalls inline rather than through a few wrappers: a second layout of call sites. */
    private static final Set<String> MUSL_LABELS = Set.of("stdio", "process", "signals", "threads mutex");

    private static final GuestRunner TRAP = new JlibosRunner(Duration.ofSeconds(60), SyscallPath.TRAP);

    static Stream<Arguments> programs() {
        List<Arguments> out = new ArrayList<>();
        for (CProgramsTest.Case c : CProgramsTest.cases()) {
            if (LABELS.contains(c.label())) out.add(Arguments.of(Flavour.GLIBC, c));
            if (MUSL_LABELS.contains(c.label())) out.add(Arguments.of(Flavour.MUSL, c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("programs")
    void matchesLinux(Flavour flavour, CProgramsTest.Case c) throws Exception {
        Path bin = GuestPrograms.binary(flavour, c.program());
        Scenario.Builder b = new Scenario.Builder("trap-" + flavour + "-" + c.label())
                .fixture(dir -> Fs.write(dir, "fixture.txt", "created by the test before the run\n"))
                .step(bin, c.args(), c.env(), c.stdin(), c.expectedStatus());
        if (!c.compareStdout()) b.statusOnly();
        Differential.check(b.build(), TRAP);
    }

    /** Every chosen label still names a case: a renamed case must not silently drop out of this test. */
    @Test
    void everyChosenCaseExists() {
        Set<String> labels = new java.util.HashSet<>();
        for (CProgramsTest.Case c : CProgramsTest.cases()) labels.add(c.label());
        assertEquals(Set.of(), difference(LABELS, labels));
        assertEquals(Set.of(), difference(MUSL_LABELS, labels));
    }

    /** Like the hook path, the trap path maps no vDSO: libc's clock calls are syscalls too. */
    @Test
    void mapsNoVdso() throws Exception {
        Path bin = GuestPrograms.binary(Flavour.GLIBC, "vdso");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(bin.toString()).args(List.of(bin.toString(), "probe")).stdout(out)
                .syscallPath(SyscallPath.TRAP).timeout(Duration.ofSeconds(60)).build().run();
        assertEquals(0, s.code());
        assertEquals("AT_SYSINFO_EHDR present: no\nPASSED: 0 failure(s)\n", out.toString(StandardCharsets.UTF_8));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new java.util.TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
