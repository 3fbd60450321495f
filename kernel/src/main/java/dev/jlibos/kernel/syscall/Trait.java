package dev.jlibos.kernel.syscall;

/**
 * Facts about how one syscall is served besides its handler, declared where it is registered
 * ({@link SyscallRegistry.Registration}) and read by the dispatcher and the kml-shim from its entry.
 */
public enum Trait {
    /**
     * Sleeps with ERESTARTSYS semantics in Linux: a signal that interrupts it either restarts it (SA_RESTART,
     * or no handler runs) or it fails with EINTR.
     */
    RESTARTABLE("restart"),
    /** May grow a file: kept out of host offload while the process has an RLIMIT_FSIZE (the JVM's is unlimited). */
    GROWS_FILES("fsize"),
    /** Replaces the process image when it succeeds: traces describe it before it runs (its arguments go away). */
    REPLACES_IMAGE("exec"),
    /** Answered in the guest by the kml-shim's stub from the data page, once its site is rewritten. */
    SHIM_SERVED("kml"),
    /** May change what the kml-shim's data page answers: the page is refreshed after it. */
    SHIM_REFRESH("kml-refresh");

    /** The short name the compatibility table prints. */
    public final String label;

    Trait(String label) {
        this.label = label;
    }
}
