package dev.jlibos.junit;

import dev.jlibos.syscalls.trace.SyscallRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fluent runner and its result, used without the JUnit extension. */
class GuestTest {
    static final String BUSYBOX = "/bin/busybox";

    @BeforeAll
    static void needBusybox() {
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of(BUSYBOX)), "busybox-static not installed");
    }

    @Test
    void echoGivesStdoutAndExitCode() {
        GuestResult r = Guest.program(BUSYBOX).args("echo", "hi").run();
        assertEquals("hi\n", r.stdoutText(), r.describe());
        assertEquals(0, r.exitCode());
        assertTrue(r.exited());
        assertEquals("exited with 0", r.statusText());
    }

    @Test
    void deterministicGuestsSeeAVirtualClockAndSeededRandomness() {
        java.util.function.LongFunction<GuestResult> run = seed -> Guest.program(BUSYBOX)
                .args("sh", "-c", "date -u; hostname; id -u; head -c 8 /dev/urandom | od -An -tx1; sleep 5; date -u +%s")
                .deterministic(seed).run();
        GuestResult a = run.apply(1), b = run.apply(1), c = run.apply(2);
        assertEquals(0, a.exitCode(), a.describe());
        List<String> lines = a.stdoutText().lines().toList();
        assertEquals("Mon Jan  1 00:00:00 UTC 2024", lines.get(0), a.describe());
        assertEquals(List.of("jlibos", "1000"), lines.subList(1, 3));
        assertEquals("1704067205", lines.get(4), "sleep 5 advanced the virtual clock by 5 s");
        assertEquals(a.stdoutText(), b.stdoutText());
        assertFalse(a.stdoutText().equals(c.stdoutText()), "another seed, other random bytes");
    }

    @Test
    void runsFromASnapshotEachGetTheirOwnInput() {
        try (GuestSnapshot s = Guest.program(BUSYBOX).args("sh", "-c", "read line; echo \"got $line\"; x=$line; echo ${#x}")
                .snapshot(dev.jlibos.kernel.Snapshot.Point.firstReadOfStdin())) {
            for (String input : List.of("one", "three", "seventeen")) {
                GuestResult r = s.run(input + "\n");
                assertEquals(0, r.exitCode(), r.describe());
                assertEquals("got " + input + "\n" + input.length() + "\n", r.stdoutText());
            }
        }
    }

    @Test
    void sha256sumOfStdin() throws Exception {
        byte[] input = new byte[100_000];
        new java.util.Random(42).nextBytes(input);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        GuestResult r = Guest.program(BUSYBOX).args("sha256sum").stdin(input).run();
        assertEquals(expected + "  -\n", r.stdoutText(), r.describe());
    }

    @Test
    void environmentAndArgv0() {
        GuestResult r = Guest.program(BUSYBOX).argv0("sh").args("-c", "echo $GREETING $0; exit 3")
                .env("GREETING", "hello").run();
        assertEquals("hello sh\n", r.stdoutText(), r.describe());
        assertEquals(3, r.exitCode());
    }

    @Test
    void traceAllKeepsEveryCallWithStraceText() {
        GuestResult r = Guest.program(BUSYBOX).args("cat", "/nonexistent/file").traceAll().run();
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(r.traceComplete());
        assertEquals(r.syscallCount(), r.trace().size());
        SyscallRecord open = r.trace().stream().filter(c -> c.text().contains("/nonexistent/file")).findFirst().orElseThrow();
        assertEquals("ENOENT", open.errnoName(), open.toString());
        assertEquals(-2, open.result());
        assertEquals("exit_group", r.trace().get(r.trace().size() - 1).name());
        assertTrue(r.stderrText().contains("No such file or directory"), r.stderrText());
    }

    @Test
    void execveIsTracedWithItsArgumentsThoughTheirMemoryIsGone() {
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "exec /bin/busybox echo replaced").traceAll().run();
        assertEquals("replaced\n", r.stdoutText(), r.describe());
        SyscallRecord exec = r.syscalls("execve").get(0);
        assertTrue(exec.text().startsWith("execve(\"/bin/busybox\", [\"/bin/busybox\", \"echo\", \"replaced\"], "), exec.text());
        assertTrue(exec.text().endsWith(") = 0"), exec.text());
    }

    @Test
    void theDefaultTraceKeepsTheLastTwentyCalls() {
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done").run();
        assertEquals(Guest.DEFAULT_TRACE_TAIL, r.trace().size());
        assertTrue(r.syscallCount() > Guest.DEFAULT_TRACE_TAIL);
        assertFalse(r.traceComplete());
        String report = r.describe();
        assertTrue(report.contains("last 20 of " + r.syscallCount() + " syscalls:"), report);
        assertTrue(report.contains("] exit_group(0) = ?"), report);
    }

    @Test
    void outputBeyondTheCapIsCountedNotKept() {
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "yes | head -c 100000").maxOutput(1000).run();
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(1000, r.stdout().length);
        assertEquals(99_000, r.stdoutDropped());
    }

    @Test
    void sandboxFilesLiveUntilTheResultIsClosed() {
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "tr a-z A-Z < /in/x > /out/y").file("/in/x", "abc")
                .tmpfs("/out").run();
        assertEquals("ABC", r.fileText("/out/y"), r.describe());
        assertEquals("abc", r.fileText("/in/x"));
        r.close();
        assertEquals(null, r.file("/out/y"));
        r.close(); // twice is harmless
    }

    @Test
    void aMissingProgramCannotLaunch() {
        GuestLaunchException e = assertThrows(GuestLaunchException.class, () -> Guest.program("/nonexistent/prog").run());
        assertTrue(e.getMessage().contains("/nonexistent/prog"), e.getMessage());
    }

    @Test
    void twoGuestsInParallelKeepTheirOutputsApart() throws Exception {
        String loop = "i=0; while [ $i -lt 300 ]; do echo %s$i; i=$((i+1)); done";
        Guest a = Guest.program(BUSYBOX).args("sh", "-c", loop.formatted("a"));
        Guest b = Guest.program(BUSYBOX).args("sh", "-c", loop.formatted("b"));
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<GuestResult> fa = pool.submit(() -> { start.await(); return a.run(); });
            Future<GuestResult> fb = pool.submit(() -> { start.await(); return b.run(); });
            GuestResult ra = fa.get(), rb = fb.get();
            assertEquals(expected("a"), ra.stdoutText(), ra.describe());
            assertEquals(expected("b"), rb.stdoutText(), rb.describe());
            // Each machine has its own pid namespace: both first processes are pid 1000.
            assertTrue(ra.trace().stream().allMatch(c -> c.pid() == 1000));
            assertTrue(rb.trace().stream().allMatch(c -> c.pid() == 1000));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String expected(String prefix) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) sb.append(prefix).append(i).append('\n');
        return sb.toString();
    }

    @Test
    void theSameGuestRunsTwiceIndependently() {
        Guest g = Guest.program(BUSYBOX).args("tr", "a-z", "A-Z").stdin("one\n");
        List<GuestResult> runs = List.of(g.run(), g.copy().stdin("two\n").run(), g.run());
        assertEquals(List.of("ONE\n", "TWO\n", "ONE\n"), runs.stream().map(GuestResult::stdoutText).toList());
    }
}
