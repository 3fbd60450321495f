package dev.jlibos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./jlibos bench --engines}: where the time of CPU-bound and real guests goes, one run, whole
 * processes. Columns: native, qemu-x86_64, the engine floor (samples/engine_floor.c: the same static guest
 * on the same libunicorn with only a syscall and a CPUID hook, built here with gcc), and {@code ./jlibos run}
 * on each engine found (Unicorn 2.1.4 as provisioned, Debian's 2.0.1), each through the {@code jlibos}
 * launcher, a fresh JVM as a user runs it.
 * The compute and sha256sum rows exclude start-up: T(full) - T(empty) of the same command (the empty
 * guest, samples/exit_only.c; an empty input file), taken in the same round. Columns run in turn within a
 * round and each figure is a median over rounds: on a shared machine whose speed drifts, a best-of-N per
 * column compared one lucky run against another (the same build measured 1.19x and 1.61x of the floor).
 */
final class EngineBench {
    /** Rounds for the rows whose start-up is subtracted (short, noisy differences) and for whole runs. */
    private static final int STARTUP_EXCLUDED_ROUNDS = 7, WHOLE_RUN_ROUNDS = 3;
    private final Path work;
    private final String qemu;
    private final Path repo = Path.of(System.getProperty("jlibos.repo", "."));
    /** Engine label -> libunicorn path. */
    private final Map<String, String> engines;
    private Path floor;

    EngineBench(Path work, String qemu, Map<String, String> engines) {
        this.work = work;
        this.qemu = qemu;
        this.engines = engines;
    }

    /** Prints the table (markdown) and returns it. */
    String run(String busybox) throws Exception {
        floor = compile("engine_floor", List.of("-O2"), List.of("-ldl"));
        List<String> freestanding = List.of("-O2", "-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector");
        Path compute = compile("compute_floor", freestanding, List.of());
        Path exitOnly = compile("exit_only", freestanding, List.of());
        Path input = work.resolve("input32.bin"), empty = work.resolve("empty.bin");
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (var o = Files.newOutputStream(input)) {
            for (int i = 0; i < 32; i++) o.write(block);
        }
        Files.write(empty, new byte[0]);
        Path source = repo.resolve("samples/compile_me.c");

        StringBuilder t = new StringBuilder();
        t.append("| workload (wall s, median of rounds) | rounds | native | qemu-x86_64 | engine floor");
        for (String e : engines.keySet()) t.append(" | jlibos, ").append(e);
        t.append(" | jlibos / floor |\n|---|---:|---:|---:|---:");
        engines.keySet().forEach(e -> t.append("|---:"));
        t.append("|---:|\n");
        row(t, "compute guest (freestanding, 32 MiB SHA-256), start-up excluded", STARTUP_EXCLUDED_ROUNDS,
                List.of(compute.toString()), List.of(exitOnly.toString()), true);
        row(t, "busybox sha256sum 32 MiB, start-up excluded", STARTUP_EXCLUDED_ROUNDS,
                List.of(busybox, "sha256sum", input.toString()), List.of(busybox, "sha256sum", empty.toString()), true);
        row(t, "gcc -O2 -c, 2,000-line file (cc1 + as)", WHOLE_RUN_ROUNDS, List.of("/usr/bin/gcc", "-O2", "-c", "-o",
                work.resolve("cm.o").toString(), source.toString()), null, false);
        row(t, "python3 -c pass", WHOLE_RUN_ROUNDS, List.of("/usr/bin/python3", "-c", "pass"), null, false);
        System.out.print(t);
        return t.toString();
    }

    /**
     * One row. Every round runs each column once, in turn (A B C A B C ...), so a machine whose speed
     * drifts during the bench slows every column alike; a column's figure is the median over rounds. The
     * last column is the median of the per-round ratios of the first jlibos engine to the floor.
     */
    private void row(StringBuilder t, String name, int rounds, List<String> cmd, List<String> emptyCmd,
            boolean staticGuest) throws Exception {
        Map<String, List<String>> columns = new java.util.LinkedHashMap<>();
        columns.put("native", List.of());
        if (qemu != null) columns.put("qemu", List.of(qemu));
        String floorEngine = engines.values().iterator().next();
        if (staticGuest) columns.put("floor", List.of(floor.toString(), floorEngine));
        for (Map.Entry<String, String> e : engines.entrySet()) {
            // The launcher as a user runs it (its JVM, flags and class archive), on the engine of the column.
            columns.put(e.getKey(), List.of("env", "JLIBOS_UNICORN=" + e.getValue(), repo.resolve("jlibos").toString(), "run"));
        }
        Map<String, List<Double>> samples = new java.util.LinkedHashMap<>();
        columns.keySet().forEach(c -> samples.put(c, new ArrayList<>()));
        for (int r = 0; r <= rounds; r++) {
            for (Map.Entry<String, List<String>> c : columns.entrySet()) {
                double full = once(c.getValue(), cmd);
                double seconds = emptyCmd == null ? full : full - once(c.getValue(), emptyCmd);
                if (r > 0) samples.get(c.getKey()).add(seconds); // round 0 warms the page cache and the archive
            }
        }
        t.append("| ").append(name).append(" | ").append(rounds);
        for (String c : List.of("native", "qemu", "floor")) {
            t.append(" | ").append(samples.containsKey(c) ? fmt(median(samples.get(c))) : "-");
        }
        for (String e : engines.keySet()) t.append(" | ").append(fmt(median(samples.get(e))));
        if (staticGuest) {
            List<Double> ratios = new ArrayList<>();
            List<Double> jl = samples.get(engines.keySet().iterator().next()), fl = samples.get("floor");
            for (int i = 0; i < jl.size(); i++) ratios.add(jl.get(i) / fl.get(i));
            t.append(" | ").append(String.format(java.util.Locale.ROOT, "%.3f", median(ratios)));
        } else {
            t.append(" | -");
        }
        t.append(" |\n");
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One run of the command under the prefix, in wall seconds; output discarded. */
    private double once(List<String> prefix, List<String> cmd) throws Exception {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(cmd);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(all).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", all) + " timed out");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", all) + " exited " + p.exitValue());
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String fmt(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds);
    }

    private Path compile(String name, List<String> flags, List<String> libs) throws IOException, InterruptedException {
        Path binary = work.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-o", binary.toString(), repo.resolve("samples").resolve(name + ".c").toString()));
        cmd.addAll(libs);
        Process cc = new ProcessBuilder(cmd).inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("gcc failed for samples/" + name + ".c");
        return binary;
    }

    static String describe(Map<String, String> engines) {
        StringBuilder s = new StringBuilder();
        String home = System.getProperty("user.home");
        engines.forEach((k, v) -> s.append(k).append(" = ").append(v.startsWith(home + "/") ? "~" + v.substring(home.length()) : v)
                .append('\n'));
        return s.toString();
    }
}
