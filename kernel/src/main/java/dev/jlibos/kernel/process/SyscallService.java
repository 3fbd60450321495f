package dev.jlibos.kernel.process;

/**
 * The syscall layer as the process model sees it: serving a thread's call, and keeping the kml-shim's
 * per-image answers current. The dispatcher implements it; the process model only holds it, so it does
 * not depend on the registry or the families that sit above it.
 */
public interface SyscallService {
    /** Serves the call in the thread's registers (the engine's hook, or the trap path's run loop). */
    void dispatch(GuestThread thread);

    /** A new image was loaded (execve, a machine's first program): maps the kml-shim's pages if sites are rewritten. */
    void imageLoaded(GuestThread thread);

    /** The image was copied into another process (fork, a snapshot's run): the shim's answers are rewritten for it. */
    void imageCopied(GuestThread thread);

    /**
     * The thread's process started filtering its calls (seccomp): from now on none may be answered
     * without reaching {@link #dispatch}. Called under the execution lock after
     * {@link GuestProcess#filterSyscalls()}.
     */
    void syscallsFiltered(GuestThread thread);
}
