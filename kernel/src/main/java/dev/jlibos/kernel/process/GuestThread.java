package dev.jlibos.kernel.process;

import dev.jlibos.core.Blocking;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.seccomp.SeccompState;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.SignalThread;
import dev.jlibos.signals.ThreadSignals;
import dev.jlibos.vfs.proc.ProcSystem;
import dev.jlibos.vfs.proc.ProcTask;

/**
 * One guest thread: its own CPU engine, attached to the process's address space, driven by its own host
 * thread. The threads of a process take turns on the process's execution lock (see
 * {@link GuestProcess#execution}): a thread holds it while its engine runs guest code and while its
 * syscalls are served, and gives it up only in blocking waits ({@link Blocking}) and when preempted.
 */
public final class GuestThread implements Blocking.Gate, SignalThread, ProcTask {
    public final GuestProcess process;
    /** The thread id; a thread that execs becomes the group leader and takes the pid (de_thread). */
    private volatile int tid;
    /** The engine; final in effect: only {@link #useEngine} replaces it, before the thread first runs. */
    public volatile Cpu cpu;
    /** Signal mask, thread-directed pending signals, alternate stack. */
    public final ThreadSignals signals;

    /** The host thread emulating this guest thread (set when it starts), to interrupt blocking waits. */
    private volatile Thread hostThread;
    /** The thread's name (comm): the program's file name until PR_SET_NAME changes it. */
    private String name = "";
    /**
     * Scheduling attributes, per thread as in Linux and copied to threads and processes it creates:
     * the nice value (-20..19, setpriority), the I/O priority as ioprio_set stored it (0: none set) and
     * the CPU affinity mask (sched_setaffinity; null: every CPU). They are bookkeeping only: the host
     * schedules the guest's threads.
     */
    private volatile int nice, ioprio;
    private volatile byte[] cpuMask;
    /**
     * The scheduling policy (SCHED_OTHER, FIFO, RR, BATCH or IDLE), its real-time priority (1..99 for FIFO
     * and RR, else 0) and SCHED_RESET_ON_FORK, set by sched_setscheduler/sched_setparam: bookkeeping too.
     */
    private volatile int policy, rtPriority;
    private volatile boolean resetOnFork;

    /**
     * Takes the scheduling attributes of the thread that created this one (clone, fork). With
     * SCHED_RESET_ON_FORK the new task starts as SCHED_OTHER if the creator is real-time, with a negative
     * nice value raised to 0, and without the flag (sched_fork).
     */
    public void inheritSchedulingFrom(GuestThread creator) {
        nice = creator.nice;
        ioprio = creator.ioprio;
        cpuMask = creator.cpuMask;
        policy = creator.policy;
        rtPriority = creator.rtPriority;
        if (creator.resetOnFork) {
            if (rtPriority != 0) {
                policy = dev.jlibos.core.abi.Sched.SCHED_OTHER;
                rtPriority = 0;
                nice = 0;
            } else if (nice < 0) {
                nice = 0;
            }
        }
    }

    /** The scheduling policy, without SCHED_RESET_ON_FORK. */
    public int policy() {
        return policy;
    }

    /** The real-time priority: 1..99 under SCHED_FIFO and SCHED_RR, else 0. */
    public int rtPriority() {
        return rtPriority;
    }

    public boolean resetOnFork() {
        return resetOnFork;
    }

