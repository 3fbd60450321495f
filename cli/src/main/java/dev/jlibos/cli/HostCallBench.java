package dev.jlibos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./jlibos bench --host-calls}: how many host syscalls the JVM makes per guest syscall, by kind of
 * call and syscall path, counted by the host itself ({@code strace -f -c} of a whole {@code ./jlibos run}).
 * Each kind runs with N and with 2N iterations of samples/hostcalls.c; (calls(2N) - calls(N)) / N cancels
 * the JVM's start-up and leaves only what grows with the guest's calls. The JVM's own threads (JIT, GC)
 * still add a little that grows with run time, hence figures like 0.01 where the loop itself makes none.
 */
final class HostCallBench {
    /** A kind of guest call, the guest calls per loop iteration, and whether jlibos owns its state. */
    record Kind(String name, int callsPerIteration, boolean owned, String what) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind("getppid", 1, true, "getppid"),
            new Kind("identity", 4, true, "getuid, getgid, gettid, getpid"),
            new Kind("clock", 1, true, "clock_gettime (the syscall, not the vDSO)"),
            new Kind("dev-zero", 1, true, "read 16 bytes of /dev/zero"),
            new Kind("dev-null", 1, true, "write 16 bytes to /dev/null"),
            new Kind("dev-full", 1, true, "write to /dev/full (ENOSPC)"),
            new Kind("dev-urandom", 1, true, "read 16 bytes of /dev/urandom"),
            new Kind("dev-random", 1, true, "read 16 bytes of /dev/random"),
            new Kind("getrandom", 1, true, "getrandom 16 bytes"),
            new Kind("pipe", 2, true, "write + read 1 byte through a pipe, no blocking"),
            new Kind("eventfd", 2, true, "eventfd write + read"),
            new Kind("timerfd", 1, true, "read of an expired periodic timerfd"),
            new Kind("signal", 5, true, "sigprocmask, kill self, getpid, sigwait, sigprocmask"),
            new Kind("futex", 2, true, "FUTEX_WAKE without waiters, FUTEX_WAIT on a changed word"),
            new Kind("mprotect", 2, true, "mprotect of a private anonymous page, there and back"),
            new Kind("mmap", 2, false, "mmap + munmap of 64 KiB anonymous (the host maps the memory)"),
            new Kind("file-read", 1, false, "read 16 bytes of a regular file"),
            new Kind("file-pread", 1, false, "pread 16 bytes of a regular file"),
            new Kind("file-pwrite", 1, false, "pwrite 16 bytes to a regular file"),
            new Kind("file-lseek", 1, false, "lseek on a regular file"),
            new Kind("file-fstat", 1, false, "fstat of a regular file"));

    private final Path work;
    private final Path repo = Path.of(System.getProperty("jlibos.repo", "."));
    private final int iterations;

    HostCallBench(Path work, int iterations) {
        this.work = work;
        this.iterations = iterations;
    }

    /** Prints the table (markdown) and returns it. */
    String run(List<String> paths) throws Exception {
        Path binary = work.resolve("hostcalls");
        Process cc = new ProcessBuilder("gcc", "-O2", "-static", "-o", binary.toString(),
                repo.resolve("samples/hostcalls.c").toString()).inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("gcc failed for samples/hostcalls.c");
        Path scratch = work.resolve("scratch.bin");
        Files.write(scratch, new byte[4096]);

        StringBuilder t = new StringBuilder("| guest call | jlibos owns it |");
        paths.forEach(p -> t.append(" host calls per call, ").append(p).append(" |"));
        t.append(" host calls that grew |\n|---|---|");
        paths.forEach(p -> t.append("---:|"));
        t.append("---|\n");
        for (Kind k : KINDS) {
            t.append("| ").append(k.what()).append(" | ").append(k.owned() ? "yes" : "no (the host acts)");
            Map<String, Long> grown = Map.of();
            for (String path : paths) {
                Map<String, Long> once = count(binary, scratch, k, path, iterations);
                Map<String, Long> twice = count(binary, scratch, k, path, 2 * iterations);
                long delta = twice.getOrDefault("total", 0L) - once.getOrDefault("total", 0L);
                double perCall = (double) delta / ((long) iterations * k.callsPerIteration());
                t.append(" | ").append(String.format(Locale.ROOT, "%.3f", Math.max(0, perCall)));
                if (grown.isEmpty()) grown = growth(once, twice, (long) iterations * k.callsPerIteration());
            }
            t.append(" | ").append(describe(grown)).append(" |\n");
        }
        System.out.print(t);
        return t.toString();
    }

    /** strace -f -c of one run: syscall name -> calls, plus "total". */
    private Map<String, Long> count(Path binary, Path scratch, Kind k, String path, int n) throws Exception {
        Path report = Files.createTempFile(work, "strace", ".txt");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-c", "-o", report.toString(),
                repo.resolve("jlibos").toString(), "run", "--syscall-path=" + path, binary.toString(), k.name(),
                Integer.toString(n), scratch.toString()));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        return parse(Files.readAllLines(report));
    }

    /** strace -c's summary: "% time seconds usecs/call calls [errors] syscall"; calls is the 4th column. */
    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[3].matches("\\d+")) continue;
            calls.merge(f[f.length - 1], Long.parseLong(f[3]), Long::sum);
        }
        return calls;
    }

    /** The host calls that grew by at least a tenth of a call per guest call: what a non-zero figure is made of. */
    private static Map<String, Long> growth(Map<String, Long> once, Map<String, Long> twice, long guestCalls) {
        Map<String, Long> out = new LinkedHashMap<>();
        twice.forEach((name, c) -> {
            long d = c - once.getOrDefault(name, 0L);
            if (!name.equals("total") && d * 10 >= guestCalls) out.put(name, d);
        });
        return out;
    }

    private String describe(Map<String, Long> grown) {
        if (grown.isEmpty()) return "-";
        StringBuilder s = new StringBuilder();
        grown.forEach((name, d) -> s.append(s.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(String.format(Locale.ROOT, "%.2f", (double) d / iterations)));
        return s.append(" per iteration").toString();
    }

    static boolean straceAvailable() throws IOException, InterruptedException {
        try {
            return new ProcessBuilder("strace", "-V").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
