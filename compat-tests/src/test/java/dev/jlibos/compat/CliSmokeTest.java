package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code jlibos} launcher script at the repository root, end to end, as a user runs it. */
class CliSmokeTest {
    private static Path script;

    @BeforeAll
    static void findScript() {
        String repo = System.getProperty("jlibos.repo");
        Assumptions.assumeTrue(repo != null, "system property jlibos.repo not set (surefire sets it)");
        script = Path.of(repo, "jlibos");
        Assumptions.assumeTrue(Files.isExecutable(script), script + " does not exist yet");
    }

    record Out(int status, String stdout, String stderr) {}

    private static Out run(String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jlibos-cli-");
        try {
            Path out = dir.resolve("out"), err = dir.resolve("err");
            List<String> cmd = new java.util.ArrayList<>(List.of(script.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("jlibos " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Out(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Fs.deleteRecursively(dir);
        }
    }

    @Test
    void runsBusyboxEcho() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BusyboxTest.BUSYBOX), "/bin/busybox not installed");
        Out o = run("run", BusyboxTest.BUSYBOX.toString(), "echo", "hi");
        assertEquals("hi\n", o.stdout(), "stdout; stderr was:\n" + o.stderr());
        assertEquals(0, o.status(), "status; stderr was:\n" + o.stderr());
    }

    /** ^C: the JVM's SIGINT goes to the guest's foreground group, whose trap runs, instead of ending the JVM. */
    @Test
    void sigintIsForwardedToTheGuest() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BusyboxTest.BUSYBOX), "/bin/busybox not installed");
        Path dir = Files.createTempDirectory("jlibos-cli-");
        try {
            Path out = dir.resolve("out"), err = dir.resolve("err");
            // A build started in the background (nohup, `&`, some CI runners) inherits SIGINT ignored, and an
            // ignored SIGINT stays ignored across exec: the JVM would never see the ^C. env resets it first,
            // as an interactive terminal session would have it.
            Assumptions.assumeTrue(new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0,
                    "env --default-signal (coreutils 8.31+) is needed to undo an inherited SIGINT ignore");
            Process p = new ProcessBuilder("env", "--default-signal=INT", script.toString(), "run", BusyboxTest.BUSYBOX.toString(), "sh", "-c",
                    "trap 'echo got INT; exit 3' INT; echo ready; while :; do sleep 1; done")
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!Files.readString(out).contains("ready") && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(50);
                assertTrue(Files.readString(out).contains("ready"), "the guest never started; stderr:\n" + Files.readString(err));
                // env and the launcher script exec, so this pid is the JVM's.
                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
                assertEquals(0, kill.waitFor());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jlibos did not end after SIGINT; stderr:\n" + Files.readString(err));
                assertEquals("ready\ngot INT\n", Files.readString(out), "stderr:\n" + Files.readString(err));
                assertEquals(3, p.exitValue(), "stderr:\n" + Files.readString(err));
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Fs.deleteRecursively(dir);
        }
    }

    /** --limit reaches the machine through GuestOptions: a busybox sleep past its wall limit is killed (128+9). */
    @Test
    void wallLimitKillsTheGuest() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BusyboxTest.BUSYBOX), "/bin/busybox not installed");
        Out o = run("run", "--limit", "wall=1s", BusyboxTest.BUSYBOX.toString(), "sleep", "30");
        assertEquals(137, o.status(), "status; stderr was:\n" + o.stderr());
        Out bad = run("run", "--limit", "disk=1g", BusyboxTest.BUSYBOX.toString(), "true");
        assertNotEquals(0, bad.status(), "an unknown limit is a usage error");
        assertTrue(bad.stderr().contains("unknown limit 'disk'"), bad.stderr());
    }

    /**
     * --tmpfs GUEST:size=N and --limit output=N reach the machine: the tmpfs fills at its size (ENOSPC, one
     * log line), endless output stops with SIGXFSZ (128+25) after exactly N bytes; a bad size is a usage error.
     */
    @Test
    void tmpfsSizeAndOutputLimitFromTheCommandLine() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BusyboxTest.BUSYBOX), "/bin/busybox not installed");
        Out fill = run("run", "--tmpfs", "/t:size=256k", BusyboxTest.BUSYBOX.toString(), "sh", "-c",
                "dd if=/dev/zero of=/t/x bs=4096 count=100 2>/dev/null; echo $?; wc -c < /t/x");
        assertEquals("1\n262144\n", fill.stdout(), "stderr:\n" + fill.stderr());
        assertEquals(1, fill.stderr().lines().filter(l -> l.startsWith("jlibos: tmpfs size limit reached")).count(), fill.stderr());
        Out yes = run("run", "--limit", "output=100k", BusyboxTest.BUSYBOX.toString(), "yes");
        assertEquals(128 + 25, yes.status(), "stderr:\n" + yes.stderr());
        assertEquals(100 * 1024, yes.stdout().length());
        assertTrue(yes.stderr().contains("jlibos: output limit of 102400 bytes reached"), yes.stderr());
        Out bad = run("run", "--tmpfs", "/t:size=lots", BusyboxTest.BUSYBOX.toString(), "true");
        assertNotEquals(0, bad.status());
        assertTrue(bad.stderr().startsWith("--tmpfs /t:size=lots: not a size: 'lots'"), bad.stderr());
    }

    @Test
    void missingProgramIsOneLineError() throws Exception {
        Out o = run("run", "/nonexistent");
        assertNotEquals(0, o.status(), "status");
        List<String> lines = o.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "want exactly one line on stderr, got:\n" + o.stderr());
        assertTrue(lines.get(0).startsWith("jlibos: "), "error must start with \"jlibos: \": " + lines.get(0));
        assertFalse(o.stderr().contains("Exception") || o.stderr().contains("\tat "), "Java stack trace leaked:\n" + o.stderr());
        assertTrue(lines.get(0).contains("/nonexistent"), "error should name the program: " + lines.get(0));
    }
}
