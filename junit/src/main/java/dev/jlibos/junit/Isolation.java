package dev.jlibos.junit;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.Limit;
import dev.jlibos.signals.Signal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The parent side of a {@link Guest#isolated} run: starts {@link IsolatedGuestMain} in a child JVM (this
 * JVM's java and class path) in a temporary directory, waits for it, and turns its files into a
 * {@link GuestResult}, or explains its death. Never touches the engine, so nothing here can abort this JVM.
 */
final class Isolation {
    static final String GUEST = "guest", STDOUT = "stdout", STDERR = "stderr", OUTCOME = "outcome";
    private static final String JVM_LOG = "jvm.log";
    private static final int SIGABRT = 6, SIGKILL = 9, JVM_LOG_TAIL = 16 << 10, SUMMARY_MAX = 200;
    /** Where the library finds the engine and its own settings: the child must see the same. */
    private static final List<String> CARRIED_PROPERTIES = List.of("jlibos.", "jnr.", "jffi.");

    private Isolation() {
    }

    static GuestResult run(Guest guest, List<String> argv, Duration timeout, Duration grace, long maxOutput) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jlibos-isolated-");
            return runIn(dir, guest, argv, timeout == null ? null : timeout.plus(grace), maxOutput);
        } catch (IOException e) {
            throw new UncheckedIOException("running an isolated guest", e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static GuestResult runIn(Path dir, Guest guest, List<String> argv, Duration deadline, long maxOutput)
            throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(dir.resolve(GUEST)))) {
            out.writeObject(guest);
        }
        long start = System.nanoTime();
        Process child = new ProcessBuilder(command(dir))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(JVM_LOG).toFile())
                .start();
        boolean killed;
        try {
            killed = !(deadline == null ? waitFor(child) : child.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while an isolated guest ran", e);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.onExit().join();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        byte[] out = readCapped(dir.resolve(STDOUT), maxOutput), err = readCapped(dir.resolve(STDERR), maxOutput);
        Path outcome = dir.resolve(OUTCOME);
        if (!killed && child.exitValue() == 0 && Files.exists(outcome)) {
            return finished(IsolatedOutcome.read(outcome), argv, out, err);
        }
        String log = tail(dir.resolve(JVM_LOG));
        int exit = killed ? 128 + SIGKILL : child.exitValue();
        String line = killed ? "the isolated JVM was killed (SIGKILL) after " + deadline.toMillis() + " ms, the guest's"
                + " timeout plus the time allowed to start and report" : failure(exit, log);
        int signal = exit > 128 && exit < 128 + 65 ? exit - 128 : SIGKILL;
        Set<Limit> limits = killed ? EnumSet.of(Limit.TIMEOUT) : Set.of();
        return new GuestResult(argv, ExitStatus.killed(signal, -1), limits, out, 0, err, 0, List.of(), 0, false,
                log.isBlank() ? "" : "output of the isolated JVM:\n" + log, elapsed, null, line);
    }

    private static boolean waitFor(Process child) throws InterruptedException {
        child.waitFor();
        return true;
    }

    private static GuestResult finished(IsolatedOutcome o, List<String> argv, byte[] out, byte[] err) {
        if (o.launchFailure() != null) throw new GuestLaunchException(o.launchFailure(), null);
        if (o.error() != null) throw new IllegalStateException("the guest failed in its isolated JVM: " + o.error());
        return new GuestResult(argv, o.status(), o.limits(), out, o.stdoutDropped(), err, o.stderrDropped(), o.trace(),
                o.syscallCount(), o.traceComplete(), o.diagnostics(), o.elapsed(), null);
    }

    /** The one line of a JVM that ended without an outcome. */
    private static String failure(int exit, String log) {
        String why = summary(log);
        if (exit == 128 + SIGABRT) return "the engine aborted the isolated JVM (exit " + exit + ", SIGABRT): " + why;
        if (exit > 128) return "the isolated JVM died (exit " + exit + ", " + Signal.name(exit - 128) + "): " + why;
        return "the isolated JVM exited with " + exit + " without a result: " + why;
    }

    /**
     * The telling line of the JVM's output: the engine's "tcg fatal error", the signal line of a JVM crash
     * report, or else the last line (an uncaught exception's is its first, but short logs end with it).
     */
    private static String summary(String log) {
        List<String> lines = log.lines().map(l -> l.replaceFirst("^#\\s*", "").strip()).filter(l -> !l.isEmpty()).toList();
        String pick = lines.stream().filter(l -> l.contains("fatal error") && !l.contains("Java Runtime Environment"))
                .findFirst()
                .or(() -> lines.stream().filter(l -> l.matches("SIG[A-Z]+ \\(.*")).findFirst())
                .or(() -> lines.stream().filter(l -> l.startsWith("Exception in thread")).findFirst())
                .orElse(lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1));
        return pick.length() <= SUMMARY_MAX ? pick : pick.substring(0, SUMMARY_MAX) + "...";
    }

    private static List<String> command(Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As the CLI launcher: guests run on the main thread, which needs the deeper stack.
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss8m");
        // A JVM crash report goes to the temporary directory, not the test's working directory.
        cmd.add("-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "jlibos-isolated-hs_err_%p.log"));
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> CARRIED_PROPERTIES.stream().anyMatch(k::startsWith)).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(IsolatedGuestMain.class.getName());
        cmd.add(dir.toString());
        return cmd;
    }

    /** At most {@code cap} bytes: the child kept no more, but this side does not rely on a JVM it does not trust. */
    private static byte[] readCapped(Path file, long cap) throws IOException {
        if (!Files.exists(file)) return new byte[0];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(cap, Integer.MAX_VALUE - 8));
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) return "";
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, JVM_LOG_TAIL));
            ch.position(size - buf.capacity());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read up to the end
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover temporary directory must not fail the test that ran the guest.
        }
    }
}
