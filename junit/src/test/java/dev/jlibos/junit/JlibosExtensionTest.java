package dev.jlibos.junit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.jlibos.junit.GuestAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** The extension as a user writes tests with it. */
class JlibosExtensionTest {
    @BeforeEach
    void needBusybox() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(GuestRunner.BUSYBOX)), "busybox-static not installed");
    }

    @JlibosTest
    void sha256sumOfStdinHasTheKnownHash(GuestRunner guests) throws Exception {
        byte[] data = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertEquals("d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592", hash);

        GuestResult r = guests.busybox("sha256sum").stdin(data).run();

        assertThat(r).exitedWith(0).stdoutIs(hash + "  -\n").stderrIsEmpty().withinLimits();
    }

    @JlibosTest(timeoutSeconds = 2)
    void aGuestLoopingForeverIsKilledAtTheTimeout(GuestRunner guests) throws Exception {
        Path loop = TestPrograms.compile(guests.workDir(), "loop", "int main(void) { volatile unsigned long n = 0; for (;;) n++; }");
        long start = System.nanoTime();

        GuestResult r = guests.program(loop.toString()).run();

        assertThat(r).timedOut().killedBy(9);
        assertTrue(r.statusText().contains("timeout"), r.statusText());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    @JlibosTest
    void twoGuestsRunInParallelWithTheirOwnOutput(GuestRunner guests) {
        String count = "i=0; while [ $i -lt 200 ]; do echo %s $i; i=$((i+1)); done";

        List<GuestResult> rs = guests.runAll(guests.sh(count.formatted("left")), guests.sh(count.formatted("right")));

        for (String side : List.of("left", "right")) {
            GuestResult r = rs.get(side.equals("left") ? 0 : 1);
            assertThat(r).exitedWith(0);
            List<String> lines = r.stdoutText().lines().toList();
            assertEquals(200, lines.size(), r.describe());
            for (int i = 0; i < 200; i++) assertEquals(side + " " + i, lines.get(i));
        }
        assertEquals(2, guests.results().size());
    }

    @JlibosTest
    void sha256sumOfAnInMemoryFile(GuestRunner guests) {
        GuestResult r = guests.busybox("sha256sum", "/data/fox.txt")
                .file("/data/fox.txt", "The quick brown fox jumps over the lazy dog").run();

        assertThat(r).exitedWith(0)
                .stdoutIs("d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592  /data/fox.txt\n");
    }

    @JlibosTest
    void theGuestCannotSeeTheHostFilesystem(GuestRunner guests) throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/etc/passwd")), "the host has no /etc/passwd");

        GuestResult r = guests.sh("ls /; cat /etc/passwd; ls /home /root /tmp").run();

        assertThat(r).stderrContains("can't open '/etc/passwd': No such file or directory")
                .stdoutHasLineMatching("work").stdoutHasLineMatching("proc");
        assertTrue(r.stdoutText().lines().noneMatch(l -> l.equals("etc") || l.equals("usr") || l.equals("home")),
                r.stdoutText());
    }

    @JlibosTest
    void eachTestStartsInAnEmptyWorkDirectoryOfItsOwn(GuestRunner guests) throws Exception {
        GuestResult r = guests.sh("ls -A; pwd; echo data > made-by-guest.txt").run();

        assertThat(r).exitedWith(0).stdoutIs("/work\n");
        assertEquals("data\n", Files.readString(guests.workDir().resolve("made-by-guest.txt")));
    }

    @Test
    void theWorkDirectoryIsRemovedEvenWhenAGuestLockedItsContents() throws Exception {
        GuestRunner guests = new GuestRunner(Duration.ofSeconds(30));
        assertThat(guests.sh("mkdir -p locked/inner && echo x > locked/inner/f && chmod 0 locked/inner locked").run())
                .exitedWith(0);
        guests.close();
        assertTrue(Files.notExists(guests.workDir()), "left behind: " + guests.workDir());
    }

    @JlibosTest
    void filesWrittenToTmpfsAreReadFromTheResult(GuestRunner guests) {
        GuestResult r = guests.sh("mkdir /out/sub && echo 42 > /out/sub/answer && cp /in/src.txt /out/copy.txt")
                .tmpfs("/out").file("/in/src.txt", "copied\n").run();

        assertThat(r).exitedWith(0).fileIs("/out/sub/answer", "42\n").fileIs("/out/copy.txt", "copied\n")
                .hasNoFile("/out/missing");
    }

    @JlibosTest
    void aReadOnlyMountRefusesWrites(GuestRunner guests) throws Exception {
        Path data = Files.createDirectories(guests.workDir().resolve("ro"));
        Files.writeString(data.resolve("a.txt"), "A");

        GuestResult r = guests.sh("cat /ro/a.txt; echo B > /ro/a.txt").mountReadOnly(data, "/ro").run();

        assertThat(r).stdoutIs("A").stderrContains("Read-only file system");
        assertEquals("A", Files.readString(data.resolve("a.txt")));
    }

    @JlibosTest
    void dynamicProgramsRunWithTheHostSystemDirectories(GuestRunner guests) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/usr/bin/sort")));

        // bash, not dash: dash exec'ing a dynamic ls crashes it under jlibos today, sandbox or not.
        GuestResult r = guests.program("/bin/bash").argv0("bash").args("-c", "ls /data | sort -r; test -e /etc/passwd || echo no-etc")
                .file("/data/a.txt", "a").file("/data/b.txt", "b").hostSystemDirs().run();

        assertThat(r).exitedWith(0).stdoutIs("b.txt\na.txt\nno-etc\n");
    }

    @JlibosTest
    void theHostFilesystemOnRequest(GuestRunner guests) throws Exception {
        Path hostname = Path.of("/etc/hostname");
        Assumptions.assumeTrue(Files.isReadable(hostname));

        GuestResult r = guests.busybox("cat", hostname.toString()).hostFilesystem().run();

        assertThat(r).exitedWith(0).stdoutIs(Files.readString(hostname));
    }

    @JlibosTest
    void assertionsOnTheTrace(GuestRunner guests) {
        GuestResult r = guests.busybox("cat", "/etc/motd").file("/etc/motd", "hello").traceAll().run();

        assertThat(r).exitedWith(0).stdoutIs("hello")
                .madeSyscall("openat", c -> c.text().contains("\"/etc/motd\"") && !c.failed())
                .madeNoSyscall("fork");
    }

    /** Tests that fail on purpose, run through the JUnit launcher by {@link #failureMessagesShowStatusStderrAndSyscalls}. */
    @EnabledIfSystemProperty(named = "jlibos.failing-demo", matches = "on")
    static class FailingDemo {
        @JlibosTest
        void guestAssertionFails(GuestRunner guests) {
            assertThat(guests.busybox("cat", "/nonexistent/input.txt").run()).exitedWith(0);
        }

        @JlibosTest
        void plainAssertionFails(GuestRunner guests) {
            GuestResult r = guests.sh("echo something went wrong >&2; exit 2").run();
            assertEquals(0, r.exitCode());
        }
    }

    @Test
    void failureMessagesShowStatusStderrAndSyscalls() {
        Map<String, Throwable> failures = runFailingDemo();

        Throwable guest = failures.get("guestAssertionFails");
        assertInstanceOf(GuestAssertionError.class, guest);
        String m = guest.getMessage();
        assertTrue(m.startsWith("expected the guest to exit with 0 but it exited with 1"), m);
        assertTrue(m.contains("guest: busybox cat /nonexistent/input.txt"), m);
        assertTrue(m.contains("  | cat: can't open '/nonexistent/input.txt': No such file or directory"), m);
        assertTrue(m.matches("(?s).*\nsyscalls \\(\\d+\\):\n.*"), m);
        assertTrue(m.contains("\"/nonexistent/input.txt\", O_RDONLY) = -1 ENOENT (No such file or directory)"), m);
        assertTrue(m.contains("] exit_group(1) = ?"), m);

        Throwable plain = failures.get("plainAssertionFails");
        assertInstanceOf(org.opentest4j.AssertionFailedError.class, plain);
        assertEquals(1, plain.getSuppressed().length, Arrays.toString(plain.getSuppressed()));
        String report = plain.getSuppressed()[0].getMessage();
        assertTrue(report.contains("status: exited with 2"), report);
        assertTrue(report.contains("  | something went wrong"), report);
    }

    private static Map<String, Throwable> runFailingDemo() {
        System.setProperty("jlibos.failing-demo", "on");
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(FailingDemo.class)).build();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, listener);
            return listener.getSummary().getFailures().stream().collect(Collectors.toMap(
                    f -> f.getTestIdentifier().getDisplayName().replaceAll("\\(.*", ""),
                    TestExecutionSummary.Failure::getException));
        } finally {
            System.clearProperty("jlibos.failing-demo");
        }
    }

    @Test
    void aRunnerWorksOutsideJUnitToo() throws Exception {
        try (GuestRunner guests = new GuestRunner(Duration.ofSeconds(30))) {
            assertThat(guests.busybox("echo", "plain").run()).exitedWith(0).stdoutIs("plain\n");
        }
    }
}
