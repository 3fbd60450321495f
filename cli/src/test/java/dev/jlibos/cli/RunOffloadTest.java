package dev.jlibos.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jlibos run --offload=... --strace}: forwarded calls are marked, never the JVM-touching ones. */
class RunOffloadTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @BeforeAll
    static void needBusybox() {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox not installed");
    }

    private static Object[] run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.commandLine().execute(args);
            return new Object[] {status, err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void straceMarksForwardedCallsOnly() {
        // Prints nothing: a file is not newer than itself.
        Object[] r = run("run", "--offload=all", "--strace", BUSYBOX.toString(), "find", "/etc/passwd", "-newer", "/etc/passwd");
        assertEquals(0, r[0], (String) r[1]);
        String trace = (String) r[1];
        boolean stat = false;
        for (String line : trace.split("\n")) {
            if (line.startsWith("newfstatat(AT_FDCWD, \"/etc/passwd\"")) {
                assertTrue(line.endsWith(" [host]"), line);
                stat = true;
            }
            for (String never : new String[] {"mmap(", "brk(", "mprotect(", "arch_prctl(", "set_tid_address(",
                    "prlimit64(", "exit_group(", "getuid("}) {
                if (line.startsWith(never)) assertFalse(line.endsWith("[host]"), line);
            }
        }
        assertTrue(stat, trace);
    }

    @Test
    void noneForwardsNothing() {
        Object[] r = run("run", "--offload=none", "--strace", BUSYBOX.toString(), "find", "/etc/passwd", "-newer", "/etc/passwd");
        assertEquals(0, r[0], (String) r[1]);
        assertFalse(((String) r[1]).contains("[host]"), (String) r[1]);
    }

    @Test
    void badPolicyIsAUsageError() {
        Object[] r = run("run", "--offload=some", BUSYBOX.toString(), "true");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--offload must be none, auto or all"), (String) r[1]);
    }
}
