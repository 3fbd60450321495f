package dev.jlibos.cli;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.EnginePool;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.loader.LoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jlibos batch FILE}: runs many command lines in one JVM, one after another, each an independent guest
 * with its own stdio, cwd, environment and exit status. A harness or a compatibility matrix that starts
 * thousands of short programs pays the JVM's start-up and class loading once, and every later program runs
 * on code the JIT has already compiled.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, description = {
        "Run many command lines in one JVM, one after another.",
        "FILE has one command line per line ('#' comments and blank lines skipped; words split as a",
        "shell splits them, with '...' and \"...\" quoting). Each gets an empty",
        "stdin, the launcher's environment and cwd, and its own output files with --out (else the launcher's",
        "stdout and stderr). A summary goes to stderr; the status is 0 when every command exited with 0."})
final class BatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The command lines ('-' for standard input).")
    String file;

    @Option(names = "--out", paramLabel = "DIR", description = "Write command N's output to DIR/N.out and DIR/N.err.")
    Path out;

    @Option(names = "--no-engine-pool", description = {"Start every command on a fresh engine (to compare): by default a",
            "program run before starts on a pooled engine that keeps its translated code."})
    boolean noPool;

    /** The JVM's pool ({@code -Djlibos.engine-pool...} configure it), or none with --no-engine-pool. */
    private EnginePool pool;

    @Override
    public Integer call() throws IOException {
        List<String> lines = file.equals("-")
                ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        if (out != null) Files.createDirectories(out);
        pool = noPool ? EnginePool.create(0, 0) : EnginePool.shared();
        List<String> summary = new ArrayList<>();
        int failed = 0, n = 0;
        long start = System.nanoTime();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            n++;
            List<String> words;
            try {
                words = split(trimmed);
            } catch (IllegalArgumentException e) {
                summary.add(String.format(Locale.ROOT, "%4d  error  %s: %s", n, trimmed, e.getMessage()));
                failed++;
                continue;
            }
            long t0 = System.nanoTime();
            String result = runOne(n, words);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (!result.equals("0")) failed++;
            summary.add(String.format(Locale.ROOT, "%4d  %-6s %9.1f ms  %s", n, result, ms, trimmed));
        }
        System.out.flush();
        System.err.println("jlibos batch: " + n + " commands, " + failed + " failed, "
                + String.format(Locale.ROOT, "%.2f s", (System.nanoTime() - start) / 1e9)
                + (pool.enabled() ? "; engine pool: " + pool.enginesReused() + " runs on a pooled engine, "
                        + pool.imagesRecorded() + " images recorded" : "; engine pool off"));
        summary.forEach(System.err::println);
        return failed == 0 ? 0 : 1;
    }

    /** Runs one command; returns its shell status as text, or "error". */
    private String runOne(int n, List<String> words) throws IOException {
        String path = RunCommand.resolve(words.get(0));
        if (path == null) return "127";
        OutputStream stdout = out == null ? System.out : Files.newOutputStream(out.resolve(n + ".out"));
        OutputStream stderr = out == null ? System.err : Files.newOutputStream(out.resolve(n + ".err"));
        try (Machine machine = Machine.builder().program(path).args(words).env(RunCommand.hostEnvironment())
                .cwd(System.getProperty("user.dir")).stdin(new ByteArrayInputStream(new byte[0]))
                .stdout(stdout).stderr(stderr).enginePool(pool).build()) {
            ExitStatus status = machine.run();
            return Integer.toString(status.shellStatus());
        } catch (LoadException e) {
            stderr.write(("jlibos: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            return e.errno() == dev.jlibos.core.Errno.ENOENT ? "127" : "126";
        } finally {
            stdout.flush();
            stderr.flush();
            if (out != null) {
                stdout.close();
                stderr.close();
            }
        }
    }

    /** Shell-like word splitting: blanks separate words; '...' is literal; "..." and \ escape. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unterminated '");
                w.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    if (line.charAt(j) == '\\' && j + 1 < line.length()) j++;
                    w.append(line.charAt(j));
                }
                if (j >= line.length()) throw new IllegalArgumentException("unterminated \"");
                i = j;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(w.toString());
        if (words.isEmpty()) throw new IllegalArgumentException("empty command");
        return words;
    }
}
