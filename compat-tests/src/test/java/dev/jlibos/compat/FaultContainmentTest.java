package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.syscall.FaultInjection;
import dev.jlibos.syscalls.Sysno;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, fault containment: whatever a syscall handler throws becomes a logged internal error and EIO
 * for the guest (SIGSYS as well with --debug), never an exception out of the engine hook; the JVM and
 * the next guest are unaffected. The failing handler is injected with {@link FaultInjection}.
 */
class FaultContainmentTest {
    record Run(ExitStatus status, String output, String diagnostics) {}

    @BeforeAll
    static void needsBusybox() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")));
    }

    /** busybox cat of an in-memory file: openat is the one call whose failure it reports. */
    private static Run cat(boolean debug) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), log = new ByteArrayOutputStream();
        try (Machine m = Machine.builder().program("/bin/busybox").args(List.of("cat", "/data")).sandbox()
                .file("/data", "Linux\n".getBytes(StandardCharsets.US_ASCII))
                .stdout(out).stderr(out).diagnostics(new PrintStream(log, true, StandardCharsets.UTF_8)).debug(debug)
                .timeout(Duration.ofSeconds(20)).build()) {
            ExitStatus s = m.run();
            return new Run(s, out.toString(StandardCharsets.UTF_8), log.toString(StandardCharsets.UTF_8));
        }
    }

    private static Run openFailingWith(Supplier<Throwable> failure, boolean debug) throws Exception {
        try (FaultInjection ignored = FaultInjection.failing(Sysno.OPENAT, failure)) {
            return cat(debug);
        }
    }

    @Test
    void aHandlerThrowingGivesTheGuestEioAndALogLine() throws Exception {
        Run r = openFailingWith(() -> new IllegalStateException("injected"), false);
        assertEquals(1, r.status().code(), r.toString());
        assertTrue(r.output().contains("Input/output error"), r.output());
        assertTrue(r.diagnostics().contains("internal error in openat: java.lang.IllegalStateException: injected (returning EIO)"),
                r.diagnostics());
        // The next guest in this JVM is unaffected.
        Run after = cat(false);
        assertEquals(0, after.status().code());
        assertEquals("Linux\n", after.output());
    }

    @Test
    void assertionsAndStackOverflowsAreContainedToo() throws Exception {
        for (Supplier<Throwable> f : List.<Supplier<Throwable>>of(() -> new AssertionError("injected"),
                StackOverflowError::new, () -> new NullPointerException())) {
            Run r = openFailingWith(f, false);
            assertEquals(1, r.status().code(), r.toString());
            assertTrue(r.diagnostics().contains("internal error in openat"), r.diagnostics());
        }
    }

    @Test
    void runningOutOfJavaHeapIsEnomem() throws Exception {
        Run r = openFailingWith(() -> new OutOfMemoryError("injected"), false);
        assertEquals(1, r.status().code(), r.toString());
        assertTrue(r.output().contains("Out of memory") || r.output().contains("Cannot allocate memory"), r.output());
    }

    @Test
    void withDebugTheGuestGetsSigsys() throws Exception {
        Run r = openFailingWith(() -> new IllegalStateException("injected"), true);
        assertEquals(31, r.status().signal(), r.toString());
        assertTrue(r.diagnostics().contains("sending SIGSYS"), r.diagnostics());
        assertTrue(r.diagnostics().contains("java.lang.IllegalStateException: injected"), r.diagnostics());
    }
}
