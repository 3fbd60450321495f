package dev.jlibos.kernel.process;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jlibos's own diagnostics, on the launcher's stderr with a "jlibos:" prefix: unimplemented calls and
 * flags (once each), internal errors. Guest output never goes through here.
 */
public final class KernelLog {
    private final PrintStream out;
    private final boolean debug;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    public KernelLog(PrintStream out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    public boolean debug() {
        return debug;
    }

    /** Logs a message the first time it is seen (e.g. the same unimplemented syscall called in a loop). */
    public void once(String message) {
        if (said.add(message)) out.println("jlibos: " + message);
    }

    public void error(String message, Throwable cause) {
        out.println("jlibos: " + message);
        if (debug && cause != null) cause.printStackTrace(out);
    }
}
