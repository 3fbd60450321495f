package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine pool (issue 15): a program run again in the same JVM starts on a pooled engine reset to its
 * recorded image, with its own argv, environment and pid, and a rewritten file is never served from the
 * old image. Each test has a pool of its own, so the counts are its runs'.
 */
class EnginePoolTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private static String run(EnginePool pool, Path program, List<String> argv, int[] status) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s = Machine.builder().program(program.toString()).args(argv).env(List.of("LC_ALL=C", "X=" + argv.size()))
                .cwd("/tmp").stdout(out).stderr(out).timeout(Duration.ofSeconds(60)).enginePool(pool).build().run();
        status[0] = s.shellStatus();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Files changed in the last 100 ms have no identity yet (ProgramFiles: racily clean files). */
    private static void settle() throws InterruptedException {
        Thread.sleep(150);
    }

    @Test
    void theSecondRunOfAStaticProgramTakesThePooledEngineWithItsOwnArgvAndPid() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        EnginePool pool = EnginePool.create(2, 512L << 20);
        int[] status = new int[1];
        // The shell reads /proc/self/stat itself (no fork), so $$ (getpid, answered in guest code by the
        // kml-shim's data page, which the image holds from the first run) must be this run's pid.
        String script = "read pid rest < /proc/self/stat; [ $$ = $pid ] && echo same pid; echo \"$0 $X $*\"";
        String first = run(pool, BUSYBOX, List.of("busybox", "sh", "-c", script, "sh0", "a"), status);
        assertEquals("same pid\nsh0 6 a\n", first);
        assertEquals(0, pool.enginesReused());
        assertEquals(1, pool.imagesRecorded());
        assertEquals(1, pool.idleEngines());
        String second = run(pool, BUSYBOX, List.of("busybox", "sh", "-c", script, "other", "b", "c"), status);
        assertEquals("same pid\nother 7 b c\n", second);
        assertEquals(1, pool.enginesReused(), "the second run took the pooled engine");
        assertEquals(1, pool.imagesRecorded());
        assertEquals(0, status[0]);
        pool.clear();
        assertEquals(0, pool.idleEngines());
        assertEquals(0, pool.heldBytes());
    }

    /** A dynamic program: ld.so maps libc again each run, beyond the image, and the reset unmaps it. */
    @Test
    void aWarmRunStartsWithACleanX87State() throws Exception {
        EnginePool pool = EnginePool.create(2, 512L << 20);
        Path program = GuestPrograms.binary(GuestPrograms.Flavour.GLIBC, "x87state");
        settle(); // it may have just been compiled
        int[] status = new int[1];
        String clean = "cw 0x37f sw 0 tag 0xffff\n";
        // Each run leaves three values on the x87 stack and another control word behind.
        assertEquals(clean, run(pool, program, List.of("x87state"), status));
        assertEquals(clean, run(pool, program, List.of("x87state"), status));
        assertEquals(1, pool.enginesReused(), "the second run took the pooled engine");
        pool.clear();
    }

    @Test
    void aDynamicProgramRunsAgainOnThePooledEngine() throws Exception {
        Path echo = Path.of("/bin/echo");
        Assumptions.assumeTrue(Files.isExecutable(echo));
        EnginePool pool = EnginePool.create(2, 512L << 20);
        int[] status = new int[1];
        for (int i = 0; i < 3; i++) {
            assertEquals("run " + i + "\n", run(pool, echo, List.of("echo", "run", Integer.toString(i)), status));
            assertEquals(0, status[0]);
        }
        assertEquals(2, pool.enginesReused());
        assertEquals(1, pool.imagesRecorded());
        pool.clear();
    }

    /**
     * The same path rewritten between runs (same size here: /bin/true and /bin/false differ in a few
     * bytes; only mtime and ctime tell) runs the new content, from an image recorded anew.
     */
    @Test
    void aRewrittenFileIsNeverServedFromTheOldImage(@TempDir Path dir) throws Exception {
        Path t = Path.of("/bin/true"), f = Path.of("/bin/false");
        Assumptions.assumeTrue(Files.isExecutable(t) && Files.isExecutable(f));
        Path prog = dir.resolve("prog");
        EnginePool pool = EnginePool.create(2, 512L << 20);
        int[] status = new int[1];
        Files.copy(t, prog);
        settle();
        run(pool, prog, List.of("prog"), status);
        assertEquals(0, status[0]);
        run(pool, prog, List.of("prog"), status);
        assertEquals(0, status[0]);
        assertEquals(1, pool.enginesReused());
        Files.write(prog, Files.readAllBytes(f)); // the same inode rewritten in place
        settle();
        run(pool, prog, List.of("prog"), status);
        assertEquals(1, status[0], "the new content (false) ran");
        assertEquals(2, pool.imagesRecorded(), "a new image was recorded for the changed file");
        assertEquals(1, pool.enginesReused());
        // A static program replaced by another static program of another size.
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        Path bb = dir.resolve("bb");
        Files.copy(BUSYBOX, bb);
        settle();
        assertEquals("x\n", run(pool, bb, List.of("echo", "x"), status));
        Files.write(bb, "#!/bin/busybox sh\necho script\n".getBytes(StandardCharsets.US_ASCII));
        settle();
        assertEquals("script\n", run(pool, bb, List.of("bb"), status));
        pool.clear();
    }

    /**
     * A first process that execs another program: its engine leaves the image, so it is closed rather than
     * pooled, and the image stays for the next run (which then starts on a fresh engine and a copy of it).
     */
    @Test
    void anEngineThatExecedIsClosedNotPooled() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        EnginePool pool = EnginePool.create(2, 512L << 20);
        int[] status = new int[1];
        List<String> argv = List.of("busybox", "sh", "-c", "exec /bin/busybox echo execed");
        assertEquals("execed\n", run(pool, BUSYBOX, argv, status));
        int engines = dev.jlibos.host.unicorn.UnicornCpu.liveEngines();
        assertEquals(0, pool.idleEngines());
        for (int i = 0; i < 3; i++) assertEquals("execed\n", run(pool, BUSYBOX, argv, status));
        assertEquals(engines, dev.jlibos.host.unicorn.UnicornCpu.liveEngines(), "no engine leaked");
        assertEquals(0, pool.idleEngines());
        assertEquals(1, pool.imagesRecorded());
        assertEquals(0, pool.enginesReused());
        assertEquals("plain\n", run(pool, BUSYBOX, List.of("busybox", "echo", "plain"), status));
        assertEquals(1, pool.idleEngines(), "a run that did not exec gives its engine back");
        pool.clear();
    }

    /** The pool keeps within its bounds: an image larger than its byte limit is not recorded. */
    @Test
    void boundsAreKept() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        int[] status = new int[1];
        EnginePool tiny = EnginePool.create(4, 64 << 10);
        run(tiny, BUSYBOX, List.of("busybox", "true"), status);
        run(tiny, BUSYBOX, List.of("busybox", "true"), status);
        assertEquals(0, tiny.imagesRecorded());
        assertEquals(0, tiny.enginesReused());
        assertEquals(0, tiny.heldBytes());
        EnginePool one = EnginePool.create(1, 512L << 20);
        run(one, BUSYBOX, List.of("busybox", "true"), status);
        run(one, Path.of("/bin/true"), List.of("true"), status);
        assertTrue(one.idleEngines() <= 1, "at most one idle engine");
        assertTrue(one.heldBytes() <= 512L << 20);
        one.clear();
        assertEquals(0, one.heldBytes());
    }

    /**
     * execve inside one run: a program exec'ed a second time is recorded, and from the third time its
     * children start on the engine the previous one gave back; the first program is not pooled by such a
     * pool, and nothing leaks.
     */
    @Test
    void execveInsideARunStartsWarmFromTheThirdTime() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX) && Files.isExecutable(Path.of("/bin/echo")));
        int engines = dev.jlibos.host.unicorn.UnicornCpu.liveEngines();
        EnginePool pool = EnginePool.forExecs(2, 512L << 20);
        int[] status = new int[1];
        String script = "for i in 1 2 3 4; do /bin/busybox echo static $i $$; done | /bin/busybox uniq -c -f2 | /bin/busybox wc -l;"
                + " for i in 1 2 3; do /bin/echo dynamic $i; done";
        String out = run(pool, BUSYBOX, List.of("busybox", "sh", "-c", script), status);
        assertEquals("1\ndynamic 1\ndynamic 2\ndynamic 3\n", out);
        assertEquals(0, status[0]);
        // busybox and /bin/echo, each at its second exec; the pipeline's processes exec busybox at the same
        // moment, so busybox may be recorded more than once (the later image replaces the earlier).
        assertTrue(pool.imagesRecorded() >= 2, "images recorded: " + pool.imagesRecorded());
        assertTrue(pool.enginesReused() >= 2, "later execs took the engine an earlier child gave back: " + pool.enginesReused());
        pool.clear();
        assertEquals(engines, dev.jlibos.host.unicorn.UnicornCpu.liveEngines(), "no engine leaked");
    }

    /** A file rewritten between two execs of one run runs its new content. */
    @Test
    void execveOfARewrittenFileRunsTheNewContent(@TempDir Path dir) throws Exception {
        Path t = Path.of("/bin/true"), f = Path.of("/bin/false");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX) && Files.isExecutable(t) && Files.isExecutable(f));
        Path prog = dir.resolve("prog");
        Files.copy(t, prog);
        settle();
        EnginePool pool = EnginePool.forExecs(2, 512L << 20);
        int[] status = new int[1];
        String script = "p=" + prog + "; for i in 1 2 3; do $p; echo $?; done; cat " + f + " > $p; $p; echo $?;"
                + " usleep 200000; $p; echo $?; $p; echo $?";
        assertEquals("0\n0\n0\n1\n1\n1\n", run(pool, BUSYBOX, List.of("busybox", "sh", "-c", script), status));
        assertTrue(pool.enginesReused() >= 1, "the unchanged file started warm");
        pool.clear();
    }
}
