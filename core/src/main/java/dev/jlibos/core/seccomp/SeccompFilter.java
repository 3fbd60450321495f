package dev.jlibos.core.seccomp;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Seccomp;
import dev.jlibos.core.bpf.SeccompBpf;

/**
 * One installed seccomp filter and, through {@link #previous}, every filter installed before it: a
 * thread's stack of filters is its newest one. Filters never change once installed, so threads created
 * by fork and clone share their creator's stack, and a new filter on one thread leaves the others' alone.
 */
public record SeccompFilter(SeccompBpf program, SeccompFilter previous) {
    /** Linux charges 4 instructions per filter on top of its length against MAX_INSNS_PER_PATH. */
    private static final int PENALTY = 4;

    /** {@code program} stacked on {@code below} (null: the first filter); ENOMEM past MAX_INSNS_PER_PATH. */
    public static SeccompFilter stack(SeccompBpf program, SeccompFilter below) {
        if (below != null && program.length() + below.pathLength() > Seccomp.MAX_INSNS_PER_PATH) {
            throw Errno.ENOMEM.fail();
        }
        return new SeccompFilter(program, below);
    }

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

    /**
     * The stack's verdict on one call: every filter runs, newest first; the action of highest precedence
     * wins (the lowest as a signed number: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG,
     * ALLOW), with its data from the newest filter that returned it.
     */
    public int verdict(int[] seccompData) {
        int verdict = Seccomp.RET_ALLOW;
        for (SeccompFilter f = this; f != null; f = f.previous) {
            int result = f.program.run(seccompData);
            if ((result & Seccomp.RET_ACTION_FULL) < (verdict & Seccomp.RET_ACTION_FULL)) verdict = result;
        }
        return verdict;
    }

    /**
     * struct seccomp_data as the 16 words a filter reads: nr, arch, instruction_pointer (after the
     * syscall), args[6]. {@code registers} are the call's number and its six arguments.
     */
    public static int[] data(long[] registers, long instructionPointer) {
        int[] data = new int[Seccomp.DATA_SIZE / 4];
        data[0] = (int) registers[0];
        data[1] = Seccomp.AUDIT_ARCH_X86_64;
        data[2] = (int) instructionPointer;
        data[3] = (int) (instructionPointer >>> 32);
        for (int i = 0; i < 6; i++) {
            data[4 + 2 * i] = (int) registers[i + 1];
            data[5 + 2 * i] = (int) (registers[i + 1] >>> 32);
        }
        return data;
    }
}
