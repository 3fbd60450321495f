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
 * guest, samples/exit_only.c; an empty input file).
 */
final class EngineBench {
    private static final int ROUNDS = 3;
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
        t.append("| workload (wall s, best of ").append(ROUNDS).append(") | native | qemu-x86_64 | engine floor");
        for (String e : engines.keySet()) t.append(" | jlibos, ").append(e);
        t.append(" |\n|---|---:|---:|---:");
        engines.keySet().forEach(e -> t.append("|---:"));
        t.append("|\n");
        row(t, "compute guest (freestanding, 32 MiB SHA-256), start-up excluded", List.of(compute.toString()),
                List.of(exitOnly.toString()), true);
        row(t, "busybox sha256sum 32 MiB, start-up excluded", List.of(busybox, "sha256sum", input.toString()),
                List.of(busybox, "sha256sum", empty.toString()), true);
        row(t, "gcc -O2 -c, 2,000-line file (cc1 + as)", List.of("/usr/bin/gcc", "-O2", "-c", "-o", work.resolve("cm.o").toString(),
                source.toString()), null, false);
        row(t, "python3 -c pass", List.of("/usr/bin/python3", "-c", "pass"), null, false);
        System.out.print(t);
        return t.toString();
    }

    private void row(StringBuilder t, String name, List<String> cmd, List<String> emptyCmd, boolean staticGuest)
            throws Exception {
        t.append("| ").append(name);
        t.append(" | ").append(fmt(time(cmd, emptyCmd, List.of())));
        t.append(" | ").append(qemu == null ? "-" : fmt(time(cmd, emptyCmd, List.of(qemu))));
        String floorEngine = engines.values().iterator().next();
        t.append(" | ").append(staticGuest ? fmt(time(cmd, emptyCmd, List.of(floor.toString(), floorEngine))) : "-");
        for (String lib : engines.values()) {
            // The launcher as a user runs it (its JVM, flags and class archive), on the engine of the column.
            List<String> launcher = List.of("env", "JLIBOS_UNICORN=" + lib, repo.resolve("jlibos").toString(), "run");
            t.append(" | ").append(fmt(time(cmd, emptyCmd, launcher)));
        }
        t.append(" |\n");
    }

    /** Best of ROUNDS of the command (minus the best of the empty-input command when there is one), in s. */
    private double time(List<String> cmd, List<String> emptyCmd, List<String> prefix) throws Exception {
        double full = best(prefix, cmd);
        return emptyCmd == null ? full : full - best(prefix, emptyCmd);
    }

    private double best(List<String> prefix, List<String> cmd) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
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
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
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
