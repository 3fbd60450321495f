package dev.jlibos.vfs.proc;

import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;

import java.util.List;
import java.util.Map;

/**
 * A guest process as /proc describes it: the read-only view the synthetic trees need, implemented by the
 * kernel's process so that /proc lives with the rest of "path -> file" in vfs.
 */
public interface ProcProcess {
    int pid();

    int ppid();

    int pgid();

    int sid();

    /** Live threads, oldest first; the first is the one /proc/PID describes. */
    List<? extends ProcTask> threads();

    /** Every thread has ended (a zombie): it has no /proc entry. */
    boolean finished();

    /** The process has an exit status (its threads are ending or gone): it holds no record locks. */
    boolean exited();

    AddressSpace memory();

    FdTable files();

    FsContext fs();

    String executable();

    List<String> argv();

    List<String> envp();

    Map<Integer, Long> auxv();

    /** Real, effective, saved and filesystem uid, in /proc/PID/status order. */
    int[] uids();

    /** Real, effective, saved and filesystem gid. */
    int[] gids();

    /** SigIgn and SigCgt of status: signals set to SIG_IGN, and signals with a handler. */
    default long ignoredSignals() {
        return 0;
    }

    default long caughtSignals() {
        return 0;
    }

    /** Stopped by job control ('T' in stat and status). */
    boolean stopped();

    /** The process-directed pending signals (ShdPnd). */
    long sharedPendingSignals();

    /** The capability sets in /proc/PID/status order: inheritable, permitted, effective, bounding, ambient. */
    long[] capabilities();
}
