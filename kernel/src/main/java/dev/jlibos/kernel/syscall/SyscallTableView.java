package dev.jlibos.kernel.syscall;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The one renderer of the syscall compatibility table, straight from the registry's entries: {@code ./jlibos
 * syscalls} prints its text or Markdown, docs/compat (compat-tests' CompatMatrix) its Markdown and HTML.
 * Every row names the family that serves the call and the differential tests that make it, so from a
 * syscall's name one file (the family) tells how it is served and one test shows it working.
 */
public final class SyscallTableView {
    private static final String FORWARDED = "forwarded to the host kernel unless --offload=none (the default in a sandbox)";

    private SyscallTableView() {
    }

    /**
     * The row's note: the errno a fixed answer gives, and for an unimplemented call the host can take what
     * {@code --offload=auto} (the default without a sandbox) does with it.
     */
    public static String note(SyscallRegistry.Entry e) {
        if (e.support() == Support.ERRNO) return e.errno().name() + ": " + e.note();
        if (e.support() == Support.UNIMPLEMENTED && e.offload() != null) return FORWARDED;
        return e.note();
    }

    public static String support(SyscallRegistry.Entry e) {
        return e.support().name().toLowerCase(Locale.ROOT);
    }

    /** The family class that serves it, with its traits: "FileIoCalls (restart, fsize)". */
    public static String handler(SyscallRegistry.Entry e) {
        if (e.family().isEmpty()) return "";
        if (e.traits().isEmpty()) return e.family();
        StringJoiner j = new StringJoiner(", ", e.family() + " (", ")");
        for (Trait t : Trait.values()) if (e.has(t)) j.add(t.label);
        return j.toString();
    }

    public static String tests(SyscallRegistry.Entry e) {
        return String.join(", ", e.tests());
    }

    /** "full 160 · partial 46 · errno 4 · unimplemented 168 (of 378; 9 unimplemented forwarded by --offload=auto)". */
    public static String summary(List<SyscallRegistry.Entry> entries) {
        int[] counts = new int[Support.values().length];
        int forwarded = 0;
        for (SyscallRegistry.Entry e : entries) {
            counts[e.support().ordinal()]++;
            if (e.support() == Support.UNIMPLEMENTED && e.offload() != null) forwarded++;
        }
        StringJoiner j = new StringJoiner(" · ");
        for (Support s : Support.values()) j.add(s.name().toLowerCase(Locale.ROOT) + " " + counts[s.ordinal()]);
        return j + " (of " + entries.size() + "; " + forwarded + " unimplemented forwarded by --offload=auto)";
    }

    /** Aligned plain text, one call a line. */
    public static String text(List<SyscallRegistry.Entry> entries) {
        StringBuilder s = new StringBuilder();
        for (SyscallRegistry.Entry e : entries) {
            s.append(String.format("%4d  %-24s %-13s %-34s %s%n", e.def().number(), e.def().name(), support(e), handler(e),
                    join(note(e), tests(e))).stripTrailing()).append('\n');
        }
        return s.toString().replace("\n\n", "\n");
    }

    private static String join(String note, String tests) {
        return tests.isEmpty() ? note : note.isEmpty() ? "[" + tests + "]" : note + " [" + tests + "]";
    }

    /** A Markdown table. */
    public static String markdown(List<SyscallRegistry.Entry> entries) {
        StringBuilder s = new StringBuilder("| nr | name | support | handler | tests | notes |\n|---:|---|---|---|---|---|\n");
        for (SyscallRegistry.Entry e : entries) {
            s.append("| ").append(e.def().number()).append(" | ").append(e.def().name()).append(" | ").append(support(e))
                    .append(" | ").append(md(handler(e))).append(" | ").append(md(tests(e))).append(" | ").append(md(note(e)))
                    .append(" |\n");
        }
        return s.toString();
    }

    /** An HTML table whose rows are classed by support level (the page's stylesheet colours them). */
    public static String html(List<SyscallRegistry.Entry> entries, Function<String, String> escape) {
        StringBuilder s = new StringBuilder("<table><tr><th>nr</th><th>name</th><th>support</th><th>handler</th>"
                + "<th>tests</th><th>notes</th></tr>\n");
        for (SyscallRegistry.Entry e : entries) {
            String k = support(e);
            s.append("<tr class=").append(k).append("><td class=n>").append(e.def().number()).append("</td><td>")
                    .append(escape.apply(e.def().name())).append("</td><td>").append(k).append("</td><td>")
                    .append(escape.apply(handler(e))).append("</td><td>").append(escape.apply(tests(e))).append("</td><td>")
                    .append(escape.apply(note(e))).append("</td></tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
