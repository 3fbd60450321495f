package dev.jlibos.syscalls.trace;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes each syscall as one JSON object per line (JSON Lines), in the order calls complete:
 *
 * <pre>{@code
 * {"pid":1000,"tid":1000,"nr":257,"name":"openat","args":[-100,140737488346000,0,0,0,0],"result":3,
 *  "errno":null,"start_ns":1523311,"duration_ns":10480,"text":"openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code pid}, {@code tid}: the calling process and thread (jlibos's pid namespace)</li>
 *   <li>{@code nr}, {@code name}: the syscall number and Linux name</li>
 *   <li>{@code args}: the six argument registers as signed 64-bit integers (AT_FDCWD is -100)</li>
 *   <li>{@code result}: RAX after the call, {@code -errno} on failure</li>
 *   <li>{@code errno}: the error's name ({@code "ENOENT"}) or null on success</li>
 *   <li>{@code start_ns}: start time in ns since the machine started; {@code duration_ns}: wall time
 *       spent in the call, blocking included</li>
 *   <li>{@code text}: the strace-style line (the same text as {@code --strace}, without alignment)</li>
 * </ul>
 *
 * Thread-safe: lines from concurrent guest processes never interleave.
 */
public final class JsonLinesTrace implements SyscallListener, Closeable {
    private final Writer out;
    private IOException failure;

    public JsonLinesTrace(OutputStream sink) {
        this.out = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public boolean wantsText() {
        return true;
    }

    @Override
    public void onSyscall(SyscallRecord r) {
        String line = toJson(r);
        synchronized (this) {
            if (failure != null) return;
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                failure = e; // reported by close(); the guest goes on
            }
        }
    }

    /** One record as a JSON object on one line (no trailing newline). */
    public static String toJson(SyscallRecord r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"pid\":").append(r.pid()).append(",\"tid\":").append(r.tid())
                .append(",\"nr\":").append(r.number()).append(",\"name\":");
        string(sb, r.name());
        sb.append(",\"args\":[");
        long[] args = r.args();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(args[i]);
        }
        sb.append("],\"result\":").append(r.result()).append(",\"errno\":");
        if (r.errno() == 0) sb.append("null");
        else string(sb, r.errnoName());
        sb.append(",\"start_ns\":").append(r.startNanos()).append(",\"duration_ns\":").append(r.durationNanos());
        if (r.text() != null) {
            sb.append(",\"text\":");
            string(sb, r.text());
        }
        return sb.append('}').toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** Flushes and closes the sink; throws the first write error, if any happened during the run. */
    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) failure = e;
        }
        if (failure != null) throw failure;
    }
}
