package dev.jlibos.kernel.process;

/**
 * A limit set on a {@code Machine} that the guest ran into; {@code Machine.exceededLimits()} lists them
 * after a run. Only {@link #TIMEOUT} and {@link #CPU_TIME} end guests by themselves; the others make the offending call fail
 * as Linux does when a resource limit is reached (for {@link #OUTPUT} with SIGXFSZ, whose default action
 * ends the process), and the guest decides what to do.
 */
public enum Limit {
    /** {@code Machine.Builder.timeout}: the guest was killed with SIGKILL at the deadline. */
    TIMEOUT("wall-clock timeout reached: killed with SIGKILL"),
    /** {@code Machine.Builder.cpuTimeLimit}: a process used up its CPU time and was killed with SIGKILL. */
    CPU_TIME("CPU time limit reached: a process was killed with SIGKILL"),
    /** {@code Machine.Builder.memoryLimit}: an mmap, brk or mremap was refused (ENOMEM). */
    MEMORY("memory limit reached: an allocation failed with ENOMEM"),
    /**
     * {@code Machine.Builder.maxOpenFiles}: opening a file descriptor failed with EMFILE; or the host fds this
     * JVM lends all its guests ({@code HostFdBudget}) were in use: ENFILE.
     */
    OPEN_FILES("open file limit reached: a descriptor allocation failed with EMFILE or ENFILE"),
    /** {@code Machine.Builder.maxProcesses}: a fork or clone failed with EAGAIN. */
    PROCESSES("process limit reached: a fork failed with EAGAIN"),
    /** {@code GuestOptions.maxOutput}: a write to the machine's stdout or stderr was refused (SIGXFSZ, EFBIG). */
    OUTPUT("output limit reached: a write to stdout or stderr raised SIGXFSZ and failed with EFBIG"),
    /** {@code GuestOptions.tmpfsSize} or a tmpfs's own size: a write or truncate in it was cut short or failed with ENOSPC. */
    TMPFS("tmpfs size limit reached: a write was cut short or failed with ENOSPC");

    private final String description;

    Limit(String description) {
        this.description = description;
    }

    /** One line for humans, e.g. in a test failure message. */
    public String description() {
        return description;
    }
}
