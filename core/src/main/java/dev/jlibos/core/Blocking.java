package dev.jlibos.core;

/**
 * Waits that may last inside syscall handlers (a pipe, a futex, a sleep, wait4). The threads of one
 * guest process take turns on the process's execution lock (the kernel's GuestProcess): guest code and
 * handlers run only while holding it, because Unicorn engines sharing memory do not make {@code lock}
 * instructions atomic with each other. A wait must give the lock up meanwhile, so every such wait runs
 * through {@link #run}; the kernel installs, per host thread, the {@link Gate} that releases and retakes
 * it. Without a gate (unit tests, a loader) waits simply wait.
 *
 * <p>Lock order: the gate is left before the wait and re-entered after it, never while the waiting
 * code holds another monitor; a wait that needs a monitor (a pipe's buffer) takes it inside
 * {@code wait} and must re-check its condition after {@link #run} returns.
 */
public final class Blocking {
    /** Releases and retakes the calling thread's execution lock. */
    public interface Gate {
        /** Gives the lock up; false if the thread did not hold it (a nested wait). */
        boolean leave();

        /** Takes the lock again, waiting for the thread that holds it. */
        void enter();

        /**
         * As {@link #leave}, for a wait that returns (and re-enters) on any notification of its monitor:
         * deterministic mode may then queue the thread's next turn at the point of the notifying thread.
         */
        default boolean leaveWakeable() {
            return leave();
        }
    }

    @FunctionalInterface
    public interface Wait<T, E extends Exception> {
        T get() throws E;
    }

    private static final ThreadLocal<Gate> GATE = new ThreadLocal<>();

    private Blocking() {
    }

    /** Makes {@code gate} the calling host thread's (null removes it). */
    public static void install(Gate gate) {
        if (gate == null) GATE.remove(); else GATE.set(gate);
    }

    /**
     * As {@link #run}, for a wait that ends whenever its monitor is notified (or the thread is kicked,
     * see the kernel's deterministic baton), so that it always comes back to take the lock.
     */
    public static <T, E extends Exception> T runWakeable(Wait<T, E> wait) throws E {
        Gate gate = GATE.get();
        boolean left = gate != null && gate.leaveWakeable();
        try {
            return wait.get();
        } finally {
            if (left) gate.enter();
        }
    }

    /** Runs {@code wait} with the calling thread's execution lock released. */
    public static <T, E extends Exception> T run(Wait<T, E> wait) throws E {
        Gate gate = GATE.get();
        boolean left = gate != null && gate.leave();
        try {
            return wait.get();
        } finally {
            if (left) gate.enter();
        }
    }
}
