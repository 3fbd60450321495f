package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Kernel;
import dev.jlibos.kernel.syscall.Support;
import dev.jlibos.kernel.syscall.SyscallRegistry;

/**
 * Generates the compatibility matrix under {@code docs/compat/} (README.md, index.html, chart.svg): the
 * syscall table straight from the kernel's registry (as gVisor's compatibility page is generated from its
 * syscall table), and every differential case of this module -- busybox applets, dynamically linked host
 * programs, our C programs built static with glibc and with musl -- run natively and under jlibos and
 * marked pass, fail or skip with a reason. Runs only when {@code -Djlibos.compat.out=DIR} is set, which
 * {@code ./jlibos compat} does; in the normal suite it is skipped.
 */
class CompatMatrix {
    enum Result { PASS, FAIL, SKIP }

    /** One program case: where it belongs, what it runs, and how to build its scenario. */
    record Item(String group, String name, String command, Path binary, Function<Item, Scenario> scenario) {
    }

    record Outcome(Item item, Result result, String reason, long millis) {
    }

    /** External suites the issue asks for, run only where installed: where each would be found. */
    private static final Map<String, List<String>> EXTERNAL = new LinkedHashMap<>();

    static {
        EXTERNAL.put("LTP syscall tests", List.of("/opt/ltp/runtest/syscalls", "/usr/lib/ltp/runtest/syscalls"));
        EXTERNAL.put("musl libc-test", List.of("/opt/libc-test", "/usr/src/libc-test", "/usr/local/src/libc-test"));
    }

