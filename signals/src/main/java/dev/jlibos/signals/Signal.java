package dev.jlibos.signals;

/** Linux x86-64 signal numbers, names and default actions (signal(7)). */
public final class Signal {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
            SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
            SIGIO = 29, SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32, SIGRTMAX = 64;
    public static final int COUNT = 64;

    /** What the kernel does with a signal whose handler is SIG_DFL. */
    public enum DefaultAction { TERMINATE, CORE, IGNORE, STOP, CONTINUE }

    private static final String[] NAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signal() {
    }

    public static boolean valid(int sig) {
        return sig >= 1 && sig <= COUNT;
    }

    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
    public static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

    /** Faults the CPU raises synchronously; Linux dequeues them before anything else. */
    public static final long SYNCHRONOUS = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);

    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) return NAMES[sig];
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return "SIGRT_" + (sig - SIGRTMIN);
        return "signal " + sig;
    }

    public static boolean realtime(int sig) {
        return sig >= SIGRTMIN;
    }

    public static DefaultAction defaultAction(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> DefaultAction.CORE;
            case SIGCHLD, SIGURG, SIGWINCH -> DefaultAction.IGNORE;
            case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> DefaultAction.STOP;
            case SIGCONT -> DefaultAction.CONTINUE;
            default -> DefaultAction.TERMINATE;
        };
    }
}
