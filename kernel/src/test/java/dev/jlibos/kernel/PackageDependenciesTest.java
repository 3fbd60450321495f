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
 * The kernel module's package graph, read from its sources (imports and fully qualified names):
 *
 * <ul>
 *   <li>the sub-packages form a layering without cycles: {@code trace} &lt;- {@code syscall} (registry and
 *   dispatcher) &lt;- {@code sys} (families) &lt;- {@code signal} (the signal families); a family never
 *   calls the dispatcher and the dispatcher never names a family;</li>
 *   <li>the root package holds both the process model the families take ({@code GuestThread},
 *   {@code GuestProcess}) and the wiring that lists them ({@code Kernel}, {@code Families}, {@code Machine}),
 *   so it sits in a cycle with the packages above; that set is pinned here, so no new package joins it.
 *   (Splitting the root needs the public {@code dev.jlibos.kernel} API to move, bench included.)</li>
 * </ul>
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.jlibos.kernel";
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.jlibos\\.kernel((?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    /** Package to the kernel packages it references. */
    static Map<String, Set<String>> graph() throws IOException {
        Path sources = Path.of("src/main/java");
        Map<String, Set<String>> g = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources.resolve("dev/jlibos/kernel"))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String pkg = sources.relativize(f.getParent()).toString().replace('/', '.');
            Set<String> out = g.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
            while (m.find()) {
                String target = ROOT + m.group(1);
                if (!target.equals(pkg)) out.add(target);
            }
        }
        return g;
    }

    @Test
    void subPackagesHaveNoCycles() throws IOException {
        Map<String, Set<String>> g = graph();
        g.remove(ROOT);
        g.values().forEach(targets -> targets.remove(ROOT));
        List<String> cycle = findCycle(g);
        assertTrue(cycle.isEmpty(), "package cycle inside kernel: " + String.join(" -> ", cycle));
    }

    @Test
    void onlyTheKnownPackagesCycleThroughTheRoot() throws IOException {
        Map<String, Set<String>> g = graph();
        Set<String> withRoot = new TreeSet<>();
        for (String p : g.keySet()) {
            if (!p.equals(ROOT) && reaches(g, ROOT, p) && reaches(g, p, ROOT)) withRoot.add(p.substring(ROOT.length() + 1));
        }
        assertEquals(Set.of("signal", "sys", "syscall"), withRoot,
                "packages in a cycle with dev.jlibos.kernel (the process model and the wiring)");
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String to) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            for (String q : g.getOrDefault(p, Set.of())) {
                if (q.equals(to)) return true;
                if (seen.add(q)) todo.add(q);
            }
        }
        return false;
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
