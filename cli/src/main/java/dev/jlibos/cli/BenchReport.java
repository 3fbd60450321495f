package dev.jlibos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The bench's outputs: the console table, a Markdown report and an SVG bar chart (drawn by hand, no library). */
final class BenchReport {
    private BenchReport() {
    }

    private static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    static String table(List<BenchCommand.Row> rows, boolean haveQemu) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-46s %-6s %10s %12s %10s %13s %14s %15s%n";
        sb.append(String.format(Locale.ROOT, fmt, "benchmark", "unit", "native", "qemu-x86_64", "jlibos", "offload=all",
                "jlibos/native", "offload/jlibos"));
        for (BenchCommand.Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.name(), r.unit(), num(r.nativeValue()),
                    haveQemu ? num(r.qemuValue()) : "n/a", num(r.jlibosValue()), num(r.offloadValue()),
                    ratio(r.jlibosValue(), r.nativeValue()), ratio(r.offloadValue(), r.jlibosValue())));
        }
        sb.append("jlibos = the syscall path the row names, else the default (shim: the vDSO serves the clock calls and\n")
                .append("rewritten libc wrappers answer getpid and the uid/gid calls in guest code; every other syscall traps\n")
                .append("into a Java handler called as a function from the engine's hook). hook = that handler for every\n")
                .append("call, no vDSO, no rewriting; trap = the engine stops at every syscall and restarts after the handler (the\n")
                .append("analogue of a trap). offload=all = the default path with every allowlisted syscall forwarded to the\n")
                .append("host kernel; getpid/getppid, pipes and fork are never forwarded. The getpid rows share one native\n")
                .append("and one qemu measurement. sha256sum times are whole runs; jlibos runs in-process, so JVM start-up\n")
                .append("is excluded.\n");
        return sb.toString();
    }

    static void write(Path dir, List<BenchCommand.Row> rows, boolean haveQemu, boolean quick) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("chart.svg"), svg(rows));
        Files.writeString(dir.resolve("report.md"), markdown(rows, haveQemu, quick));
    }

    private static String markdown(List<BenchCommand.Row> rows, boolean haveQemu, boolean quick) {
        StringBuilder sb = new StringBuilder("# jlibos bench\n\n");
        sb.append("Written by `./jlibos bench").append(quick ? " --quick" : "").append("` on ")
                .append(java.time.LocalDate.now()).append(": ").append(cpuModel()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Linux ")
                .append(System.getProperty("os.version")).append(", Java ").append(System.getProperty("java.version"))
                .append(haveQemu ? ", qemu-x86_64 installed" : ", no qemu-x86_64").append(", load average ")
                .append(loadAverage()).append(" when it ended.\n\n");
        sb.append("| benchmark | unit | native | qemu-x86_64 | jlibos | jlibos offload=all | jlibos/native | offload/jlibos |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (BenchCommand.Row r : rows) {
            sb.append("| ").append(r.name()).append(" | ").append(r.unit()).append(" | ").append(num(r.nativeValue()))
                    .append(" | ").append(haveQemu ? num(r.qemuValue()) : "n/a").append(" | ").append(num(r.jlibosValue()))
                    .append(" | ").append(num(r.offloadValue())).append(" | ").append(ratio(r.jlibosValue(), r.nativeValue()))
                    .append(" | ").append(ratio(r.offloadValue(), r.jlibosValue())).append(" |\n");
        }
        sb.append("""

                ![time relative to native, log scale](chart.svg)

                - **native**: the static binary on the host kernel (a real trap). **qemu-x86_64**: the same binary
                  under qemu-user. **jlibos**: the `--syscall-path` the row names, else the default, **shim**: the
                  clock calls served by jlibos's vDSO in guest code, libc's getpid/getuid/geteuid/getgid/getegid
                  wrappers rewritten after their first call into a jump to an in-guest stub (no exit from translated
                  code), every other `syscall` by a Java handler called as a function from the engine's syscall hook
                  (calls jlibos does not implement but the offload allowlist has are forwarded: `--offload=auto`).
                  **hook**: the same handler for every call, no vDSO, no rewriting. **trap**: every
                  `syscall` stops the engine, the thread's run loop serves it and starts the engine again at the
                  next instruction, the analogue of a trap out of user mode. **offload=all**: the default path with
                  every allowlisted call forwarded to the host kernel through its marshalling spec (copies through
                  a scratch block), even those jlibos serves.
                - The getpid rows (after Azalea's fig. 7) time `--calls` calls of libc's `getpid()` (glibc's is
                  `mov $39,%eax; syscall; ret`), one row per jlibos path, from one run: they share one native and one
                  qemu-x86_64 measurement, and offload=all is measured on the default path's row.
                - getpid/getppid, pipes (jlibos's own) and fork are never forwarded, so their two jlibos columns
                  measure the same path; read/write/open/stat and the sha256sum reads differ only by the path.
                - Micro rows time a loop inside the guest with CLOCK_MONOTONIC (start-up excluded); each column is
                  the best of two runs (the jlibos columns alternate). The sha256sum rows are whole runs (4 KiB reads),
                  best of two per jlibos column, on the hook and the default path and with offload=all, alternating;
                  jlibos runs in-process, so JVM start-up is excluded.
                """);
        return sb.toString();
    }

    /** The 1-minute load average: on a shared machine, the context every number needs. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown CPU";
    }

    /** The chart's bars per row; "jlibos" is the path the row names, else the default one. */
    private static final String[] SERIES = {"qemu-x86_64", "jlibos (row's path)", "jlibos offload=all"};
    private static final String[] COLORS = {"#9e9e9e", "#1f77b4", "#ff7f0e"};

    /** Horizontal grouped bars: each column's time divided by native, on a log10 axis (native = 1). */
    static String svg(List<BenchCommand.Row> rows) {
        int labelW = 250, plotW = 560, bar = 11, gap = 12, top = 50;
        int groupH = SERIES.length * bar + gap;
        int height = top + rows.size() * groupH + 40;
        double maxRatio = 1;
        for (BenchCommand.Row r : rows) {
            for (double v : values(r)) if (!Double.isNaN(v)) maxRatio = Math.max(maxRatio, v / r.nativeValue());
        }
        int minExp = -1, maxExp = (int) Math.ceil(Math.log10(maxRatio));
        if (maxExp <= minExp) maxExp = minExp + 1;
        final int lo = minExp, hi = maxExp;
        java.util.function.DoubleUnaryOperator x = ratio -> labelW + plotW * (Math.log10(Math.max(ratio, Math.pow(10, lo))) - lo) / (hi - lo);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", labelW + plotW + 30, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">"
                + "Time relative to native (log scale; 1 = native, shorter is faster)</text>%n", labelW - 200));
        for (int i = 0; i < SERIES.length; i++) {
            int lx = labelW + i * 170;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"28\" width=\"12\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"37\">%s</text>%n", lx, COLORS[i], lx + 16, SERIES[i]));
        }
        int plotBottom = top + rows.size() * groupH;
        for (int e = lo; e <= hi; e++) {
            double px = x.applyAsDouble(Math.pow(10, e));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, top - 4, px, plotBottom,
                    e == 0 ? "#000" : "#ddd", px, plotBottom + 14, e >= 0 ? String.valueOf((long) Math.pow(10, e)) : "0.1"));
        }
        for (int i = 0; i < rows.size(); i++) {
            BenchCommand.Row r = rows.get(i);
            int y0 = top + i * groupH;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", labelW - 6,
                    y0 + SERIES.length * bar / 2 + 4, escape(r.name())));
            double[] v = values(r);
            for (int k = 0; k < v.length; k++) {
                if (Double.isNaN(v[k])) continue;
                double ratio = v[k] / r.nativeValue();
                double w = x.applyAsDouble(ratio) - labelW;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s: %s %s (%.2fx native)</title></rect>"
                        + "<text x=\"%.1f\" y=\"%d\" font-size=\"9\">%.2fx</text>%n", labelW, y0 + k * bar, Math.max(w, 1),
                        bar - 1, COLORS[k], SERIES[k], num(v[k]), r.unit(), ratio, labelW + Math.max(w, 1) + 3,
                        y0 + k * bar + bar - 2, ratio));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">x native</text>%n", labelW + plotW - 40, plotBottom + 28));
        s.append("</svg>\n");
        return s.toString();
    }

    private static double[] values(BenchCommand.Row r) {
        return new double[] {r.qemuValue(), r.jlibosValue(), r.offloadValue()};
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
