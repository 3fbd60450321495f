package dev.jlibos.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel module's package graph, read from its sources (imports and fully qualified names), has no
 * cycle. The packages are layered: {@code process} (the process model: processes, threads, the machine's
 * shared state) &lt;- {@code syscall} (registry, entry, dispatcher) &lt;- {@code sys} (families) &lt;-
 * {@code signal} (the signal families) &lt;- the root package (the {@code Machine} API and the wiring that
 * lists the families). A family never calls the dispatcher, the dispatcher never names a family, and the
 * process model reaches the syscall layer only through {@code process.SyscallService}.
 *
 * <p>The same holds for {@code core}, whose packages (the ABI vocabulary, memory, credentials, rlimits,
 * seccomp, host facts) are what the models moved out of the kernel stand on: read from its sources beside
 * this module's.
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.jlibos.kernel";
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    /** Package to the kernel packages it references. */
    static Map<String, Set<String>> graph() throws IOException {
        return graph(Path.of("src/main/java"), ROOT);
    }

    /** Package to the packages under {@code root} it references, from the sources under {@code sources}. */
    static Map<String, Set<String>> graph(Path sources, String root) throws IOException {
        Pattern reference = Pattern.compile("\\b" + Pattern.quote(root) + "((?:\\.[a-z]\\w*)*)\\.[A-Z]");
        Map<String, Set<String>> g = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources.resolve(root.replace('.', '/')))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String pkg = sources.relativize(f.getParent()).toString().replace('/', '.');
            Set<String> out = g.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = reference.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
            while (m.find()) {
                String target = root + m.group(1);
                if (!target.equals(pkg)) out.add(target);
            }
        }
        return g;
    }

    @Test
    void packagesHaveNoCycles() throws IOException {
        List<String> cycle = findCycle(graph());
        assertTrue(cycle.isEmpty(), "package cycle inside kernel: " + String.join(" -> ", cycle));
    }

    @Test
    void corePackagesHaveNoCycles() throws IOException {
        List<String> cycle = findCycle(graph(Path.of("../core/src/main/java"), "dev.jlibos.core"));
        assertTrue(cycle.isEmpty(), "package cycle inside core: " + String.join(" -> ", cycle));
    }

    @Test
    void theProcessModelDependsOnNoOtherKernelPackage() throws IOException {
        assertEquals(Set.of(), graph().get(ROOT + ".process"), "what dev.jlibos.kernel.process references in kernel");
    }

    /** A cycle as a list of packages (first repeated last), or empty. */
    private static List<String> findCycle(Map<String, Set<String>> g) {
        for (String start : g.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            List<String> found = dfs(g, start, start, path, new TreeSet<>());
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> dfs(Map<String, Set<String>> g, String start, String at, List<String> path, Set<String> seen) {
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = dfs(g, start, next, path, seen);
                if (!found.isEmpty()) return found;
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }
}
