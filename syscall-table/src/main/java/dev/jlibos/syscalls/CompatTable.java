package dev.jlibos.syscalls;

import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The syscall compatibility table as text, Markdown and HTML, one row per call: {@code ./jlibos syscalls}
 * prints the first two, docs/compat the last two. The kernel's registry fills the rows (its
 * {@code SyscallTableView}); this class knows only the layout.
 */
public final class CompatTable {
    /**
     * One call: its support level ("full", "partial"...), the family that serves it with its traits, the
     * differential tests that make it, the note; {@code forwarded}: unimplemented, but {@code --offload=auto}
     * sends it to the host kernel.
     */
    public record Row(int number, String name, String support, String handler, String tests, String note,
                      boolean forwarded) {
    }

    private CompatTable() {
    }

    /** "full 160 · partial 46 · errno 4 · unimplemented 168 (of 378; 9 unimplemented forwarded by --offload=auto)". */
    public static String summary(List<Row> rows, List<String> levels) {
        StringJoiner j = new StringJoiner(" · ");
        for (String level : levels) j.add(level + " " + rows.stream().filter(r -> r.support().equals(level)).count());
        long forwarded = rows.stream().filter(Row::forwarded).count();
        return j + " (of " + rows.size() + "; " + forwarded + " unimplemented forwarded by --offload=auto)";
    }

    /** Aligned plain text, one call a line. */
    public static String text(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        for (Row r : rows) {
            s.append(String.format("%4d  %-24s %-13s %-34s %s%n", r.number(), r.name(), r.support(), r.handler(),
                    join(r.note(), r.tests())).stripTrailing()).append('\n');
        }
        return s.toString().replace("\n\n", "\n");
    }

    private static String join(String note, String tests) {
        return tests.isEmpty() ? note : note.isEmpty() ? "[" + tests + "]" : note + " [" + tests + "]";
    }

    /** A Markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder("| nr | name | support | handler | tests | notes |\n|---:|---|---|---|---|---|\n");
        for (Row r : rows) {
            s.append("| ").append(r.number()).append(" | ").append(r.name()).append(" | ").append(r.support())
                    .append(" | ").append(md(r.handler())).append(" | ").append(md(r.tests())).append(" | ")
                    .append(md(r.note())).append(" |\n");
        }
        return s.toString();
    }

    /** An HTML table whose rows are classed by support level (the page's stylesheet colours them). */
    public static String html(List<Row> rows, Function<String, String> escape) {
        StringBuilder s = new StringBuilder("<table><tr><th>nr</th><th>name</th><th>support</th><th>handler</th>"
                + "<th>tests</th><th>notes</th></tr>\n");
        for (Row r : rows) {
            String k = r.support();
            s.append("<tr class=").append(k).append("><td class=n>").append(r.number()).append("</td><td>")
                    .append(escape.apply(r.name())).append("</td><td>").append(k).append("</td><td>")
                    .append(escape.apply(r.handler())).append("</td><td>").append(escape.apply(r.tests())).append("</td><td>")
                    .append(escape.apply(r.note())).append("</td></tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
