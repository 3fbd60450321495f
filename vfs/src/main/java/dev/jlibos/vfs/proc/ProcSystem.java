package dev.jlibos.vfs.proc;

import java.util.Collection;

/** The machine as /proc describes it: its processes and the kernel identity /proc/sys/kernel reports. */
public interface ProcSystem {
    Collection<? extends ProcProcess> processes();

    /** A process by pid, or null. */
    ProcProcess process(int pid);

    /** /proc/sys/kernel/hostname for {@code caller} (fixed in deterministic mode). */
    String hostname(ProcTask caller);

    /** /proc/sys/kernel/osrelease for {@code caller}. */
    String osRelease(ProcTask caller);
}
