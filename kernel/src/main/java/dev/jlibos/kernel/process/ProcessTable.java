package dev.jlibos.kernel.process;

import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.SignalSender;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A machine's pid namespace: the live and zombie processes by pid, the next pid, the terminal's
 * foreground group, and the lock that guards the process tree (parents, children, the table).
 */
public final class ProcessTable {
    /** The first pid of the guest's own pid namespace (see README Quirks: not the host's pids). */
    public static final int FIRST_PID = 1000;

    private final Object lock = new Object();
    private final AtomicInteger nextPid = new AtomicInteger(FIRST_PID);
    private final Map<Integer, GuestProcess> processes = new ConcurrentHashMap<>();
    /** Ids held by a task or an unreaped zombie: a host tid the host reuses meanwhile is not given twice. */
    private final Set<Integer> claimed = ConcurrentHashMap.newKeySet();
    /** Where task ids come from: null, this table's counter; else the host tids of the tasks' threads. */
    private volatile HostSyscalls hostTids;
    private volatile int firstPid = FIRST_PID;
    /**
     * The foreground process group of the machine's terminal (TIOCGPGRP/TIOCSPGRP), 0 until a guest sets
     * one: then it is the first process's group, as a shell starting the guest in the foreground makes it.
     */
    private volatile int foregroundGroup;

    /** Guards the process tree: parents, children and the table's removals. */
    public Object lock() {
        return lock;
    }

    /**
     * Numbers tasks after the host tids of the threads that run them (outside deterministic mode and
     * sandboxes: README, Quirks), so guest pids cannot collide with the host's; call before the first task.
     */
    public void useHostTids(HostSyscalls sys) {
        hostTids = sys;
    }

    /** The id of the first process, which runs on the calling host thread (its host tid, when free). */
    public int allocateFirstPid() {
        int id = -1;
        if (hostTids != null) {
            int tid = TaskThread.currentHostTid(hostTids);
            if (claimed.add(tid)) id = tid;
        }
        firstPid = id > 0 ? id : allocatePid();
        return firstPid;
    }

    /** The next id of this table's own counter (snapshot runs, deterministic machines, sandboxes). */
    public int allocatePid() {
        int id;
        do {
            id = nextPid.getAndIncrement();
        } while (!claimed.add(id));
        return id;
    }

    /** The thread for a new task and the task's id; the caller starts it, or abandons it and releases the id. */
    public TaskThread newTaskThread() {
        HostSyscalls sys = hostTids;
        if (sys == null) return TaskThread.counted(allocatePid());
        // A zombie may still hold an id the host gave to a new thread: then take another thread, keeping
        // the refused ones alive meanwhile so that the host cannot give the same tid back.
        java.util.List<TaskThread> refused = new java.util.ArrayList<>();
        try {
            for (int attempt = 0; attempt < 8; attempt++) {
                TaskThread t = TaskThread.hosted(sys);
                if (claimed.add(t.id())) return t;
                refused.add(t);
            }
            return TaskThread.counted(allocatePid());
        } finally {
            refused.forEach(TaskThread::abandon);
        }
    }

    /** The id of a task that ended and will not be waited for (a thread), or of a reaped process. */
    public void release(int id) {
        claimed.remove(id);
    }

    public void register(GuestProcess p) {
        processes.put(p.pid, p);
    }

    /** Removes a reaped zombie, or an orphan that ended. */
    public void forget(GuestProcess p) {
        processes.remove(p.pid);
        claimed.remove(p.pid);
        p.markReaped();
    }

    public GuestProcess get(int pid) {
        return processes.get(pid);
    }

    public Collection<GuestProcess> all() {
        return processes.values();
    }

    public int foregroundGroup() {
        int g = foregroundGroup;
        if (g != 0) return g;
        GuestProcess first = processes.get(firstPid);
        return first != null ? first.pgid() : firstPid;
    }

    public void setForegroundGroup(int pgid) {
        foregroundGroup = pgid;
    }

    /**
     * Sends {@code sig} from the kernel (SI_KERNEL, as the tty driver does for ^C) to every live process
     * of group {@code pgid}; returns how many there were.
     */
    public int signalGroup(int pgid, int sig) {
        int n = 0;
        for (GuestProcess p : processes.values()) {
            if (p.pgid() != pgid || p.exited()) continue;
            SignalSender.send(p, SigInfo.basic(sig, SigInfo.SI_KERNEL));
            n++;
        }
        return n;
    }
}
