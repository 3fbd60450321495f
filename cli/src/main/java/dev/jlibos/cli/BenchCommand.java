package dev.jlibos.cli;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.syscalls.offload.OffloadPolicy;
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
 * natively, under qemu-x86_64 (when installed) and under jlibos, so the ratios are comparable; rows of
 * calls the host kernel could serve are also measured with {@code --offload=all} (every allowlisted
 * syscall forwarded), the baseline that shows what in-process serving gains. The getpid and clock rows
 * come once per syscall path, named in the row. One method per row or group of rows.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "Measure syscall cost (lmbench-style rows) and a busybox workload natively, under qemu-x86_64 and under",
        "jlibos (default path and --offload=all; getpid also on the trap and hook paths). Writes report.md and",
        "chart.svg to --out."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--calls", description = "getpid calls per measurement (default ${DEFAULT-VALUE}).")
    long calls = 1_000_000;

    @Option(names = "--megabytes", description = "Size of the sha256sum input in MiB (default ${DEFAULT-VALUE}).")
    int megabytes = 16;

    @Option(names = "--busybox", description = "busybox-static binary (default ${DEFAULT-VALUE}).")
    String busybox = "/bin/busybox";

    @Option(names = "--quick", description = "A tenth of the iterations (a rough table in a few seconds).")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where report.md and chart.svg go (default: docs/bench"
            + " of the jlibos checkout).")
    Path out;

    @Option(names = "--no-report", description = "Print the table only.")
    boolean noReport;

    @Option(names = "--engines", description = {"Only the engine table: a compute guest, busybox sha256sum 32 MiB,",
            "a gcc compile and python3 -c pass natively, under qemu-x86_64, on the engine floor and under",
            "./jlibos run on Unicorn 2.1.4 and Debian's 2.0.1 (whichever are installed). Writes engines.md."})
    boolean enginesOnly;

    @Option(names = "--host-calls", description = {"Only the host-call table: host syscalls per guest syscall, by kind",
            "and syscall path, counted with strace -f -c (runs with N and 2N calls). Writes host-calls.md."})
    boolean hostCallsOnly;

    @Option(names = "--macro", description = {"Only the macro table: dd bs=1, pipe and futex ping-pong, a busybox pipeline,",
            "/proc/self reads and small file reads, natively, under qemu-x86_64 and under jlibos, in steady state,",
            "with host calls per operation and the native trap cost at which jlibos breaks even. Writes macro.md."})
    boolean macroOnly;

    /** One measurement; NaN where a column was not measured (no qemu, or offload irrelevant). */
    record Row(String name, String unit, double nativeValue, double qemuValue, double jlibosValue, double offloadValue) {
    }

    /** Runs per column of the micro rows and per jlibos column of the macro row; the best one counts. */
    private static final int ROUNDS = 2;

    private String qemu;
    private Path work;

    @Override
    public Integer call() throws Exception {
        work = Files.createTempDirectory("jlibos-bench");
        try {
            qemu = RunCommand.resolve("qemu-x86_64");
            if (enginesOnly) return engineTable();
            if (hostCallsOnly) return hostCallTable();
            if (macroOnly) return macroTable();
            if (quick) {
                calls /= 10;
                megabytes = Math.max(1, megabytes / 8);
            }
            warmUp();
            List<Row> rows = new ArrayList<>(getpidRows());
            rows.addAll(clockRows());
            rows.add(nullSyscallRow());
            rows.add(readRow());
            rows.add(writeRow());
            rows.add(openCloseRow());
            rows.add(statRow());
            rows.add(pipeRow());
            rows.add(forkRow());
            rows.add(threadRow());
            if (Files.isExecutable(Path.of(busybox))) {
                rows.addAll(sha256Rows());
            } else {
                System.err.println("jlibos: " + busybox + " not found (apt-get install busybox-static); skipping sha256sum");
            }
            System.out.print(BenchReport.table(rows, qemu != null));
            if (!noReport) {
                Path dir = out != null ? out : Path.of(System.getProperty("jlibos.repo", "."), "docs", "bench");
                BenchReport.write(dir, rows, qemu != null, quick);
                System.out.println("report: " + dir.resolve("report.md") + ", chart: " + dir.resolve("chart.svg"));
            }
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /** The engines found: the provisioned 2.1.4 (or JLIBOS_UNICORN) and Debian's 2.0.1. */
    private int engineTable() throws Exception {
        java.util.Map<String, String> engines = new java.util.LinkedHashMap<>();
        String chosen = dev.jlibos.host.unicorn.Unicorn.libraryPath();
        engines.put("Unicorn " + dev.jlibos.host.unicorn.Unicorn.versionString(), chosen);
        Path debian = Path.of("/usr/lib/x86_64-linux-gnu/libunicorn.so.2");
        if (Files.isRegularFile(debian) && !debian.toString().equals(chosen)) engines.put("Debian 2.0.1", debian.toString());
        String table = new EngineBench(work, qemu, engines).run(busybox);
        if (!noReport) {
            Path dir = out != null ? out : Path.of(System.getProperty("jlibos.repo", "."), "docs", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("engines.md"), "# Engine table (`./jlibos bench --engines`)\n\n" + table
                    + "\nEngines:\n\n```\n" + EngineBench.describe(engines) + "```\n");
            System.out.println("report: " + dir.resolve("engines.md"));
        }
        return 0;
    }

    private int macroTable() throws Exception {
        if (!HostCallBench.straceAvailable()) {
            System.err.println("jlibos: bench --macro needs strace (apt-get install strace)");
            return 1;
        }
        Path lmbench = compileSample(work, "lmbench");
        String table = new MacroBench(work, qemu, busybox).run(lmbench, nativeNanosPerOp(lmbench, "null", 1_000_000));
        if (!noReport) {
            Path dir = out != null ? out : Path.of(System.getProperty("jlibos.repo", "."), "docs", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("macro.md"), "# Macro workloads (`./jlibos bench --macro`)\n\n" + table);
            System.out.println("report: " + dir.resolve("macro.md"));
        }
        return 0;
    }

    /** The binary's own "ns_per_op" figure for MODE N, run natively. */
    private double nativeNanosPerOp(Path binary, String mode, long n) throws Exception {
        Process p = new ProcessBuilder(binary.toString(), mode, Long.toString(n)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !text.startsWith("ns_per_op ")) throw new IllegalStateException(binary + " " + mode + ": " + text);
        return Double.parseDouble(text.substring("ns_per_op ".length()).trim());
    }

    private int hostCallTable() throws Exception {
        if (!HostCallBench.straceAvailable()) {
            System.err.println("jlibos: bench --host-calls needs strace (apt-get install strace)");
            return 1;
        }
        String table = new HostCallBench(work, quick ? 20_000 : 200_000).run(List.of("shim", "hook"));
        if (!noReport) {
            Path dir = out != null ? out : Path.of(System.getProperty("jlibos.repo", "."), "docs", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("host-calls.md"), "# Host calls per guest call (`./jlibos bench --host-calls`)\n\n"
                    + "Counted with `strace -f -c` of `./jlibos run --syscall-path=P samples/hostcalls KIND N` for N and 2N;"
                    + " the figure is (calls(2N) - calls(N)) / guest calls.\n\n" + table);
            System.out.println("report: " + dir.resolve("host-calls.md"));
        }
        return 0;
    }

    /**
     * Runs the lmbench loops once with and without offload, unmeasured, so that neither column pays for
     * the JIT compiling jlibos's dispatch, handlers and marshalling.
     */
    private void warmUp() throws Exception {
        Path binary = compileSample(work, "lmbench");
        for (String mode : List.of("null", "read", "write", "openclose", "stat")) {
            for (OffloadPolicy p : new OffloadPolicy[] {null, OffloadPolicy.ALL}) {
                guest(binary.toString(), List.of("lmbench", mode, "20000", binary.toString()), work, p);
            }
        }
    }

    private int n(int full) {
        return quick ? Math.max(1, full / 10) : full;
    }

    /** The getpid rows' jlibos paths, slowest first: the ways issue 5 compares (after Azalea's fig. 7). */
    private static final List<SyscallPath> GETPID_PATHS = List.of(SyscallPath.TRAP, SyscallPath.HOOK, SyscallPath.SHIM);

    /**
     * libc's getpid() N times, one row per jlibos syscall path (trap: the engine stops and restarts per
     * call; hook: the handler is a function call from the engine; shim: the default path), all from one
     * run: the native and qemu-user columns are one measurement shared by the rows, the jlibos paths
     * alternate round by round, and offload=all (the default path with every allowlisted call forwarded;
     * getpid itself never is) fills the default path's row.
     */
    private List<Row> getpidRows() throws Exception {
        Path binary = compileSample(work, "getpid_loop");
        List<String> argv = List.of("getpid_loop", Long.toString(calls));
        String key = "ns_per_call";
        double[] host = hostColumns(key, binary, argv);
        double[] paths = new double[GETPID_PATHS.size()];
        java.util.Arrays.fill(paths, Double.MAX_VALUE);
        double offloaded = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < paths.length; i++) {
                paths[i] = Math.min(paths[i], parse(key, guest(binary.toString(), argv, work, null, GETPID_PATHS.get(i))));
            }
            offloaded = Math.min(offloaded, parse(key, guest(binary.toString(), argv, work, OffloadPolicy.ALL)));
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            SyscallPath path = GETPID_PATHS.get(i);
            boolean isDefault = path == SyscallPath.defaultPath();
            rows.add(new Row("getpid, " + pathLabel(path), "ns/call", host[0], host[1], paths[i],
                    isDefault ? offloaded : Double.NaN));
        }
        return rows;
    }

    private static String pathName(SyscallPath path) {
        return path.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "hook path", or "shim path (default)" for the path a plain run takes. */
    private static String pathLabel(SyscallPath path) {
        return pathName(path) + " path" + (path == SyscallPath.defaultPath() ? " (default)" : "");
    }

    /**
     * clock_gettime through libc, same binary: natively (Linux's vDSO), under qemu-user (which traps),
     * and under jlibos on the hook path (a Java handler per call) and the shim path (our vDSO); the trap
     * path would only repeat what the getpid rows show about it.
     */
    private List<Row> clockRows() throws Exception {
        Path binary = compileSample(work, "clock_loop");
        List<String> argv = List.of("clock_loop", Long.toString(calls));
        List<Row> rows = new ArrayList<>();
        for (SyscallPath path : List.of(SyscallPath.HOOK, SyscallPath.SHIM)) {
            rows.add(measure("clock_gettime, " + pathName(path) + " path", "ns/call", "ns_per_call", binary, argv, false,
                    path));
        }
        return rows;
    }

    // lmbench-style rows (samples/lmbench.c), after lat_syscall, lat_pipe and lat_proc.

    private Row nullSyscallRow() throws Exception {
        return lmbench("null syscall (getppid)", "null", n(200_000));
    }

    private Row readRow() throws Exception {
        return lmbench("read 1 byte /dev/zero", "read", n(200_000));
    }

    private Row writeRow() throws Exception {
        return lmbench("write 1 byte /dev/null", "write", n(200_000));
    }

    private Row openCloseRow() throws Exception {
        return lmbench("open + close", "openclose", n(20_000));
    }

    private Row statRow() throws Exception {
        return lmbench("stat", "stat", n(20_000));
    }

    private Row pipeRow() throws Exception {
        return lmbench("pipe round trip (2 procs)", "pipe", n(10_000));
    }

    private Row forkRow() throws Exception {
        return lmbench("fork + exit + wait", "fork", n(200));
    }

    private Row lmbench(String name, String mode, int iterations) throws Exception {
        Path binary = compileSample(work, "lmbench");
        Path file = work.resolve("stat-me");
        if (!Files.exists(file)) Files.writeString(file, "lmbench\n");
        List<String> argv = List.of("lmbench", mode, Integer.toString(iterations), file.toString());
        Row r = measure(name, "ns/op", "ns_per_op", binary, argv, true);
        if (r.nativeValue() < 10_000) return r;
        // Process-sized rows read better in microseconds.
        return new Row(r.name(), "us/op", r.nativeValue() / 1000, r.qemuValue() / 1000, r.jlibosValue() / 1000,
                r.offloadValue() / 1000);
    }

    private Row threadRow() throws Exception {
        Path binary = compileSample(work, "thread_loop");
        return measure("pthread_create + join", "us", "us_per_thread", binary, List.of("thread_loop", Integer.toString(n(200))),
                false);
    }

    /** Runs {@code binary} natively, under qemu and under jlibos (and with --offload=all), parsing {@code key}. */
    private Row measure(String name, String unit, String key, Path binary, List<String> argv, boolean offload) throws Exception {
        return measure(name, unit, key, binary, argv, offload, SyscallPath.defaultPath());
    }

    private Row measure(String name, String unit, String key, Path binary, List<String> argv, boolean offload,
                        SyscallPath path) throws Exception {
        double[] host = hostColumns(key, binary, argv);
        // The two jlibos columns alternate, best of ROUNDS each: on a shared machine a single run mostly
        // measures the neighbours.
        double j = Double.MAX_VALUE, o = offload ? Double.MAX_VALUE : Double.NaN;
        for (int round = 0; round < ROUNDS; round++) {
            j = Math.min(j, parse(key, guest(binary.toString(), argv, work, null, path)));
            if (offload) o = Math.min(o, parse(key, guest(binary.toString(), argv, work, OffloadPolicy.ALL, path)));
        }
        return new Row(name, unit, host[0], host[1], j, o);
    }

    /** The native and qemu-x86_64 columns (NaN without qemu), best of ROUNDS each. */
    private double[] hostColumns(String key, Path binary, List<String> argv) throws Exception {
        List<String> hostArgv = new ArrayList<>(argv);
        hostArgv.set(0, binary.toString());
        double nat = Double.MAX_VALUE, q = qemu != null ? Double.MAX_VALUE : Double.NaN;
        for (int round = 0; round < ROUNDS; round++) {
            nat = Math.min(nat, parse(key, host(hostArgv, work)));
            if (qemu != null) {
                List<String> qemuArgv = new ArrayList<>(hostArgv);
                qemuArgv.add(0, qemu);
                q = Math.min(q, parse(key, host(qemuArgv, work)));
            }
        }
        return new double[] {nat, q};
    }

    /** Builds samples/NAME.c statically with the host compiler, once per run. */
    private static Path compileSample(Path work, String name) throws Exception {
        Path binary = work.resolve(name);
        if (Files.isExecutable(binary)) return binary;
        Path source = Path.of(System.getProperty("jlibos.repo", "."), "samples", name + ".c");
        Process cc = new ProcessBuilder("gcc", "-O2", "-static", "-pthread", "-o", binary.toString(), source.toString())
                .inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("gcc -static failed for " + source);
        return binary;
    }

    /** The macro workload: busybox sha256sum reads its input in 4 KiB blocks, one read syscall each. */
    private List<Row> sha256Rows() throws Exception {
        Path input = work.resolve("input.bin");
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (var o = Files.newOutputStream(input)) {
            for (int i = 0; i < megabytes; i++) o.write(block);
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
        // The same workload on the default path, with offload=all, and on the hook path, alternating, so
        // the three see the same machine: how much of the micro gains survives in an application.
        double[] jlibos = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        OffloadPolicy[] policies = {null, OffloadPolicy.ALL, null};
        SyscallPath[] paths = {SyscallPath.defaultPath(), SyscallPath.defaultPath(), SyscallPath.HOOK};
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < jlibos.length; i++) {
                t0 = System.nanoTime();
                String got = guest(busybox, argv, work, policies[i], paths[i]);
                jlibos[i] = Math.min(jlibos[i], (System.nanoTime() - t0) / 1e6);
                if (!got.equals(expected)) throw new IllegalStateException("sha256sum differs under jlibos: " + got);
            }
        }
        String name = "busybox sha256sum " + megabytes + " MiB";
        return List.of(new Row(name + ", " + pathLabel(paths[2]), "ms", nat, q, jlibos[2], Double.NaN),
                new Row(name + ", " + pathLabel(paths[0]), "ms", nat, q, jlibos[0], jlibos[1]));
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
    private static String guest(String program, List<String> argv, Path cwd, OffloadPolicy offload) throws Exception {
        return guest(program, argv, cwd, offload, SyscallPath.defaultPath());
    }

    private static String guest(String program, List<String> argv, Path cwd, OffloadPolicy offload, SyscallPath path)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus status = Machine.builder().program(program).args(argv).cwd(cwd.toString())
                .stdout(out).stderr(System.err).offload(offload).syscallPath(path).build().run();
        if (status.signalled() || status.code() > 1) throw new IllegalStateException(program + " failed under jlibos: " + status);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double parse(String key, String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith(key + " ")) return Double.parseDouble(line.substring(key.length() + 1).trim());
        }
        throw new IllegalStateException("unexpected benchmark output: " + output);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
