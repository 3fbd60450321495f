package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host fds that guest descriptions of every machine in this JVM may hold together: the JVM's own
 * RLIMIT_NOFILE less a reserve for the JVM itself (its jars, sockets, the engine library). Per-process limits
 * (RLIMIT_NOFILE, {@code maxOpenFiles}) do not stop a guest whose many processes each stay under theirs
 * from taking every fd the JVM has, after which the JVM cannot load a class and the other machines cannot
 * open a file. Past the budget, opening gives ENFILE, Linux's "too many open files in system".
 */
public final class HostFdBudget {
    private static final AtomicInteger HELD = new AtomicInteger();
    private static volatile int limit = -1;

    private HostFdBudget() {
    }

    /** Counts one more host fd held by a guest; ENFILE (nothing counted) when the budget is spent. */
    static void acquire() {
        if (HELD.incrementAndGet() > limit()) {
            HELD.decrementAndGet();
            throw Errno.ENFILE.fail();
        }
    }

    static void release() {
        HELD.decrementAndGet();
    }

    /** Host fds guests hold now. */
    public static int held() {
        return HELD.get();
    }

    public static int limit() {
        int l = limit;
        if (l < 0) limit = l = fromJvmLimit(jvmOpenFileLimit());
        return l;
    }

    /** Sets the budget (tests); a value of -1 goes back to the JVM's limit less its reserve. */
    public static void setLimit(int fds) {
        limit = fds < 0 ? fromJvmLimit(jvmOpenFileLimit()) : fds;
    }

    /** A tenth of the JVM's limit, and at least 256, stay the JVM's. */
    static int fromJvmLimit(long jvmLimit) {
        long reserve = Math.max(256, jvmLimit / 10);
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, jvmLimit - reserve));
    }

    /** The soft "Max open files" of /proc/self/limits (the JVM raises it to the hard limit at start). */
    private static long jvmOpenFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (!line.startsWith("Max open files")) continue;
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Integer.MAX_VALUE : Long.parseLong(soft);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 1024;
    }
}
