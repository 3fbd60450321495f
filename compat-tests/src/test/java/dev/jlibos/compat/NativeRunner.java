package dev.jlibos.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the program on the host kernel: the oracle.
 *
 * <p>Limitations of {@link ProcessBuilder}: argv[0] is always the path that is executed (so
 * callers must pass {@code binary.toString()} as argv[0]), and a death by signal N is reported
 * by the JDK as exit value 128+N, indistinguishable from {@code exit(128+N)}. Tests therefore
 * avoid exit codes 129-192, and compare shell statuses.
 */
public final class NativeRunner implements GuestRunner {
    private final Duration timeout;

    public NativeRunner(Duration timeout) {
        this.timeout = timeout;
    }

    public NativeRunner() {
        this(Duration.ofSeconds(60));
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public RunResult run(Path binary, List<String> argv, List<String> env, Path cwd, byte[] stdin) throws IOException {
        if (argv.isEmpty() || !argv.get(0).equals(binary.toString())) {
            throw new IllegalArgumentException("NativeRunner needs argv[0] == binary path, got " + argv);
        }
        List<String> command = new ArrayList<>(argv);
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> environment = pb.environment();
        environment.clear();
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("environment entry is not K=V: " + kv);
            environment.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        // Files, not pipes: no pump threads, and a killed child cannot leave a reader blocked.
        Path scratch = Files.createTempDirectory("jlibos-native-");
        try {
            Path in = scratch.resolve("stdin"), out = scratch.resolve("stdout"), err = scratch.resolve("stderr");
            Files.write(in, stdin);
            pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + binary, e);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!finished) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return RunResult.timedOut(Files.readAllBytes(out), Files.readAllBytes(err), elapsed);
            }
            int status = p.exitValue();
            byte[] o = Files.readAllBytes(out), e = Files.readAllBytes(err);
            // The JDK reports WIFSIGNALED as 0x80 + WTERMSIG.
            if (status > 128 && status <= 128 + 64) return RunResult.killed(status - 128, o, e, elapsed);
            return RunResult.exited(status, o, e, elapsed);
        } finally {
            Fs.deleteRecursively(scratch);
        }
    }
}