    /** sched_setscheduler/sched_setparam, after Linux's checks. */
    public void setScheduling(int policy, int rtPriority, boolean resetOnFork) {
        this.policy = policy;
        this.rtPriority = rtPriority;
        this.resetOnFork = resetOnFork;
    }
    /** set_tid_address: cleared and futex-woken when the thread exits (CLONE_CHILD_CLEARTID). */
    private long clearChildTid;
    /** set_robust_list head and length, walked on thread death. */
    private long robustListHead, robustListLength;
    /** The personality(2) flags: per thread, copied to threads and children it creates (see PersonalityCalls). */
    public volatile int personality;
    /** seccomp mode and filters, and no_new_privs: per thread, as in Linux. */
    public final SeccompState seccomp = new SeccompState();
    /** Scratch for the syscall being served; each thread has its own so dispatch is thread-safe. */
    public final SyscallArgs syscallArgs = new SyscallArgs();
    /** Deterministic mode: the engine's block count at the last syscall, and syscalls in this turn. */
    long blocksSeen;
    int turnSyscalls;
    /** Deterministic mode: the engine's block count at which this turn's block budget is spent. */
    long turnEndBlocks;
    /**
     * Deterministic mode: set (holding the baton) when this thread leaves for a wait that any notification
     * ends (InterruptibleSleep, wait4), cleared when it is back; and whether a notifying guest thread has
     * queued its next turn ({@link GuestProcess#kickSleepers}), so the wait must end now.
     */
    volatile boolean wakeableSleep, kicked;
    /** exit(2) of this thread alone: its run loop ends at the next boundary. */
    private volatile boolean exiting;
    /** Whether this thread holds its process's execution lock (only its own host thread changes it). */
    private boolean onCpu;
    /** The ptrace state while a tracer is attached, else null (see {@link Tracee}). */
    public volatile Tracee tracee;

    public GuestThread(GuestProcess process, int tid, Cpu cpu) {
        this.process = process;
        this.tid = tid;
        this.cpu = cpu;
        this.signals = new ThreadSignals(process.signals());
        if (process.deterministic()) cpu.countBlocks();
        this.blocksSeen = cpu.blocksExecuted();
    }

    public Kernel kernel() {
        return process.kernel;
    }

    /**
     * A machine's first thread, before it first runs, takes a pooled engine ({@link EnginePool}) instead of
     * the fresh one it was made with; the caller binds it to the kernel.
     */
    public void useEngine(Cpu engine) {
        if (hostThread != null) throw new IllegalStateException("the thread already runs");
        cpu = engine;
        if (process.deterministic()) cpu.countBlocks();
        blocksSeen = cpu.blocksExecuted();
    }

    /**
     * execve from a pooled engine: this running thread moves to {@code engine} (wired to the dispatcher, its
     * registers still to be set by the caller). Called inside the old engine's syscall hook (or on the trap
     * path), which must not be closed under itself: it is stopped now and closed by the run loop once it
     * has returned from it.
     */
    public void swapEngine(Cpu engine) {
        Cpu previous = cpu;
        Cpu.copyRegisters(previous, engine); // what the caller does not set (flags, FPU control word) as in place
        cpu = engine;
        retired = previous;
        kernel().bind(this);
        previous.stop();
    }

    /** An engine this thread left at execve, closed once the thread is out of it (see {@link #swapEngine}). */
    private Cpu retired;

    private void closeRetired() {
        Cpu r = retired;
        if (r == null) return;
        retired = null;
        r.setEvents(null);
        r.close();
    }

    /** execve by a non-leader thread: it takes over the thread group's id (de_thread). */
    public void becomeLeader() {
        if (tid != process.pid) process.kernel.processTable().release(tid);
        tid = process.pid;
    }

    /** Sets the name (comm), as PR_SET_NAME, execve and thread creation do. */
    public void rename(String comm) {
        name = comm;
    }

    /** Set by the host thread that starts emulating this thread. */
    void runOn(Thread host) {
        hostThread = host;
    }

    /** The I/O priority as ioprio_set stored it (0: none set). */
    public int ioprio() {
        return ioprio;
    }

    /** The CPU affinity mask as sched_setaffinity stored it, or null: every CPU. */
    public byte[] cpuMask() {
        return cpuMask;
    }

    public void setNice(int value) {
        nice = value;
    }

    public void setIoprio(int value) {
        ioprio = value;
    }

    public void setCpuMask(byte[] mask) {
        cpuMask = mask;
    }

