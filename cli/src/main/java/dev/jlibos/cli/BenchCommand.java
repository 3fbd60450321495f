package dev.jlibos.cli;

import dev.jlibos.kernel.ExitStatus;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code jlibos bench}: one table, one run, on this machine. Every row measures the same static binary
 * natively, under qemu-x86_64 (when installed) and under jlibos, so the ratios are comparable.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure syscall cost and a CPU-bound program natively, under qemu-x86_64 and under jlibos.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--calls", description = "getpid calls per measurement (default ${DEFAULT-VALUE}).")
    long calls = 1_000_000;

    @Option(names = "--megabytes", description = "Size of the sha256sum input in MiB (default ${DEFAULT-VALUE}).")
    int megabytes = 32;

    @Option(names = "--busybox", description = "busybox-static binary (default ${DEFAULT-VALUE}).")
    String busybox = "/bin/busybox";

    private record Row(String name, String unit, double nativeValue, double qemuValue, double jlibosValue) {
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("jlibos-bench");
        try {
            String qemu = RunCommand.resolve("qemu-x86_64");
            List<Row> rows = new ArrayList<>();
            rows.add(getpidRow(work, qemu));
            rows.addAll(clockRows(work, qemu));
            rows.add(forkRow(work, qemu));
            rows.add(threadRow(work, qemu));
            if (Files.isExecutable(Path.of(busybox))) {
                rows.add(sha256Row(work, qemu));
            } else {
                System.err.println("jlibos: " + busybox + " not found (apt-get install busybox-static); skipping sha256sum");
            }
            print(rows, qemu != null);
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private Row getpidRow(Path work, String qemu) throws Exception {
        Path binary = compileSample(work, "getpid_loop");
        String n = Long.toString(calls);
        double nat = parse("ns_per_call", host(List.of(binary.toString(), n), work));
        double q = qemu != null ? parse("ns_per_call", host(List.of(qemu, binary.toString(), n), work)) : Double.NaN;
        double j = parse("ns_per_call", guest(binary.toString(), List.of("getpid_loop", n), work));
        return new Row("getpid marginal cost", "ns/call", nat, q, j);
    }

    /**
     * clock_gettime through libc, same binary: natively and under qemu-user it goes through their vDSO;
     * under jlibos once per syscall path (hook: a syscall per call; shim: our vDSO, no syscall).
     */
    private List<Row> clockRows(Path work, String qemu) throws Exception {
        Path binary = compileSample(work, "clock_loop");
        String n = Long.toString(calls);
        double nat = parse("ns_per_call", host(List.of(binary.toString(), n), work));
        double q = qemu != null ? parse("ns_per_call", host(List.of(qemu, binary.toString(), n), work)) : Double.NaN;
        List<Row> rows = new ArrayList<>();
        for (SyscallPath path : SyscallPath.values()) {
            double j = parse("ns_per_call", guest(binary.toString(), List.of("clock_loop", n), work, path));
            rows.add(new Row("clock_gettime, " + path.name().toLowerCase(java.util.Locale.ROOT) + " path", "ns/call", nat, q, j));
        }
        return rows;
    }

    private Row forkRow(Path work, String qemu) throws Exception {
        Path binary = compileSample(work, "fork_loop");
        String n = "200";
        double nat = parse("us_per_fork", host(List.of(binary.toString(), n), work));
        double q = qemu != null ? parse("us_per_fork", host(List.of(qemu, binary.toString(), n), work)) : Double.NaN;
        double j = parse("us_per_fork", guest(binary.toString(), List.of("fork_loop", n), work));
        return new Row("fork + exit + waitpid", "us", nat, q, j);
    }

    private Row threadRow(Path work, String qemu) throws Exception {
        Path binary = compileSample(work, "thread_loop");
        String n = "200";
        double nat = parse("us_per_thread", host(List.of(binary.toString(), n), work));
        double q = qemu != null ? parse("us_per_thread", host(List.of(qemu, binary.toString(), n), work)) : Double.NaN;
        double j = parse("us_per_thread", guest(binary.toString(), List.of("thread_loop", n), work));
        return new Row("pthread_create + join", "us", nat, q, j);
    }

    /** Builds samples/NAME.c statically with the host compiler. */
    private static Path compileSample(Path work, String name) throws Exception {
        Path source = Path.of(System.getProperty("jlibos.repo", "."), "samples", name + ".c");
        Path binary = work.resolve(name);
        Process cc = new ProcessBuilder("gcc", "-O2", "-static", "-pthread", "-o", binary.toString(), source.toString())
                .inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("gcc -static failed for " + source);
        return binary;
    }

    private Row sha256Row(Path work, String qemu) throws Exception {
        Path input = work.resolve("input.bin");
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (var out = Files.newOutputStream(input)) {
            for (int i = 0; i < megabytes; i++) out.write(block);
        }
        List<String> argv = List.of("busybox", "sha256sum", input.toString());
        long t0 = System.nanoTime();
        String expected = host(List.of(busybox, "sha256sum", input.toString()), work);
        double nat = (System.nanoTime() - t0) / 1e6;
        double q = Double.NaN;
        if (qemu != null) {
            t0 = System.nanoTime();
            host(List.of(qemu, busybox, "sha256sum", input.toString()), work);
            q = (System.nanoTime() - t0) / 1e6;
        }
        t0 = System.nanoTime();
        String got = guest(busybox, argv, work);
        double j = (System.nanoTime() - t0) / 1e6;
        if (!got.equals(expected)) throw new IllegalStateException("sha256sum differs under jlibos: " + got);
        return new Row("busybox sha256sum " + megabytes + " MiB", "ms", nat, q, j);
    }

    private static String host(List<String> command, Path cwd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() > 1) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs in this JVM, as a library user would: JVM start-up is not part of the measurement. */
    private static String guest(String program, List<String> argv, Path cwd) throws Exception {
        return guest(program, argv, cwd, SyscallPath.defaultPath());
    }

    private static String guest(String program, List<String> argv, Path cwd, SyscallPath path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus status = Machine.builder().program(program).args(argv).cwd(cwd.toString())
                .syscallPath(path).stdout(out).stderr(System.err).build().run();
        if (status.signalled() || status.code() > 1) throw new IllegalStateException(program + " failed under jlibos: " + status);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double parse(String key, String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith(key + " ")) return Double.parseDouble(line.substring(key.length() + 1).trim());
        }
        throw new IllegalStateException("unexpected benchmark output: " + output);
    }

    private static void print(List<Row> rows, boolean haveQemu) {
        System.out.printf("%-30s %-8s %12s %12s %12s %14s %12s%n", "benchmark", "unit", "native", "qemu-x86_64",
                "jlibos", "jlibos/native", "jlibos/qemu");
        for (Row r : rows) {
            System.out.printf("%-30s %-8s %12.1f %12s %12.1f %14.2f %12s%n", r.name, r.unit, r.nativeValue,
                    haveQemu ? String.format("%.1f", r.qemuValue) : "n/a", r.jlibosValue,
                    r.jlibosValue / r.nativeValue, haveQemu ? String.format("%.2f", r.jlibosValue / r.qemuValue) : "n/a");
        }
        System.out.println("(sha256sum times are whole runs; jlibos runs in-process, so JVM start-up is excluded)");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
