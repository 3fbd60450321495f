package dev.jlibos.kernel.process;

import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.SignalSender;

import java.util.Collection;
import java.util.Map;
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
    /**
     * The foreground process group of the machine's terminal (TIOCGPGRP/TIOCSPGRP), 0 until a guest sets
     * one: then it is the first process's group, as a shell starting the guest in the foreground makes it.
     */
    private volatile int foregroundGroup;

    /** Guards the process tree: parents, children and the table's removals. */
    public Object lock() {
        return lock;
    }

    public int allocatePid() {
        return nextPid.getAndIncrement();
    }

    public void register(GuestProcess p) {
        processes.put(p.pid, p);
    }

    /** Removes a reaped zombie, or an orphan that ended. */
    public void forget(GuestProcess p) {
        processes.remove(p.pid);
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
        GuestProcess first = processes.get(FIRST_PID);
        return first != null ? first.pgid() : FIRST_PID;
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
