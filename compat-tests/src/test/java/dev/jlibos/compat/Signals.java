package dev.jlibos.compat;

/** Linux x86-64 signal numbers, for readable failure messages only. */
final class Signals {
    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    static final int SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGFPE = 8, SIGSEGV = 11, SIGTERM = 15;

    private Signals() {}

    static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) return NAMES[signal] + " (" + signal + ")";
        return "signal " + signal;
    }

    /** The shell status of a death by {@code signal}. */
    static int killedBy(int signal) {
        return 128 + signal;
    }
}
