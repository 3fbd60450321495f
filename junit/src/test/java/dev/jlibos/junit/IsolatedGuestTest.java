package dev.jlibos.junit;

import dev.jlibos.host.unicorn.Unicorn;

import dev.jlibos.kernel.Snapshot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.jlibos.junit.GuestAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guests in a child JVM ({@link Guest#isolated}): same results as in-process, and an engine abort kills only the child. */
class IsolatedGuestTest {
    private static final String BUSYBOX = GuestRunner.BUSYBOX;
    /**
     * compat-tests' fuzz-regressions/engine-crash-far-jump-through-register.c: Unicorn 2.0.1 aborts on "ff e8"
     * (#1716), which these tests contain in the child JVM; 2.1 raises SIGILL as Linux does.
     */
    private static final String FAR_JUMP = """
            #include <stdio.h>
            int main(void) {
                puts("before");
                fflush(stdout);
                __asm__ volatile(".byte 0xff, 0xe8"); /* ljmp *%eax: #UD, SIGILL on Linux */
                puts("after");
                return 0;
            }
            """;

    private static void needBusybox() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "busybox-static not installed");
    }

    @Test
    void aGuestThatAbortsTheEngineKillsOnlyItsChildJvm(@TempDir Path dir) throws Exception {
        Path farJump = TestPrograms.compile(dir, "far-jump", FAR_JUMP);

        GuestResult r = Guest.program(farJump.toString()).isolated().run();

        if (Unicorn.pagedTlb()) { // 2.1: no abort to contain; CI's unicorn-2.0 run checks the containment
            assertThat(r).killedBy(4).stdoutIs("before\n");
            assertEquals(null, r.isolatedJvmFailure(), r.describe());
            return;
        }
        String line = r.isolatedJvmFailure();
        assertTrue(line != null && line.startsWith("the engine aborted the isolated JVM (exit 134, SIGABRT): ")
                && line.contains("tcg fatal error"), r.describe());
        assertEquals(line, r.statusText());
        assertFalse(line.contains("\n"), line);
        assertThat(r).killedBy(6).stdoutIs("before\n");
        assertTrue(r.describe().contains("output of the isolated JVM:"), r.describe());
        GuestAssertionError e = assertThrows(GuestAssertionError.class, () -> assertThat(r).exitedWith(0));
        assertTrue(e.getMessage().startsWith("expected the guest to exit with 0 but it was lost with its JVM: the engine aborted"),
                e.getMessage());
    }

    @JlibosTest(isolated = true)
    void anIsolatedTestRunsItsGuestsInChildJvms(GuestRunner guests) throws Exception {
        Path farJump = TestPrograms.compile(guests.workDir(), "far-jump", FAR_JUMP);

        GuestResult r = guests.program(farJump.toString()).run();

        assertTrue(guests.lastResult() == r, "the runner saw the result");
        if (Unicorn.pagedTlb()) {
            assertThat(r).killedBy(4).stdoutIs("before\n");
            return;
        }
        assertTrue(r.isolatedJvmFailure().startsWith("the engine aborted the isolated JVM"), r.describe());
        assertTrue(guests.lastResult() == r, "the runner saw the result");
    }

    @Test
    void anOrdinaryGuestGivesTheSameResultIsolatedAsInProcess(@TempDir Path host) throws Exception {
        needBusybox();
        Files.writeString(host.resolve("input"), "from the host\n");
        Guest guest = Guest.program(BUSYBOX).argv0("sh")
                .args("-c", "cat /etc/motd /data/input; read line; echo \"$GREETING $line\"; echo oops >&2;"
                        + " echo written > /data/out; echo tmp > /scratch/f; exit 3")
                .env("GREETING", "hello").stdin("stdin line\n").file("/etc/motd", "in-memory file\n")
                .mount(host, "/data").tmpfs("/scratch").traceAll();

        GuestResult here = guest.run();
        Files.delete(host.resolve("out"));
        GuestResult isolated = guest.copy().isolated().run();

        assertThat(here).exitedWith(3).stdoutIs("in-memory file\nfrom the host\nhello stdin line\n");
        assertEquals("oops\n", here.stderrText());
        assertThat(isolated).exitedWith(3);
        assertArrayEquals(here.stdout(), isolated.stdout());
        assertArrayEquals(here.stderr(), isolated.stderr());
        assertEquals(here.argv(), isolated.argv());
        assertEquals(here.exceededLimits(), isolated.exceededLimits());
        assertNull(isolated.isolatedJvmFailure());
        assertEquals("written\n", Files.readString(host.resolve("out")), "a host mount is written by the child");
        // The trace crosses the child JVM whole; the order of two processes' calls (parent's clone, child's
        // first calls) and the number of polls of a pipe depend on timing, so compare which calls were made.
        assertTrue(isolated.syscallCount() > 0, isolated.describe());
        assertEquals(new java.util.TreeSet<>(here.trace().stream().map(c -> c.name()).toList()),
                new java.util.TreeSet<>(isolated.trace().stream().map(c -> c.name()).toList()));
        assertTrue(isolated.traceComplete());
        assertEquals("tmp\n", here.fileText("/scratch/f"));
        assertNull(isolated.fileText("/scratch/f"), "the child's sandbox is gone");
    }

    @Test
    void theGuestTimeoutStillEndsTheGuestInsideTheChild() {
        needBusybox();
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "echo started; while :; do :; done")
                .timeout(Duration.ofSeconds(2)).isolated().run();

        assertThat(r).killedBy(9).stdoutIs("started\n");
        assertTrue(r.timedOut(), r.describe());
        assertNull(r.isolatedJvmFailure(), "the child reported the timeout itself");
    }

    @Test
    void aChildJvmThatOverrunsTheTimeoutIsKilled() {
        needBusybox();
        // No grace: the parent's deadline falls before the guest's own (which starts once the child JVM is up).
        GuestResult r = Guest.program(BUSYBOX).args("sh", "-c", "while :; do :; done")
                .timeout(Duration.ofSeconds(2)).isolationGrace(Duration.ZERO).isolated().run();

        assertTrue(r.isolatedJvmFailure() != null && r.isolatedJvmFailure().startsWith(
                "the isolated JVM was killed (SIGKILL) after 2000 ms"), r.describe());
        assertThat(r).killedBy(9);
        assertTrue(r.timedOut());
        assertTrue(r.elapsed().toSeconds() < 15, r.describe());
    }

    @Test
    void aProgramThatCannotStartFailsAsInProcess() {
        GuestLaunchException here = assertThrows(GuestLaunchException.class, () -> Guest.program("/no/such/program").run());
        GuestLaunchException isolated = assertThrows(GuestLaunchException.class,
                () -> Guest.program("/no/such/program").isolated().run());
        assertEquals(here.getMessage(), isolated.getMessage());
    }

    @Test
    void anIsolatedGuestCannotBeSnapshotted() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Guest.program(BUSYBOX).isolated().snapshot(Snapshot.Point.firstReadOfStdin()));
        assertTrue(e.getMessage().contains("isolated"), e.getMessage());
    }
}
