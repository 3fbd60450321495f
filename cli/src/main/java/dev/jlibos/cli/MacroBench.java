package dev.jlibos.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * {@code ./jlibos bench --macro}: whole programs whose time is mostly syscalls, natively, under
 * qemu-x86_64 and under {@code ./jlibos run}, in steady state: (T(2N) - T(N)) / N of the same command, taken
 * in the same round, so start-up and the JIT's warm-up during the first N operations cancel out (with
 * T(N) - T(0) a 10,000-round ping-pong measured mostly the JIT: 33 µs per round trip against 6-11 µs
 * at 200,000). After Lupine's application-level view of removing syscall traps.
 *
 * <p>Every row also counts host syscalls per operation natively and under jlibos ({@code strace -f -c},
 * (calls(2N) - calls(N)) / N, so the JVM's own threads cancel out), which gives the <em>break-even trap cost</em>: the cost of one native syscall at
 * which jlibos and native take equally long. With native time per operation {@code Tn}, jlibos time
 * {@code Tj}, host calls per operation {@code kn} and {@code kj}, and the native getppid cost {@code c0}
 * measured in the same run, a trap cost {@code c} changes each side by {@code k * (c - c0)}, so they meet
 * at {@code c0 + (Tj - Tn) / (kn - kj)}. jlibos wins on machines whose traps cost more than that.
 */
final class MacroBench {
    private static final int ROUNDS = 3;

    /** How a command is run: natively, under qemu-x86_64, or by the jlibos launcher. */
    enum Runner { NATIVE, QEMU, JLIBOS }

    /** A row: its name, what one operation is, N, and the command for a runner and an operation count. */
    record Workload(String name, String op, long n, Function<Runner, LongFunction<List<String>>> command) {
    }

    private final Path work;
    private final String qemu;
    private final String busybox;
    private final Path repo = Path.of(System.getProperty("jlibos.repo", "."));

    MacroBench(Path work, String qemu, String busybox) {
        this.work = work;
        this.qemu = qemu;
        this.busybox = busybox;
    }

    String run(Path lmbench, double nativeGetppidNanos) throws Exception {
        Path file = work.resolve("small.txt");
        Files.writeString(file, "a regular file of a few lines\n".repeat(40));
        List<Workload> rows = List.of(
                new Workload("dd bs=1 /dev/zero -> /dev/null", "byte", 100_000, r -> n -> prefixed(r,
                        List.of(busybox, "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + n))),
                new Workload("pipe ping-pong, two processes", "round trip", 100_000, r -> n -> prefixed(r,
                        List.of(lmbench.toString(), "pipe", Long.toString(n)))),
                new Workload("futex ping-pong, two threads", "round trip", 100_000, r -> n -> prefixed(r,
                        List.of(lmbench.toString(), "futex", Long.toString(n)))),
                new Workload("busybox yes | head -c N | wc -c", "MiB", 4, r -> n -> pipeline(r, n)),
                new Workload("open + read + close /proc/self/stat", "file", 5_000, r -> n -> prefixed(r,
                        List.of(lmbench.toString(), "procself", Long.toString(n)))),
                new Workload("read 16 bytes of a regular file (host must act)", "read", 50_000, r -> n -> prefixed(r,
                        List.of(lmbench.toString(), "fileread", Long.toString(n), file.toString()))));

        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "Native getppid in this run: %.0f ns. Times are per operation, steady state ((T(2N) - T(N)) / N), median of %d rounds.%n%n",
                nativeGetppidNanos, ROUNDS));
        t.append("| workload | operation | native | qemu-x86_64 | jlibos | jlibos / native | host calls per op, native |"
                + " host calls per op, jlibos | break-even native trap cost |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Workload w : rows) {
            Map<Runner, Double> perOp = time(w);
            double kn = hostCallsPerOp(w, Runner.NATIVE), kj = hostCallsPerOp(w, Runner.JLIBOS);
            double tn = perOp.get(Runner.NATIVE), tj = perOp.get(Runner.JLIBOS);
            t.append("| ").append(w.name()).append(" | ").append(w.op()).append(" | ").append(duration(tn)).append(" | ")
                    .append(perOp.containsKey(Runner.QEMU) ? duration(perOp.get(Runner.QEMU)) : "-").append(" | ")
                    .append(duration(tj)).append(" | ").append(String.format(Locale.ROOT, "%.2f", tj / tn)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", kn)).append(" | ").append(String.format(Locale.ROOT, "%.2f", kj))
                    .append(" | ").append(breakEven(tn, tj, kn, kj, nativeGetppidNanos * 1e-9)).append(" |\n");
        }
        System.out.print(t);
        return t.toString();
    }

    /** The native trap cost at which the two columns meet (see the class comment). */
    static String breakEven(double tn, double tj, double kn, double kj, double c0) {
        if (kn - kj <= 0.05) return tj <= tn ? "any (jlibos is not slower)" : "none (jlibos saves no host calls)";
        double c = c0 + (tj - tn) / (kn - kj);
        return c <= 0 ? "any" : duration(c);
    }

    private List<String> prefixed(Runner r, List<String> cmd) {
        List<String> all = new ArrayList<>(switch (r) {
            case NATIVE -> List.<String>of();
            case QEMU -> List.of(qemu);
            case JLIBOS -> List.of(repo.resolve("jlibos").toString(), "run");
        });
        all.addAll(cmd);
        return all;
    }

    /**
     * The pipeline: natively a host shell; under qemu-x86_64 a host shell starting each of the three
     * programs under qemu (qemu-user runs an exec'd program natively otherwise); under jlibos busybox's own
     * shell, so the three processes and the pipes between them are jlibos's.
     */
    private List<String> pipeline(Runner r, long mebibytes) {
        String bb = busybox;
        String inner = "%1$s yes | %1$s head -c " + (mebibytes << 20) + " | %1$s wc -c";
        return switch (r) {
            case NATIVE -> List.of("sh", "-c", String.format(inner, bb));
            case QEMU -> List.of("sh", "-c", String.format(inner, qemu + " " + bb));
            case JLIBOS -> List.of(repo.resolve("jlibos").toString(), "run", bb, "sh", "-c", String.format(inner, bb));
        };
    }

    /** Seconds per operation for each runner: the median over rounds of (T(2N) - T(N)) / N, runners in turn. */
    private Map<Runner, Double> time(Workload w) throws Exception {
        Map<Runner, List<Double>> samples = new LinkedHashMap<>();
        for (Runner r : Runner.values()) if (r != Runner.QEMU || qemu != null) samples.put(r, new ArrayList<>());
        for (int round = 0; round <= ROUNDS; round++) {
            for (Runner r : samples.keySet()) {
                double twice = once(w.command().apply(r).apply(2 * w.n()));
                double once = once(w.command().apply(r).apply(w.n()));
                if (round > 0) samples.get(r).add((twice - once) / w.n()); // round 0 warms caches and the archive
            }
        }
        Map<Runner, Double> out = new LinkedHashMap<>();
        samples.forEach((r, xs) -> out.put(r, median(xs)));
        return out;
    }

    /** Host syscalls per operation: strace -f -c of the command with 2N and with N operations. */
    private double hostCallsPerOp(Workload w, Runner r) throws Exception {
        long twice = straceTotal(w.command().apply(r).apply(2 * w.n())), once = straceTotal(w.command().apply(r).apply(w.n()));
        return Math.max(0, (double) (twice - once) / w.n());
    }

    private long straceTotal(List<String> cmd) throws Exception {
        Path report = Files.createTempFile(work, "strace", ".txt");
        List<String> all = new ArrayList<>(List.of("strace", "-f", "-c", "-o", report.toString()));
        all.addAll(cmd);
        once(all);
        return HostCallBench.parse(Files.readAllLines(report)).getOrDefault("total", 0L);
    }

    private double once(List<String> cmd) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String duration(double seconds) {
        if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
        if (seconds >= 1e-6) return String.format(Locale.ROOT, "%.2f µs", seconds * 1e6);
        return String.format(Locale.ROOT, "%.0f ns", seconds * 1e9);
    }
}