    /** The clear_child_tid word: set_tid_address and CLONE_CHILD_CLEARTID; 0 for none. */
    public long clearChildTid() {
        return clearChildTid;
    }

    public void setClearChildTid(long address) {
        clearChildTid = address;
    }

    /** set_robust_list: the list the thread's death walks. */
    public void setRobustList(long head, long length) {
        robustListHead = head;
        robustListLength = length;
    }

    public long robustListHead() {
        return robustListHead;
    }

    public long robustListLength() {
        return robustListLength;
    }

    // The signal model's view of this thread (SignalThread).

    @Override
    public GuestProcess process() {
        return process;
    }

    @Override
    public ThreadSignals signals() {
        return signals;
    }

    @Override
    public Cpu cpu() {
        return cpu;
    }

    @Override
    public Thread hostThread() {
        return hostThread;
    }

    // The /proc view of this thread (ProcTask).

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int nice() {
        return nice;
    }

    @Override
    public long pendingSignals() {
        return signals.privatePendingSet();
    }

    @Override
    public void pauseForHost() {
        InterruptibleSleep.sleep(this, InterruptibleSleep.waiter(this),
                InterruptibleSleep.deadline(InterruptibleSleep.HOST_POLL_SLICE_NANOS), signals.blocked(), true);
    }

    @Override
    public long blockedSignals() {
        return signals.blocked();
    }

    @Override
    public boolean noNewPrivileges() {
        return seccomp.noNewPrivileges();
    }

    @Override
    public int seccompMode() {
        return seccomp.mode();
    }

    @Override
    public int seccompFilters() {
        return seccomp.filterCount();
    }

    @Override
    public ProcSystem system() {
        return process.kernel;
    }

    @Override
    public boolean traceStopped() {
        Tracee t = tracee;
        return t != null && t.stopped();
    }

    @Override
    public int tracerPid() {
        Tracee t = tracee;
        return t != null && !t.detached() ? t.tracer.pid : 0;
    }

    /** ptrace_may_access's attach rules ({@link PtraceAccess}), failing as /proc/PID/mem's open does. */
    @Override
    public void requireAttachRight(dev.jlibos.vfs.proc.ProcProcess target) {
        try {
            PtraceAccess.check(this, (GuestProcess) target, true);
        } catch (dev.jlibos.core.LinuxException e) {
            throw dev.jlibos.core.Errno.EACCES.fail();
        }
    }

    /**
     * Stops the engine at its next block boundary and wakes the host thread if it is blocked in a wait
     * (pipe, sleep, wait4, futex). Safe from any thread.
     */
    @Override
    public void interrupt() {
        cpu.requestStop();
        Thread host = hostThread;
        if (host != null && host != Thread.currentThread()) host.interrupt();
    }

    /** exit(2): only this thread ends; the process goes on while other threads live. */
    public void exitThread() {
        exiting = true;
        if (hostThread == Thread.currentThread()) cpu.stop(); // inside its own syscall hook: safe
        else cpu.requestStop();
    }

    @Override
    public boolean exiting() {
        return exiting;
    }

    // ptrace: the signal model hands a traced thread's signals and stops to its Tracee.

    @Override
    public boolean traced() {
        Tracee t = tracee;
        return t != null && !t.detached();
    }

    @Override
    public byte[] traceSignal(byte[] info) {
        Tracee t = tracee;
        return t != null ? t.signalStop(info) : info;
    }

    @Override
    public void traceGroupStop(int sig) {
        Tracee t = tracee;
        if (t != null) t.groupStop(sig);
    }

    @Override
    public void traceCheckpoint() {
        Tracee t = tracee;
        if (t != null) t.checkpoint();
    }

    private boolean done() {
        return exiting || process.exited();
    }

    @Override
    public boolean leave() {
        if (!onCpu) return false;
        onCpu = false;
        process.offCpu(this);
        return true;
    }

