package dev.jlibos.signals;

import dev.jlibos.core.mem.Longs;

/** Builders for the 128-byte {@code siginfo_t}: signo, errno, code, then the union from offset 16. */
public final class SigInfo {
    public static final int SIZE = 128;
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;

    private SigInfo() {
    }

    public static byte[] basic(int signo, int code) {
        byte[] b = new byte[SIZE];
        Longs.put(b, 0, signo, 4);
        Longs.put(b, 8, code, 4);
        return b;
    }

    /** kill(2), tkill(2), raise: who sent it. */
    public static byte[] fromProcess(int signo, int code, int pid, int uid) {
        byte[] b = basic(signo, code);
        Longs.put(b, 16, pid, 4);
        Longs.put(b, 20, uid, 4);
        return b;
    }

    /** A CPU fault: si_addr is the faulting address. */
    public static byte[] fault(int signo, int code, long address) {
        byte[] b = basic(signo, code);
        Longs.put(b, 16, address, 8);
        return b;
    }

    /**
     * SIGSYS from a seccomp filter's SECCOMP_RET_TRAP: si_errno carries the filter's data, si_call_addr the
     * address after the {@code syscall}, si_syscall and si_arch what the filter saw.
     */
    public static byte[] seccompTrap(int code, int data, long callAddress, int syscall, int arch) {
        byte[] b = basic(Signal.SIGSYS, code);
        Longs.put(b, 4, data, 4);
        Longs.put(b, 16, callAddress, 8);
        Longs.put(b, 24, syscall, 4);
        Longs.put(b, 28, arch, 4);
        return b;
    }

    public static final int CLD_EXITED = 1, CLD_KILLED = 2;

    /** SIGCHLD's siginfo for a child that ended (also what waitid reports): si_pid, si_uid, si_status. */
    public static byte[] childEnded(int pid, int uid, boolean killed, int status) {
        byte[] b = fromProcess(Signal.SIGCHLD, killed ? CLD_KILLED : CLD_EXITED, pid, uid);
        Longs.put(b, 24, status, 4);
        return b;
    }

    public static int signo(byte[] info) {
        return (int) Longs.fromBytes(info, 0, 4);
    }

    public static int code(byte[] info) {
        return (int) Longs.fromBytes(info, 8, 4);
    }
}
