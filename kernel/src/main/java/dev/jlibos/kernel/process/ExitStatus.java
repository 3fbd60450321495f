package dev.jlibos.kernel.process;

/**
 * How a guest process ended: a normal exit with a status, or death by a signal.
 *
 * @param code          exit status (0-255) for a normal exit, else 0
 * @param signal        the fatal signal number, or 0 for a normal exit
 * @param faultAddress  for a fault-induced death (SIGSEGV, SIGBUS, SIGILL, SIGFPE), the address; else -1
 */
public record ExitStatus(int code, int signal, long faultAddress) {
    public static ExitStatus exited(int code) {
        return new ExitStatus(code & 0xff, 0, -1);
    }

    public static ExitStatus killed(int signal, long faultAddress) {
        return new ExitStatus(0, signal, faultAddress);
    }

    public boolean signalled() {
        return signal != 0;
    }

    /** The status a shell reports: the exit code, or 128 + signal number. */
    public int shellStatus() {
        return signalled() ? 128 + signal : code;
    }
}