    @Override
    public boolean leaveWakeable() {
        if (!onCpu) return false;
        wakeableSleep = process.deterministic();
        return leave();
    }

    @Override
    public void enter() {
        process.onCpu(this);
        onCpu = true;
        wakeableSleep = false;
        kicked = false;
    }

    @Override
    public boolean takeKick() {
        boolean k = kicked;
        kicked = false;
        return k;
    }

    @Override
    public boolean kicked() {
        return kicked;
    }

    /** Engine errors are jlibos's or Unicorn's, always logged; guest faults only with --debug. */
    private void logFault(CpuExit fault) {
        KernelLog log = kernel().log();
        if (fault.kind() == CpuExit.Kind.ENGINE_ERROR) {
            log.error("engine error at 0x" + Long.toHexString(fault.address()) + ": " + fault.detail(), null);
        }
        if (log.debug()) {
            log.once("fault in tid " + tid + ": " + fault.kind() + " at 0x" + Long.toHexString(fault.address())
                    + ", rip 0x" + Long.toHexString(cpu.get(Reg.RIP)));
        }
    }

    /**
     * Runs guest code from {@code pc} until this thread or its process ends, then (still holding the
     * execution lock) takes the thread out of the process; true if it was the last one.
     */
    boolean run(long pc) {
        boolean last = false;
        Blocking.install(this);
        enter();
        try {
            if (tracee != null) { // a traced new task's first stop; the tracer may move it on
                cpu.set(Reg.RIP, pc);
                kernel().signals().onInterrupted(this);
                pc = cpu.get(Reg.RIP);
            }
            while (!done()) {
                closeRetired();
                Tracee traced = tracee;
                CpuExit exit = traced != null && traced.runsTraced() ? traced.runTraced(pc) : cpu.run(pc);
                if (done()) break;
                if (exit.kind() == CpuExit.Kind.SYSCALL) {
                    // Trap path: the call the hook would have served, now outside the engine. The dispatcher
                    // also delivers signals and yields when asked, as it does in the hook; RIP is the next
                    // instruction unless the call moved it (execve, a signal handler, a restart).
                    kernel().syscalls().dispatch(this);
                    if (done()) break;
                    pc = cpu.get(Reg.RIP);
                    continue;
                }
                if (exit.kind() == CpuExit.Kind.STOPPED) {
                    // A signal, an exec, or preemption: deliver what is pending (often nothing).
                    kernel().signals().onInterrupted(this);
                } else {
                    logFault(exit);
                    kernel().signals().onFault(this, exit);
                }
                if (done()) break;
                if (process.deterministic()) {
                    // Only a spent block budget ends the turn here: a stop asked from elsewhere (a signal)
                    // comes at a host-timed point, and yielding there would make the order of turns so too.
                    if (process.turnBudgetSpent(this)) {
                        process.yieldTurn(this);
                        if (!done()) kernel().signals().onInterrupted(this);
                        if (done()) break;
                    }
                } else if (process.othersWaiting()) { // preempted: the fair lock hands over to the next thread
                    leave();
                    enter();
                    // Signals sent to this thread while it waited: its engine was not running to be stopped.
                    if (!done()) kernel().signals().onInterrupted(this);
                    if (done()) break;
                }
                pc = cpu.get(Reg.RIP);
            }
            closeRetired();
            Tracee traced = tracee;
            if (traced != null) traced.exitEvent(); // ptrace: PTRACE_EVENT_EXIT, with the engine still there
            last = process.removeThread(this);
            // ptrace: the end reported after clear_child_tid woke a joiner (do_exit's exit_mm, then exit_notify),
            // but before the joiner can run: this thread still holds the execution lock.
            if (traced != null) Tracee.threadEnded(this);
            return last;
        } finally {
            // Deterministic mode: the last thread keeps the baton until its process has ended (Kernel.runThread).
            if (!(last && process.deterministic())) leave();
            Blocking.install(null);
        }
    }
}
