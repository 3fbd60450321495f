package dev.jlibos.kernel.syscall;

import dev.jlibos.syscalls.CompatTable;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The syscall compatibility table straight from the registry's entries, laid out by syscall-table's
 * {@link CompatTable}: {@code ./jlibos syscalls} prints its text or Markdown, docs/compat (compat-tests'
 * CompatMatrix) its Markdown and HTML. Every row names the family that serves the call and the
 * differential tests that make it, so from a syscall's name one file (the family) tells how it is served
 * and one test shows it working.
 */
public final class SyscallTableView {
    private static final String FORWARDED = "forwarded to the host kernel unless --offload=none (the default in a sandbox)";
    private static final List<String> LEVELS = Arrays.stream(Support.values()).map(SyscallTableView::level).toList();

    private SyscallTableView() {
    }

    /**
     * The row's note: the errno a fixed answer gives, and for an unimplemented call the host can take what
     * {@code --offload=auto} (the default without a sandbox) does with it.
     */
    public static String note(SyscallRegistry.Entry e) {
        if (e.support() == Support.ERRNO) return e.errno().name() + ": " + e.note();
        if (forwarded(e)) return FORWARDED;
        return e.note();
    }

    public static String support(SyscallRegistry.Entry e) {
        return level(e.support());
    }

    private static String level(Support s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static boolean forwarded(SyscallRegistry.Entry e) {
        return e.support() == Support.UNIMPLEMENTED && e.offload() != null;
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

    private static List<CompatTable.Row> rows(List<SyscallRegistry.Entry> entries) {
        return entries.stream().map(e -> new CompatTable.Row(e.def().number(), e.def().name(), support(e), handler(e),
                tests(e), note(e), forwarded(e))).toList();
    }

    /** "full 160 · partial 46 · errno 4 · unimplemented 168 (of 378; 9 unimplemented forwarded by --offload=auto)". */
    public static String summary(List<SyscallRegistry.Entry> entries) {
        return CompatTable.summary(rows(entries), LEVELS);
    }

    public static String text(List<SyscallRegistry.Entry> entries) {
        return CompatTable.text(rows(entries));
    }

    public static String markdown(List<SyscallRegistry.Entry> entries) {
        return CompatTable.markdown(rows(entries));
    }

    public static String html(List<SyscallRegistry.Entry> entries, Function<String, String> escape) {
        return CompatTable.html(rows(entries), escape);
    }
}