    @Test
    void generate() throws Exception {
        String out = System.getProperty("jlibos.compat.out");
        Assumptions.assumeTrue(out != null && !out.isBlank(), "-Djlibos.compat.out=DIR not set (./jlibos compat sets it)");
        long start = System.nanoTime();
        List<Item> items = items();
        // Two at a time (two cores), except the network cases: two of them at once would race for ports.
        ExecutorService pool = Executors.newFixedThreadPool(2), alone = Executors.newSingleThreadExecutor();
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Item i : items) futures.add((i.name().startsWith("sockets") ? alone : pool).submit(() -> run(i)));
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) outcomes.add(f.get());
        pool.shutdown();
        alone.shutdown();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        Path dir = Path.of(out);
        Files.createDirectories(dir);
        List<SyscallRegistry.Entry> syscalls = Kernel.registry().describeAll();
        String svg = chart(syscalls, outcomes);
        Files.writeString(dir.resolve("chart.svg"), svg);
        Files.writeString(dir.resolve("README.md"), markdown(syscalls, outcomes, seconds));
        Files.writeString(dir.resolve("index.html"), html(syscalls, outcomes, seconds, svg));
        System.out.println("compat: " + count(outcomes, null, Result.PASS) + " pass, " + count(outcomes, null, Result.FAIL)
                + " fail, " + count(outcomes, null, Result.SKIP) + " skip in " + seconds + " s; written to " + dir);
    }

    // ---- the cases: the differential tests' own lists ----

    static List<Item> items() {
        List<Item> items = new ArrayList<>();
        for (BusyboxTest.Case c : BusyboxTest.cases()) {
            items.add(new Item("busybox applets (static)", c.name(), "busybox " + command(c.runs()), BusyboxTest.BUSYBOX, i -> {
                Scenario.Builder b = new Scenario.Builder("busybox-" + c.name()).fixture(BusyboxTest::fixture);
                for (int k = 0; k < c.runs().size(); k++) {
                    b.step(BusyboxTest.BUSYBOX, c.runs().get(k), BusyboxTest.ENV, k == 0 ? c.stdin() : new byte[0], c.statuses()[k]);
                }
                return b.build();
            }));
        }
        for (DynamicProgramsTest.Case c : DynamicProgramsTest.cases()) {
            Path binary = Path.of(c.binary());
            items.add(new Item("host programs (dynamic, glibc)", c.name(), command(c.runs()), binary, i -> {
                Scenario.Builder b = new Scenario.Builder("dynamic-" + c.name()).fixture(DynamicProgramsTest::fixture);
                for (int k = 0; k < c.runs().size(); k++) {
                    List<String> run = c.runs().get(k);
                    int expected = c.name().equals("grep-no-match") ? 1 : 0;
                    b.step(binary, run.subList(1, run.size()), DynamicProgramsTest.ENV,
                            k == 0 ? c.stdin().getBytes(StandardCharsets.UTF_8) : new byte[0], expected);
                }
                return b.build();
            }));
        }
        for (String[] argv : COREUTILS) {
            Path binary = Path.of("/usr/bin", argv[0]);
            items.add(new Item("coreutils and friends (dynamic, glibc)", argv[0], String.join(" ", argv), binary,
                    i -> new Scenario.Builder("coreutils-" + argv[0]).fixture(DynamicProgramsTest::fixture)
                            .step(binary, List.of(argv).subList(1, argv.length), DynamicProgramsTest.ENV,
                                    "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8), 0)
                            .build()));
        }
        for (Flavour f : Flavour.values()) {
            for (CProgramsTest.Case c : CProgramsTest.cases()) {
                String cmd = c.program() + (c.args().isEmpty() ? "" : " " + String.join(" ", c.args()));
                items.add(new Item("C test programs (static " + f + ")", c.label(), cmd, null, i -> {
                    Path bin = GuestPrograms.binary(f, c.program());
                    Scenario.Builder b = new Scenario.Builder("c-" + f + "-" + c.label())
                            .fixture(d -> Fs.write(d, "fixture.txt", "created by the test before the run\n"))
                            .step(bin, c.args(), c.env(), c.stdin(), c.expectedStatus());
                    if (!c.compareStdout()) b.statusOnly();
                    return b.build();
                }));
            }
        }
        return items;
    }

    /** Host programs beyond DynamicProgramsTest's, matrix only; stdin is "one\ntwo\nthree\n". */
    private static final String[][] COREUTILS = {
            {"cat", "words.txt", "-"}, {"wc", "words.txt"}, {"head", "-n", "2", "words.txt"}, {"tail", "-n", "2", "words.txt"},
            {"tr", "a-z", "A-Z"}, {"cut", "-d,", "-f2", "data.csv"}, {"uniq", "-c"}, {"nl"}, {"tac"}, {"rev"},
            {"md5sum", "words.txt"}, {"sha1sum", "words.txt"}, {"base64", "words.txt"}, {"od", "-An", "-tx1", "words.txt"},
            {"seq", "3", "12"}, {"expr", "6", "*", "7"}, {"basename", "/a/b/c.txt", ".txt"}, {"dirname", "/a/b/c.txt"},
            {"printf", "%s-%d\n", "x", "42"}, {"stat", "-c", "%n %s %F", "words.txt", "dir"}, {"find", ".", "-name", "*.txt"},
            {"du", "-a", "--apparent-size", "-b", "dir"}, {"readlink", "-f", "/proc/self/exe"}, {"env", "-i", "A=1", "env"},
            {"diff", "words.txt", "words.txt"}, {"cmp", "words.txt", "words.txt"}, {"xargs", "echo"}, {"split", "-l", "1", "words.txt"},
            {"comm", "-12", "words.txt", "words.txt"}, {"paste", "-s", "-d+", "-"}, {"fold", "-w", "3"}, {"factor", "1001", "65537"},
            {"numfmt", "--to=iec", "1048576"}, {"bc", "-q"}, {"ip", "-o", "link", "show", "lo"}, {"timeout", "5", "sleep", "0.1"},
            {"nproc"}, {"id", "-u"}, {"getent", "hosts", "localhost"}, {"flock", "-n", "words.txt", "true"},
            {"stdbuf", "-oL", "cat", "words.txt"}, {"nice", "-n", "5", "nice"}, {"ionice"}, {"taskset", "-c", "0", "nproc"}, {"jq", "-n", "1+1"}, {"xxd", "words.txt"},
    };

    private static String command(List<List<String>> runs) {
        String first = String.join(" ", runs.get(0));
        return runs.size() > 1 ? first + " (+" + (runs.size() - 1) + " more)" : first;
    }

    private static Outcome run(Item i) {
        long start = System.nanoTime();
        if (i.binary() != null && !Files.isExecutable(i.binary())) {
            return new Outcome(i, Result.SKIP, i.binary() + " is not installed", 0);
        }
        try {
            Scenario s = i.scenario().apply(i);
            String gap = KnownGaps.reason(s.id());
            Differential.check(s);
            long ms = (System.nanoTime() - start) / 1_000_000;
            return gap == null ? new Outcome(i, Result.PASS, "", ms) : new Outcome(i, Result.FAIL, "known gap: " + gap, ms);
        } catch (TestAbortedException e) {
            return new Outcome(i, Result.SKIP, e.getMessage(), 0);
        } catch (AssertionError e) {
            return new Outcome(i, Result.FAIL, summary(e.getMessage()), (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | LinkageError e) {
            return new Outcome(i, Result.FAIL, "error: " + e, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The status line and first differing line of a Differential failure. */
    static String summary(String message) {
        if (message == null) return "differs from Linux";
        List<String> parts = new ArrayList<>();
        String[] lines = message.split("\n");
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("status:") && parts.stream().noneMatch(p -> p.startsWith("status:"))) parts.add(t);
            if (t.startsWith("+ ") && !t.startsWith("+++") && parts.stream().noneMatch(p -> p.startsWith("jlibos:"))) {
                parts.add("jlibos: " + t.substring(2).strip());
            }
            if (t.startsWith("files differ") || t.startsWith("file ")) parts.add(t);
        }
        for (int k = 0; k < lines.length - 1; k++) { // what the guest said about it
            if (!lines[k].strip().equals("jlibos stderr tail:")) continue;
            for (int j = k + 1; j < lines.length && !lines[j].isBlank(); j++) {
                String t = lines[j].strip();
                if (!t.isEmpty()) {
                    parts.add("stderr: " + t);
                    break;
                }
            }
        }
        if (parts.isEmpty()) parts.add(lines.length > 1 ? lines[1].strip() : lines[0].strip());
        String s = String.join("; ", parts.subList(0, Math.min(4, parts.size())));
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }

    // ---- counting ----

    private static long count(List<Outcome> os, String group, Result r) {
        return os.stream().filter(o -> (group == null || o.item().group().equals(group)) && o.result() == r).count();
    }

    private static List<String> groups(List<Outcome> os) {
        return os.stream().map(o -> o.item().group()).distinct().toList();
    }

    private static Map<Support, Integer> supportCounts(List<SyscallRegistry.Entry> entries) {
        Map<Support, Integer> m = new EnumMap<>(Support.class);
        for (Support s : Support.values()) m.put(s, 0);
        for (SyscallRegistry.Entry e : entries) m.merge(e.support(), 1, Integer::sum);
        return m;
    }

    private static String note(SyscallRegistry.Entry e) {
        return e.support() == Support.ERRNO ? e.errno().name() + ": " + e.note() : e.note();
    }

    private static String external(String suite) {
        for (String p : EXTERNAL.get(suite)) if (Files.exists(Path.of(p))) return null;
        return "not installed on this machine (looked in " + String.join(", ", EXTERNAL.get(suite)) + ")";
    }

    // ---- chart: hand-written SVG, stacked horizontal bars ----

    private static final Map<String, String> COLOURS = Map.of("pass", "#2e7d32", "fail", "#c62828", "skip", "#9e9e9e",
            "full", "#2e7d32", "partial", "#f9a825", "errno", "#1565c0", "unimplemented", "#cfcfcf");

    static String chart(List<SyscallRegistry.Entry> syscalls, List<Outcome> outcomes) {
        List<String> labels = new ArrayList<>();
        List<LinkedHashMap<String, Long>> bars = new ArrayList<>();
        LinkedHashMap<String, Long> sc = new LinkedHashMap<>();
        supportCounts(syscalls).forEach((k, v) -> sc.put(k.name().toLowerCase(Locale.ROOT), (long) v));
        labels.add("x86-64 syscalls (" + syscalls.size() + ")");
        bars.add(sc);
        for (String g : groups(outcomes)) {
            LinkedHashMap<String, Long> m = new LinkedHashMap<>();
            for (Result r : Result.values()) m.put(r.name().toLowerCase(Locale.ROOT), count(outcomes, g, r));
            labels.add(g);
            bars.add(m);
        }
        int left = 250, width = 460, row = 34, top = 40;
        int height = top + row * bars.size() + 40;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 20).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("  <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">jlibos compatibility</text>\n");
        for (int b = 0; b < bars.size(); b++) {
            int y = top + b * row;
            long total = bars.get(b).values().stream().mapToLong(Long::longValue).sum();
            s.append("  <text x=\"").append(left - 8).append("\" y=\"").append(y + 17).append("\" text-anchor=\"end\">")
                    .append(xml(labels.get(b))).append("</text>\n");
            double x = left;
            for (var e : bars.get(b).entrySet()) {
                if (e.getValue() == 0 || total == 0) continue;
                double w = width * (double) e.getValue() / total;
                s.append(String.format(Locale.ROOT, "  <rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"24\" fill=\"%s\">"
                        + "<title>%s: %d</title></rect>%n", x, y, w, COLOURS.get(e.getKey()), e.getKey(), e.getValue()));
                if (w >= 24) {
                    s.append(String.format(Locale.ROOT, "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%d</text>%n",
                            x + w / 2, y + 17, e.getKey().equals("unimplemented") || e.getKey().equals("partial") ? "#000" : "#fff",
                            e.getValue()));
                }
                x += w;
            }
        }
        int ly = top + row * bars.size() + 14, lx = 10;
        for (String k : List.of("pass", "fail", "skip", "full", "partial", "errno", "unimplemented")) {
            s.append("  <rect x=\"").append(lx).append("\" y=\"").append(ly - 10).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(COLOURS.get(k)).append("\"/><text x=\"").append(lx + 16).append("\" y=\"").append(ly)
                    .append("\">").append(k).append("</text>\n");
            lx += k.length() * 7 + 34;
        }
        return s.append("</svg>\n").toString();
    }

    // ---- Markdown ----

    static String markdown(List<SyscallRegistry.Entry> syscalls, List<Outcome> outcomes, long seconds) {
        StringBuilder s = new StringBuilder();
        s.append("# jlibos compatibility\n\n");
        s.append("Generated by `./jlibos compat` (").append(LocalDate.now(ZoneOffset.UTC)).append(", ").append(seconds)
                .append(" s): the syscall table comes from the kernel's registry, the program matrix from running every\n"
                        + "differential case of `compat-tests` natively (the oracle) and under jlibos, comparing exit status,\n"
                        + "stdout and the files left behind. The same content with the chart inline: [index.html](index.html).\n\n");
        s.append("![compatibility chart](chart.svg)\n\n");
        s.append("## Programs\n\n| group | pass | fail | skip |\n|---|---:|---:|---:|\n");
        for (String g : groups(outcomes)) {
            s.append("| ").append(g).append(" | ").append(count(outcomes, g, Result.PASS)).append(" | ")
                    .append(count(outcomes, g, Result.FAIL)).append(" | ").append(count(outcomes, g, Result.SKIP)).append(" |\n");
        }
        s.append("| **all** | ").append(count(outcomes, null, Result.PASS)).append(" | ").append(count(outcomes, null, Result.FAIL))
                .append(" | ").append(count(outcomes, null, Result.SKIP)).append(" |\n\n");
        s.append("## External test suites\n\n| suite | result |\n|---|---|\n");
        for (String suite : EXTERNAL.keySet()) {
            String why = external(suite);
            s.append("| ").append(suite).append(" | ").append(why == null ? "present, but no runner yet: skip" : "skip: " + why)
                    .append(" |\n");
        }
        for (String g : groups(outcomes)) {
            s.append("\n## ").append(g).append("\n\n| case | command | result | notes |\n|---|---|---|---|\n");
            for (Outcome o : outcomes) {
                if (!o.item().group().equals(g)) continue;
                s.append("| ").append(md(o.item().name())).append(" | `").append(md(o.item().command()).replace("`", "'"))
                        .append("` | ").append(o.result().name().toLowerCase(Locale.ROOT)).append(" | ").append(md(o.reason()))
                        .append(" |\n");
            }
        }
        Map<Support, Integer> counts = supportCounts(syscalls);
        s.append("\n## Syscalls\n\n");
        for (Support k : Support.values()) s.append(k.name().toLowerCase(Locale.ROOT)).append(" ").append(counts.get(k)).append(" · ");
        s.setLength(s.length() - 3);
        s.append(" (of ").append(syscalls.size()).append(")\n\n| nr | name | support | notes |\n|---:|---|---|---|\n");
        for (SyscallRegistry.Entry e : syscalls) {
            s.append("| ").append(e.def().number()).append(" | ").append(e.def().name()).append(" | ")
                    .append(e.support().name().toLowerCase(Locale.ROOT)).append(" | ").append(md(note(e))).append(" |\n");
        }
        return s.toString();
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    // ---- HTML ----

    static String html(List<SyscallRegistry.Entry> syscalls, List<Outcome> outcomes, long seconds, String svg) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jlibos compatibility</title>\n<style>\n"
                + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
                + "td.n{text-align:right}code{font-size:90%}.pass{background:#e8f5e9}.fail{background:#ffebee}.skip{background:#f5f5f5}"
                + ".full{background:#e8f5e9}.partial{background:#fff8e1}.errno{background:#e3f2fd}.unimplemented{background:#f5f5f5}\n"
                + "</style></head><body>\n<h1>jlibos compatibility</h1>\n");
        s.append("<p>Generated by <code>./jlibos compat</code> (").append(LocalDate.now(ZoneOffset.UTC)).append(", ").append(seconds)
                .append(" s). Each program case runs natively (the oracle) and under jlibos; exit status, stdout and files left"
                        + " behind are compared. The syscall table comes from the kernel's registry.</p>\n");
        s.append(svg);
        s.append("<h2>Programs</h2>\n<table><tr><th>group</th><th>pass</th><th>fail</th><th>skip</th></tr>\n");
        for (String g : groups(outcomes)) {
            s.append("<tr><td>").append(xml(g)).append("</td><td class=n>").append(count(outcomes, g, Result.PASS))
                    .append("</td><td class=n>").append(count(outcomes, g, Result.FAIL)).append("</td><td class=n>")
                    .append(count(outcomes, g, Result.SKIP)).append("</td></tr>\n");
        }
        s.append("</table>\n<h2>External test suites</h2>\n<table><tr><th>suite</th><th>result</th></tr>\n");
        for (String suite : EXTERNAL.keySet()) {
            String why = external(suite);
            s.append("<tr class=skip><td>").append(xml(suite)).append("</td><td>")
                    .append(xml(why == null ? "present, but no runner yet: skip" : "skip: " + why)).append("</td></tr>\n");
        }
        s.append("</table>\n");
        for (String g : groups(outcomes)) {
            s.append("<h2>").append(xml(g)).append("</h2>\n<table><tr><th>case</th><th>command</th><th>result</th><th>notes</th></tr>\n");
            for (Outcome o : outcomes) {
                if (!o.item().group().equals(g)) continue;
                String r = o.result().name().toLowerCase(Locale.ROOT);
                s.append("<tr class=").append(r).append("><td>").append(xml(o.item().name())).append("</td><td><code>")
                        .append(xml(o.item().command())).append("</code></td><td>").append(r).append("</td><td>")
                        .append(xml(o.reason())).append("</td></tr>\n");
            }
            s.append("</table>\n");
        }
        s.append("<h2>Syscalls</h2>\n<table><tr><th>nr</th><th>name</th><th>support</th><th>notes</th></tr>\n");
        for (SyscallRegistry.Entry e : syscalls) {
            String k = e.support().name().toLowerCase(Locale.ROOT);
            s.append("<tr class=").append(k).append("><td class=n>").append(e.def().number()).append("</td><td>")
                    .append(xml(e.def().name())).append("</td><td>").append(k).append("</td><td>").append(xml(note(e)))
                    .append("</td></tr>\n");
        }
        return s.append("</table>\n</body></html>\n").toString();
    }

    static String xml(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
