package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * Builds the C guest programs in {@code src/test/c} as static executables, once per JVM and only
 * when a source (or the shared header) is newer than the binary, into
 * {@code target/guest-bin/<flavour>/<name>}.
 *
 * <p>Two flavours, because the two libcs exercise different kernel paths: glibc (IFUNC-selected
 * string routines, TLS setup via arch_prctl, rseq, clone3 fallbacks) and musl (smaller, direct).
 */
public final class GuestPrograms {
    public enum Flavour {
        GLIBC("glibc", "gcc"),
        MUSL("musl", "musl-gcc");

        public final String dirName;
        public final String compiler;

        Flavour(String dirName, String compiler) {
            this.dirName = dirName;
            this.compiler = compiler;
        }

        @Override
        public String toString() {
            return dirName;
        }
    }

    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
    private static final Map<Flavour, Boolean> COMPILER_PRESENT = new ConcurrentHashMap<>();

    private GuestPrograms() {}

    /** The compat-tests module directory (surefire runs tests there; the repo root is a fallback). */
    public static Path moduleDir() {
        for (String candidate : new String[] {System.getProperty("basedir"), System.getProperty("user.dir")}) {
            if (candidate != null && Files.isDirectory(Path.of(candidate, "src/test/c"))) return Path.of(candidate);
        }
        String repo = System.getProperty("jlibos.repo");
        if (repo != null && Files.isDirectory(Path.of(repo, "compat-tests/src/test/c"))) return Path.of(repo, "compat-tests");
        throw new IllegalStateException("cannot find compat-tests/src/test/c from basedir, user.dir or jlibos.repo");
    }

    public static Path sourceDir() {
        return moduleDir().resolve("src/test/c");
    }

    /** Names (without .c) of all guest programs. */
    public static List<String> names() {
        try (Stream<Path> s = Files.list(sourceDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c"))
                    .map(n -> n.substring(0, n.length() - 2)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the built binary, compiling it if needed. Aborts the calling test (an assumption,
     * so it shows as skipped) when the flavour's compiler is not installed; fails it when the
     * program does not compile.
     */
    public static Path binary(Flavour flavour, String name) {
        Assumptions.assumeTrue(compilerPresent(flavour), flavour.compiler + " not installed: " + flavour + " programs skipped");
        return BUILT.computeIfAbsent(flavour.dirName + "/" + name, k -> build(flavour, name));
    }

    private static boolean compilerPresent(Flavour f) {
        return COMPILER_PRESENT.computeIfAbsent(f, k -> {
            try {
                Process p = new ProcessBuilder(k.compiler, "--version").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private static Path build(Flavour flavour, String name) {
        Path src = sourceDir().resolve(name + ".c");
        Path out = moduleDir().resolve("target/guest-bin").resolve(flavour.dirName).resolve(name);
        try {
            if (!Files.isRegularFile(src)) throw new IllegalArgumentException("no guest program " + src);
            if (upToDate(out, src)) return out;
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling(name + ".tmp");
            // -O1: optimised enough to use the usual instruction mix, not so much that the
            // checks in the programs are folded away. -static: jlibos loads static ELFs first.
            List<String> cmd = new ArrayList<>(List.of(flavour.compiler, "-static", "-pthread", "-O1", "-g0", "-Wall",
                    "-o", tmp.toString(), src.toString(), "-lm")); // -lm last: x87rem uses fmodl
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] log = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("compiling " + src.getFileName() + " (" + flavour + ") failed:\n"
                        + String.join(" ", cmd) + "\n" + new String(log, StandardCharsets.UTF_8));
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("building " + name + " (" + flavour + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean upToDate(Path out, Path src) throws IOException {
        if (!Files.isRegularFile(out)) return false;
        FileTime built = Files.getLastModifiedTime(out);
        try (Stream<Path> s = Files.list(src.getParent())) {
            // Any header change rebuilds everything: there are few headers and few programs.
            for (Path h : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".h"))::iterator) {
                if (Files.getLastModifiedTime(h).compareTo(built) > 0) return false;
            }
        }
        return Files.getLastModifiedTime(src).compareTo(built) <= 0;
    }
}
