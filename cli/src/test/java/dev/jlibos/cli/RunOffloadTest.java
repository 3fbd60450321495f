package dev.jlibos.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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


    @Test
    void straceMarksForwardedCallsOnly() {
        // Prints nothing: a file is not newer than itself.
        InProcessCli r = InProcessCli.run("run", "--offload=all", "--strace", BUSYBOX.toString(), "find", "/etc/passwd", "-newer", "/etc/passwd");
        assertEquals(0, r.status(), r.stderr());
        String trace = r.stderr();
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
        InProcessCli r = InProcessCli.run("run", "--offload=none", "--strace", BUSYBOX.toString(), "find", "/etc/passwd", "-newer", "/etc/passwd");
        assertEquals(0, r.status(), r.stderr());
        assertFalse(r.stderr().contains("[host]"), r.stderr());
    }

    @Test
    void badPolicyIsAUsageError() {
        InProcessCli r = InProcessCli.run("run", "--offload=some", BUSYBOX.toString(), "true");
        assertEquals(2, r.status());
        assertTrue(r.stderr().contains("--offload must be none, auto or all"), r.stderr());
    }
}
