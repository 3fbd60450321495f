package dev.jlibos.kernel.process;

import dev.jlibos.core.bpf.SeccompBpf;

/**
 * One installed seccomp filter and, through {@link #previous}, every filter installed before it: a
 * thread's stack of filters is its newest one. Filters never change once installed, so threads created
 * by fork and clone share their creator's stack, and a new filter on one thread leaves the others' alone.
 */
public record SeccompFilter(SeccompBpf program, SeccompFilter previous) {
    /** Linux charges 4 instructions per filter on top of its length against MAX_INSNS_PER_PATH. */
    private static final int PENALTY = 4;

    /** The instructions this stack counts against the per-thread limit, with Linux's per-filter penalty. */
    public long pathLength() {
        long total = 0;
        for (SeccompFilter f = this; f != null; f = f.previous) total += f.program.length() + PENALTY;
        return total;
    }

    /** Whether {@code ancestor} is this stack or one below it (null is below every stack). */
    public static boolean descends(SeccompFilter stack, SeccompFilter ancestor) {
        if (ancestor == null) return true;
        for (SeccompFilter f = stack; f != null; f = f.previous) {
            if (f == ancestor) return true;
        }
        return false;
    }
}
