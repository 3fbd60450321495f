package dev.jlibos.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jlibos run --trace-json FILE} and {@code --stats}, run in-process. The guests used write nothing
 * to stdout, which the CLI connects to the JVM's own fd 1.
 */
class RunObservabilityTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @BeforeAll
    static void needBusybox() {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox not installed");
    }


    @Test
    void traceJsonHasOneObjectPerSyscallWithErrnoAndText(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        InProcessCli r = InProcessCli.run("run", "--trace-json", trace.toString(), BUSYBOX.toString(), "test", "-e", "/nonexistent/x");
        assertEquals(1, r.status(), "busybox test -e on a missing file exits 1; stderr: " + r.stderr());
        List<String> lines = Files.readAllLines(trace);
        assertTrue(lines.size() >= 2, "too few records: " + lines);
        // Outside a sandbox the guest's pid is the host tid of the thread that runs it: one single-threaded process.
        String first = lines.get(0).substring(0, lines.get(0).indexOf(",\"nr\":") + 1);
        assertTrue(first.matches("\\{\"pid\":(\\d+),\"tid\":\\1,"), first);
        for (String line : lines) {
            assertTrue(line.startsWith(first + "\"nr\":") && line.endsWith("}"), line);
            assertTrue(line.contains("\"duration_ns\":") && line.contains("\"start_ns\":") && line.contains("\"args\":["), line);
        }
        assertTrue(lines.get(lines.size() - 1).contains("\"name\":\"exit_group\""), "last record: " + lines.get(lines.size() - 1));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"errno\":\"ENOENT\"") && l.contains("\\\"/nonexistent/x\\\"")
                        && l.contains("\"result\":-2")),
                "no failed lookup of /nonexistent/x in:\n" + String.join("\n", lines));
    }

    @Test
    void statsPrintsAStraceCTableSortedByTime() {
        InProcessCli r = InProcessCli.run("run", "--stats", BUSYBOX.toString(), "test", "-e", "/nonexistent/x");
        String err = r.stderr();
        List<String> lines = err.lines().toList();
        int header = lines.indexOf("% time     seconds  usecs/call     calls    errors syscall");
        assertTrue(header >= 0, "no table header in:\n" + err);
        String total = lines.get(lines.size() - 1);
        assertTrue(total.startsWith("100.00 ") && total.endsWith(" total"), "total line: " + total + "\n" + err);
        String[] totals = total.trim().split(" +");
        assertTrue(Integer.parseInt(totals[4]) >= 1, "the failed lookup counts as an error:\n" + err);
        List<String> rows = lines.subList(header + 2, lines.size() - 2);
        assertTrue(rows.stream().anyMatch(l -> l.endsWith(" exit_group")), err);
        double previous = Double.MAX_VALUE;
        for (String row : rows) {
            double seconds = Double.parseDouble(row.trim().split(" +")[1]);
            assertTrue(seconds <= previous, "not sorted by time:\n" + err);
            previous = seconds;
        }
    }
}
