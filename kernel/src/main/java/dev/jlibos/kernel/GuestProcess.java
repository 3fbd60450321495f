package dev.jlibos.kernel;

import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One guest process: its address space, open files, identity and limits. Threads (issue 4) will share
 * one instance; today every process has exactly one {@link GuestThread}.
 */
public final class GuestProcess {
    public final Kernel kernel;
    public final int pid;
    public volatile int ppid;
    /**
     * Process group and session. A program started by a shell is the leader of its own job's group but
     * not of the session (the shell is), so pgid = pid and sid = the parent's.
     */
    public int pgid, sid;
    /** The address space; execve replaces it. */
    public volatile AddressSpace memory;
    public final FdTable files;
    /** Working directory and umask. */
    public FsContext fs;
    public final Credentials credentials;
    public final ResourceLimits limits = new ResourceLimits();
    /** Dispositions, mask, pending signals, alternate stack (one thread per process today). */
    public dev.jlibos.signals.SignalState signals = new dev.jlibos.signals.SignalState();
    public final List<GuestThread> threads = new ArrayList<>();
    /** Parent (null for the machine's first process or an orphan) and children, guarded by {@link Kernel#processLock}. */
    public GuestProcess parent;
    public final List<GuestProcess> children = new ArrayList<>();
    /** Set once the process's thread has released its resources: only then can it be reaped. */
    volatile boolean finished;
    /** Released when a vfork child execs or exits, so the parent can go on. */
    final java.util.concurrent.CountDownLatch vforkDone = new java.util.concurrent.CountDownLatch(1);

    /** The program's path as the guest named it (for /proc/self/exe and AT_EXECFN). */
    public String executable;
    public List<String> argv = List.of();
    public List<String> envp = List.of();
    /** The auxiliary vector the program started with, in stack order (/proc/self/auxv). */
    public java.util.Map<Integer, Long> auxv = java.util.Map.of();

    /** prctl state: PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS. */
    public int parentDeathSignal;
    public boolean dumpable = true, childSubreaper, noNewPrivileges;

    /** Program break: where brk started (end of bss) and where it is now. */
    public long brkStart, brk;
    /** Top of the region searched downwards for mmap without a hint. */
    public long mmapBase = 0x7ffff7fff000L;

    private volatile ExitStatus exitStatus;

    public GuestProcess(Kernel kernel, int pid, int ppid, AddressSpace memory, FdTable files, Credentials credentials) {
        this.kernel = kernel;
        this.pid = pid;
        this.ppid = ppid;
        this.pgid = pid;
        this.sid = ppid;
        this.memory = memory;
        this.files = files;
        this.credentials = credentials;
    }

    public boolean exited() {
        return exitStatus != null;
    }

    public ExitStatus exitStatus() {
        return exitStatus;
    }

    public boolean finished() {
        return finished;
    }

    /** A vfork child has exec'ed or exited: its parent may go on. */
    public void releaseVforkParent() {
        vforkDone.countDown();
    }

    public void awaitVforkRelease() throws InterruptedException {
        vforkDone.await();
    }

    /** Returns every resource to the host: called once, by the process's own thread, after it stopped. */
    void release() {
        dev.jlibos.kernel.signal.SignalCalls.release(this);
        files.closeAll();
        if (fs != null) fs.close();
        for (GuestThread t : threads) t.cpu.close();
        memory.close();
        vforkDone.countDown();
    }

    /** Ends the whole process (exit_group, fatal signal): every thread stops at its next boundary. */
    public void exit(ExitStatus status) {
        if (exitStatus == null) exitStatus = status;
        for (GuestThread t : threads) t.interrupt();
    }
}
