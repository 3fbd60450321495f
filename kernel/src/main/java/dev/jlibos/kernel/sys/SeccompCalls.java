package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Seccomp;
import dev.jlibos.core.bpf.SeccompBpf;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.core.seccomp.SeccompFilter;
import dev.jlibos.core.seccomp.SeccompState;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.core.abi.Seccomp.*;

/**
 * seccomp(2), and prctl's PR_SET_SECCOMP which leads here: entering strict mode and installing BPF
 * filters, per thread, with Linux's checks in Linux's order. The dispatcher applies them
 * ({@code SeccompCheck}); installing one makes the process's calls all reach it (no kml-shim answers).
 */
public final class SeccompCalls implements SyscallFamily {
    /** sizeof(struct sock_fprog): an unsigned short length, padding, the instructions' address. */
    private static final int FPROG_SIZE = 16;
    /** struct seccomp_notif_sizes: seccomp_notif, seccomp_notif_resp, seccomp_data. */
    private static final int NOTIF_SIZE = 80, NOTIF_RESP_SIZE = 24;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.SECCOMP, "strict mode and BPF filters (flags TSYNC, TSYNC_ESRCH, LOG, SPEC_ALLOW);"
                + " NEW_LISTENER (user notification) is EINVAL; RET_TRACE stops for a ptrace tracer with"
                + " PTRACE_O_TRACESECCOMP (PTRACE_EVENT_SECCOMP), else ENOSYS", this::seccomp)
                .coveredBy("CProgramsTest[seccomp]", "CProgramsTest[ptrace_more seccomp]");
    }

    private long seccomp(GuestThread t, SyscallArgs a) {
        int op = a.i32(0), flags = a.i32(1);
        long args = a.get(2);
        switch (op) {
            case SET_MODE_STRICT -> {
                if (flags != 0 || args != 0) throw Errno.EINVAL.fail();
                return enterStrictMode(t);
            }
            case SET_MODE_FILTER -> {
                return installFilter(t, flags, args);
            }
            case GET_ACTION_AVAIL -> {
                if (flags != 0) throw Errno.EINVAL.fail();
                return actionAvailable(t.process.memory().readInt(args));
            }
            case GET_NOTIF_SIZES -> {
                if (flags != 0) throw Errno.EINVAL.fail();
                byte[] sizes = new byte[6];
                Longs.put(sizes, 0, NOTIF_SIZE, 2);
                Longs.put(sizes, 2, NOTIF_RESP_SIZE, 2);
                Longs.put(sizes, 4, DATA_SIZE, 2);
                t.process.memory().write(args, sizes);
                return 0;
            }
            default -> throw Errno.EINVAL.fail();
        }
    }

    /** prctl(PR_SET_SECCOMP, mode, filter): seccomp(2) without flags; strict mode ignores {@code filter}. */
    static long prctl(GuestThread t, long mode, long filter) {
        if (mode == MODE_STRICT) return enterStrictMode(t);
        if (mode == MODE_FILTER) return installFilter(t, 0, filter);
        throw Errno.EINVAL.fail();
    }

    /** USER_NOTIF is reported unavailable: no listener can be created, so a program should not plan on one. */
    private static long actionAvailable(int action) {
        return switch (action) {
            case RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO, RET_TRACE, RET_LOG, RET_ALLOW -> 0;
            default -> throw Errno.EOPNOTSUPP.fail();
        };
    }

    private static long enterStrictMode(GuestThread t) {
        int mode = t.seccomp.mode();
        if (mode != MODE_DISABLED && mode != MODE_STRICT) throw Errno.EINVAL.fail();
        t.seccomp.enterStrictMode();
        filtering(t);
        return 0;
    }

    /** seccomp_set_mode_filter: flags, the program (EFAULT, EINVAL, EACCES), the mode, the limits, TSYNC. */
    private static long installFilter(GuestThread t, int flags, long fprog) {
        if ((flags & ~FLAG_MASK) != 0) throw Errno.EINVAL.fail();
        if ((flags & FLAG_TSYNC) != 0 && (flags & FLAG_NEW_LISTENER) != 0 && (flags & FLAG_TSYNC_ESRCH) == 0) {
            throw Errno.EINVAL.fail();
        }
        if ((flags & FLAG_WAIT_KILLABLE_RECV) != 0 && (flags & FLAG_NEW_LISTENER) == 0) throw Errno.EINVAL.fail();
        if ((flags & FLAG_NEW_LISTENER) != 0) {
            t.kernel().log().once("seccomp: SECCOMP_FILTER_FLAG_NEW_LISTENER (user notification) is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        SeccompBpf program = readProgram(t, fprog);
        SeccompState own = t.seccomp;
        if (own.mode() != MODE_DISABLED && own.mode() != MODE_FILTER) throw Errno.EINVAL.fail();
        SeccompFilter below = own.filters();
        SeccompFilter stack = SeccompFilter.stack(program, below);
        if ((flags & FLAG_TSYNC) != 0) {
            GuestThread stray = unsyncable(t, below);
            if (stray != null) {
                if ((flags & FLAG_TSYNC_ESRCH) != 0) throw Errno.ESRCH.fail();
                return stray.tid();
            }
        }
        own.useFilters(stack);
        if ((flags & FLAG_TSYNC) != 0) {
            for (GuestThread other : t.process.threads) {
                if (other == t || other.exiting()) continue;
                other.seccomp.useFilters(stack);
                if (own.noNewPrivileges()) other.seccomp.forbidNewPrivileges();
            }
        }
        filtering(t);
        return 0;
    }

    /**
     * Copies and checks the guest's struct sock_fprog in Linux's order: its length (EINVAL), the right to
     * filter (EACCES: no_new_privs, or CAP_SYS_ADMIN, which jlibos grants to euid 0), the instructions
     * (EFAULT), the program (EINVAL).
     */
    private static SeccompBpf readProgram(GuestThread t, long fprog) {
        GuestProcess p = t.process;
        byte[] header = p.memory().read(fprog, FPROG_SIZE);
        int length = (int) Longs.fromBytes(header, 0, 2);
        long instructions = Longs.fromBytes(header, 8, 8);
        if (length == 0 || length > MAX_INSNS) throw Errno.EINVAL.fail();
        if (!t.seccomp.noNewPrivileges() && p.credentials.euid != 0) throw Errno.EACCES.fail();
        return SeccompBpf.load(p.memory().read(instructions, length * SeccompBpf.INSN_SIZE));
    }

    /**
     * TSYNC's condition: every other live thread has no filter, or filters that the caller's stack
     * {@code callers} contains. The first thread that does not qualify, or null.
     */
    private static GuestThread unsyncable(GuestThread t, SeccompFilter callers) {
        for (GuestThread other : t.process.threads) {
            if (other == t || other.exiting()) continue;
            int mode = other.seccomp.mode();
            if (mode == MODE_DISABLED) continue;
            if (mode == MODE_FILTER && SeccompFilter.descends(callers, other.seccomp.filters())) continue;
            return other;
        }
        return null;
    }

    /** From now on every call of the process must reach the dispatcher: the kml-shim's sites are put back. */
    private static void filtering(GuestThread t) {
        if (t.process.syscallsFiltered()) return;
        t.process.filterSyscalls();
        t.kernel().syscalls().syscallsFiltered(t);
    }
}
