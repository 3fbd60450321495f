package dev.jlibos.compat;

import dev.jlibos.kernel.ExitStatus;
import dev.jlibos.kernel.Machine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guest runs return everything they took: host fds, host threads; and a runaway guest is stopped. */
class MachineLifecycleTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private static long openHostFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static ExitStatus run(List<String> argv, ByteArrayOutputStream out) throws Exception {
        return Machine.builder().program(BUSYBOX.toString()).args(argv).stdout(out).stderr(out)
                .timeout(Duration.ofSeconds(30)).build().run();
    }

    @Test
    void repeatedRunsLeakNoHostFdsOrThreads() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        run(List.of("busybox", "true"), new ByteArrayOutputStream()); // warm up lazily created threads
        long fds = openHostFds();
        int threads = Thread.activeCount();
        for (int i = 0; i < 100; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // Files, a pipe between two processes, and a fork: every kind of host resource a run takes.
            ExitStatus s = run(List.of("busybox", "sh", "-c", "cat /etc/hostname | wc -c > /dev/null; ls / > /dev/null"), out);
            assertEquals(0, s.code(), out.toString());
        }
        Thread.sleep(200); // finished process threads unwind
        assertEquals(fds, openHostFds(), "host fds leaked");
        assertTrue(Thread.activeCount() <= threads + 1, "threads leaked: " + Thread.activeCount() + " vs " + threads);
    }

    @Test
    void aGuestSpinningForeverIsKilledAtItsTimeout() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        long start = System.nanoTime();
        ExitStatus s = Machine.builder().program(BUSYBOX.toString())
                .args(List.of("busybox", "sh", "-c", "while :; do :; done"))
                .timeout(Duration.ofMillis(500)).build().run();
        assertEquals(9, s.signal());
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
    }
}
