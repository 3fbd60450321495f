package dev.jlibos.syscalls.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-syscall counts, errors and time, summed over every process of a run: the data of
 * {@code strace -c -w} (wall-clock time, blocking included). Thread-safe.
 */
public final class SyscallStats implements SyscallListener {
    /** One syscall's totals. */
    public record Row(String name, long calls, long errors, long totalNanos) {
        public long averageNanos() {
            return calls == 0 ? 0 : totalNanos / calls;
        }
    }

    private static final class Counter {
        final String name;
        long calls, errors, nanos;

        Counter(String name) {
            this.name = name;
        }
    }

    private final Map<Integer, Counter> counters = new HashMap<>();

    @Override
    public synchronized void onSyscall(SyscallRecord r) {
        Counter c = counters.computeIfAbsent(r.number(), n -> new Counter(r.name()));
        c.calls++;
        if (r.failed()) c.errors++;
        c.nanos += r.durationNanos();
    }

    /** The rows sorted as strace -c sorts them: most time first, then most calls, then by name. */
    public synchronized List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Counter c : counters.values()) rows.add(new Row(c.name, c.calls, c.errors, c.nanos));
        rows.sort(Comparator.comparingLong(Row::totalNanos).reversed()
                .thenComparing(Comparator.comparingLong(Row::calls).reversed())
                .thenComparing(Row::name));
        return rows;
    }

    /** The table {@code strace -c} prints, with its columns and a total line. */
    public String format() {
        List<Row> rows = rows();
        long calls = 0, errors = 0, nanos = 0;
        for (Row r : rows) {
            calls += r.calls();
            errors += r.errors();
            nanos += r.totalNanos();
        }
        String rule = "------ ----------- ----------- --------- --------- ----------------\n";
        StringBuilder sb = new StringBuilder("% time     seconds  usecs/call     calls    errors syscall\n").append(rule);
        for (Row r : rows) line(sb, r.totalNanos(), nanos, r.calls(), r.errors(), r.name());
        sb.append(rule);
        line(sb, nanos, nanos, calls, errors, "total");
        return sb.toString();
    }

    private static void line(StringBuilder sb, long time, long allTime, long calls, long errors, String name) {
        double percent = allTime == 0 ? 0 : 100.0 * time / allTime;
        long usecsPerCall = calls == 0 ? 0 : time / calls / 1000;
        sb.append(String.format(java.util.Locale.ROOT, "%6.2f %11.6f %11d %9d %9s %s%n", percent, time / 1e9,
                usecsPerCall, calls, errors == 0 ? "" : Long.toString(errors), name));
    }
}
