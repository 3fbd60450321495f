package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExitStatus;
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
        EnginePool.shared().clear(); // the pool's engines and images are held on purpose, not leaked
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

    private static long guestThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("jlibos-")
                        && !t.getName().equals("jlibos-scheduler") && !t.getName().equals("jlibos-watchdog")
                        && !t.getName().equals("jlibos-timers") && !t.getName().equals("jlibos-vvar"))
                .count();
    }

    private static ExitStatus runThreads(String mode, Duration timeout) throws Exception {
        Path bin = GuestPrograms.binary(GuestPrograms.Flavour.GLIBC, "threads");
        return Machine.builder().program(bin.toString()).args(List.of("threads", mode))
                .stdout(new ByteArrayOutputStream()).timeout(timeout).build().run();
    }

    @Test
    void threadedRunsLeakNoHostThreadsOrFds() throws Exception {
        runThreads("tids", Duration.ofSeconds(30));
        EnginePool.shared().clear(); // the pool's engines and images are held on purpose, not leaked
        long fds = openHostFds();
        long blocks = dev.jlibos.host.memory.MmapHostMemory.liveBlocks();
        for (int i = 0; i < 5; i++) {
            // 80 guest threads per run, each with its own engine and host thread.
            assertEquals(0, runThreads("many", Duration.ofSeconds(60)).code());
        }
        assertEquals(0, runThreads("fork", Duration.ofSeconds(60)).code());
        Thread.sleep(200);
        EnginePool.shared().clear();
        assertEquals(0, guestThreadsAlive(), "guest host threads left running");
        assertEquals(fds, openHostFds(), "host fds leaked");
        assertEquals(blocks, dev.jlibos.host.memory.MmapHostMemory.liveBlocks(), "host memory blocks leaked");
    }

    /** Issue 4's stress test: 200 fork/exec/wait cycles and 50+ threads leave no engine, host memory, thread or fd behind. */
    @Test
    void forkExecCyclesAndThreadsLeakNoEnginesThreadsOrFds() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        run(List.of("busybox", "true"), new ByteArrayOutputStream()); // warm up lazily created threads
        EnginePool.shared().clear(); // the pool's engines and images are held on purpose, not leaked
        long fds = openHostFds();
        int engines = dev.jlibos.host.unicorn.UnicornCpu.liveEngines();
        long blocks = dev.jlibos.host.memory.MmapHostMemory.liveBlocks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(BUSYBOX.toString())
                .args(List.of("busybox", "sh", "-c", "i=0; while [ $i -lt 200 ]; do /bin/busybox true || exit 1; i=$((i+1)); done; echo $i"))
                .stdout(out).stderr(out).timeout(Duration.ofSeconds(300)).build().run();
        assertEquals(0, s.code(), out.toString());
        assertEquals("200\n", out.toString());
        assertEquals(0, runThreads("many", Duration.ofSeconds(120)).code()); // 80 threads created and joined
        Thread.sleep(200);
        EnginePool.shared().clear();
        assertEquals(engines, dev.jlibos.host.unicorn.UnicornCpu.liveEngines(), "Unicorn engines leaked");
        // Guest memory and each process's and thread's HostFs marshalling block (1 MiB of host mmap):
        // the forked processes' blocks were once never unmapped.
        assertEquals(blocks, dev.jlibos.host.memory.MmapHostMemory.liveBlocks(), "host memory blocks leaked");
        assertEquals(0, guestThreadsAlive(), "guest host threads left running");
        assertEquals(fds, openHostFds(), "host fds leaked");
    }

    @Test
    void aThreadedGuestSpinningForeverIsKilledAtItsTimeout() throws Exception {
        long start = System.nanoTime();
        ExitStatus s = runThreads("spin-forever", Duration.ofMillis(1500));
        assertEquals(9, s.signal());
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        Thread.sleep(500);
        assertEquals(0, guestThreadsAlive(), "guest host threads left running");
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
