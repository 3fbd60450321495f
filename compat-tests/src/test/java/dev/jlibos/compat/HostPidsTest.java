package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest pids outside a sandbox and deterministic mode are unique on the host (issue 16): two machines
 * running at once name their processes differently, and each pid, while its process runs, is a host tid
 * of this JVM (so no host process can hold it). Sandboxes and deterministic runs keep their own numbering.
 */
class HostPidsTest {
    private static final Path BUSYBOX = BusyboxTest.BUSYBOX;

    @Test
    void twoMachinesAtOnceGetPidsTheHostHasNotGivenElsewhere() throws Exception {
        BusyboxTest.busyboxPresent();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<LinkedBlockingQueue<String>> lines = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
            List<Future<ExitStatus>> runs = new ArrayList<>();
            for (LinkedBlockingQueue<String> out : lines) {
                // The shell prints its pid and a child's, then waits for the test to look at them.
                runs.add(pool.submit(() -> run(Machine.builder().program(BUSYBOX.toString())
                        .args(List.of("sh", "-c", "echo $$; sh -c 'echo $$; sleep 3' & wait"))
                        .stdout(linesTo(out)).stderr(OutputStream.nullOutputStream()))));
            }
            List<Integer> pids = new ArrayList<>();
            for (LinkedBlockingQueue<String> out : lines) {
                for (int i = 0; i < 2; i++) {
                    String line = out.poll(60, TimeUnit.SECONDS);
                    assertNotNull(line, "the guest printed no pid");
                    int pid = Integer.parseInt(line.trim());
                    assertTrue(Files.exists(Path.of("/proc/self/task/" + pid)),
                            "guest pid " + pid + " is not a thread of this JVM on the host");
                    pids.add(pid);
                }
            }
            assertEquals(pids.size(), pids.stream().distinct().count(), "pids " + pids);
            for (Future<ExitStatus> r : runs) assertEquals(0, r.get(60, TimeUnit.SECONDS).code());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sandboxesAndDeterministicRunsKeepTheirOwnNumbering() throws Exception {
        BusyboxTest.busyboxPresent();
        for (Machine.Builder b : List.of(Machine.builder().sandbox(),
                Machine.builder().deterministic(1))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            b.program(BUSYBOX.toString()).args(List.of("sh", "-c", "echo $$")).stdout(out);
            assertEquals(0, run(b).code());
            assertEquals("1000", out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private static ExitStatus run(Machine.Builder b) throws Exception {
        try (Machine m = b.build()) {
            return m.run();
        }
    }

    /** An stdout that hands each complete line to {@code sink}. */
    private static OutputStream linesTo(LinkedBlockingQueue<String> sink) {
        return new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    sink.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
        };
    }
}
