package dev.jlibos.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jlibos batch FILE}: many guests in one JVM, each with its own output and status. */
class BatchCommandTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @Test
    void splitsWordsAsAShellWould() {
        assertEquals(List.of("echo", "a b", "c", "d\"e", "f g"), BatchCommand.split("echo 'a b'  c \"d\\\"e\" f\\ g"));
        assertEquals(List.of("x", ""), BatchCommand.split("x ''"));
        assertThrows(IllegalArgumentException.class, () -> BatchCommand.split("echo 'open"));
    }

    @Test
    void eachCommandGetsItsOwnOutputAndStatus(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static not installed");
        Path list = dir.resolve("commands");
        Files.writeString(list, "# comment\n\n" + BUSYBOX + " echo 'first one'\n" + BUSYBOX + " sh -c 'echo err >&2; exit 3'\n"
                + "/nonexistent/program\n" + BUSYBOX + " echo last\n");
        Path out = dir.resolve("out");
        InProcessCli r = InProcessCli.run("batch", "--out", out.toString(), list.toString());
        assertEquals(1, r.status(), r.stderr());
        assertEquals("first one\n", Files.readString(out.resolve("1.out")));
        assertEquals("err\n", Files.readString(out.resolve("2.err")));
        assertEquals("last\n", Files.readString(out.resolve("4.out")));
        assertTrue(r.stderr().contains("jlibos batch: 4 commands, 2 failed"), r.stderr());
        assertTrue(r.stderr().lines().anyMatch(l -> l.matches("\\s+2\\s+3\\s+.*ms.*exit 3'")), r.stderr());
        assertTrue(r.stderr().lines().anyMatch(l -> l.matches("\\s+3\\s+127\\s+.*")), r.stderr());
    }
}
