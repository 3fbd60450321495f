package dev.jlibos.kernel.process;

import dev.jlibos.core.Blocking;
import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * One traced thread's ptrace state: who traces it, the options, and the stop it is parked in.
 *
 * <p>A tracee stops only on its own host thread ({@link #stop}): inside the syscall path, in signal delivery
 * or at its first instruction, with its engine paused and the execution lock released. The tracer never
 * touches the tracee's engine from its own thread (Unicorn engines are not thread-safe): it hands a
 * {@link #call request} to the stopped tracee, which runs it on its own thread and answers. Guest memory is
 * the exception: the tracer reads and writes it through the address space, as process_vm_readv does.
 */
public final class Tracee {
    /** PTRACE_O_* bits. */
    public static final int O_TRACESYSGOOD = 1, O_TRACEFORK = 1 << 1, O_TRACEVFORK = 1 << 2, O_TRACECLONE = 1 << 3,
            O_TRACEEXEC = 1 << 4, O_TRACEVFORKDONE = 1 << 5, O_TRACEEXIT = 1 << 6, O_TRACESECCOMP = 1 << 7,
            O_EXITKILL = 1 << 20, O_SUSPEND_SECCOMP = 1 << 21;
    public static final int O_MASK = 0xff | O_EXITKILL | O_SUSPEND_SECCOMP;
    /** PTRACE_EVENT_*. */
    public static final int EVENT_FORK = 1, EVENT_VFORK = 2, EVENT_CLONE = 3, EVENT_EXEC = 4, EVENT_VFORK_DONE = 5,
            EVENT_EXIT = 6, EVENT_SECCOMP = 7, EVENT_STOP = 128;
    /** What kind of stop the tracee is in: PTRACE_GET_SYSCALL_INFO's op for syscall stops. */
    public static final int STOP_OTHER = 0, STOP_SYSCALL_ENTRY = 1, STOP_SYSCALL_EXIT = 2, STOP_SECCOMP = 3, STOP_SIGNAL = 4,
            STOP_GROUP = 5;
    /** How the tracer resumed it. */
    public enum Resume { CONT, SYSCALL, LISTEN, DETACH, SINGLESTEP, SYSEMU, SYSEMU_SINGLESTEP }

    public final GuestThread thread;
    public final GuestProcess tracer;
    /** Attached by PTRACE_SEIZE (or inherited from a seized parent): group stops are PTRACE_EVENT_STOPs. */
    public final boolean seized;
    private volatile int options;
    /** PTRACE_SYSCALL was the last restart: syscall-entry and -exit stops are due. */
    private volatile boolean syscallStops;
    /** PTRACE_SINGLESTEP was the last restart: the next instruction runs alone, then a SIGTRAP stop. */
    private volatile boolean stepping;
    /** PTRACE_SYSEMU(_SINGLESTEP) was the last restart: a syscall stops at entry and does not run. */
    private volatile boolean emulating;
    /** DR6 as PEEKUSER reads it: Linux's reserved bits, and BS once a single step has trapped. */
    private volatile long debugStatus = DR6_RESERVED;
    /** DR0-DR3 and DR7 as the tracer wrote them. */
    private final long[] debugRegisters = new long[8];
    /** What DR7 arms (null: nothing), and the address of an instruction breakpoint just reported (x86's RF). */
    private volatile HardwareBreakpoints hardware;
    private long resumeAt = -1;
    /** System calls entered: a store a call makes does not fire a watchpoint. */
    private volatile long syscallsEntered;
    /** si_code of a SIGTRAP from a debug register. */
    private static final int TRAP_HWBKPT = 4;
    /** EFLAGS.TF: the CPU raises #DB (vector 1) after the next instruction. */
    private static final long TRAP_FLAG = 0x100;
    /** Linux's DR6_RESERVED (what DR6 reads with no debug event) and DR6.BS (single step). */
    public static final long DR6_RESERVED = 0xffff0ff0L, DR6_BS = 0x4000;
    /** PTRACE_INTERRUPT asked for a stop the tracee has not made yet. */
    private volatile boolean interruptRequested;
    /** Detached (or the tracer ended): no more stops. */
    private volatile boolean detached;
    /** A new task's first stop, made before its first instruction. */
    private volatile boolean startStop;

    // The current stop, guarded by this object's monitor.
    private boolean stopped;
    private int status;
    private boolean reported;
    private int kind;
    private byte[] siginfo;
    private Resume resume;
    private int resumeSignal;
    private final ArrayDeque<Runnable> requests = new ArrayDeque<>();
    /** PTRACE_GETEVENTMSG's value and the syscall number (orig_rax) of the current syscall stop. */
    private volatile long eventMessage;
    private volatile long origRax = -1;
    /** The exit of a tracee that is not the tracer's child, reported to the tracer once. */
    private boolean exitReported;
    private volatile boolean endAnnounced;
    /** The process stop ({@link dev.jlibos.signals.JobState#stops}) last reported as a group-stop. */
    private int groupStopReported = -1;
    /** The stop signal of the job-control stop the tracee was seized in, until reported (0: none). */
    private volatile int seizedInStop;
    /** A fork event owed to the tracer at the end of the fork call (PTRACE_EVENT_FORK/VFORK/CLONE), and the child's id. */
    private volatile int forkEvent;
    private volatile long forkChild;
    /** A traced thread that is not its process's leader: the code it gave exit(2), and its end's wait status (-1: running). */
    private volatile int exitCode;
    private int threadEnd = -1;
    /** PTRACE_EVENT_EXIT was reported: the thread makes no other. */
    private volatile boolean exitEventDone;
    /** In the PTRACE_EVENT_EXIT stop of a thread whose process is ending: only a resume or SIGKILL ends it. */
    private volatile boolean exitStop;
    private volatile boolean killedInExitStop;
    /** The process's SIGKILL count when the exit stop began: later kills end it, earlier ones caused it. */
    private volatile long exitStopKills;

    public Tracee(GuestThread thread, GuestProcess tracer, boolean seized, int options) {
        this.thread = thread;
        this.tracer = tracer;
        this.seized = seized;
        this.options = options;
        thread.process.signals().traced(true);
    }

    public int options() {
        return options;
    }

    public void options(int value) {
        options = value;
    }

    public boolean has(int option) {
        return (options & option) != 0;
    }

    public boolean syscallStops() {
        return syscallStops && !detached;
    }

    /** Whether a call entered now is the tracer's to emulate (PTRACE_SYSEMU): an entry stop, then skipped. */
    public boolean emulatesSyscalls() {
        return emulating && !detached;
    }

    /** Whether the next instruction is to run alone (PTRACE_SINGLESTEP) and then trap. */
    public boolean stepping() {
        return stepping && !detached;
    }

    /** Whether the tracee must run through {@link #runTraced}: a single step, or breakpoints in DR7. */
    public boolean runsTraced() {
        return (stepping || hardware != null) && !detached;
    }

    /** A system call begins (PtraceStops): its stores are not the program's own for a watchpoint. */
    public void syscallEntered() {
        syscallsEntered++;
    }

    /**
     * Runs the tracee from {@code pc} when it cannot simply run: under PTRACE_SINGLESTEP one instruction
     * runs, and its #DB exit is returned (the caller's fault path makes it SIGTRAP TRAP_TRACE); with debug
     * registers armed it runs an instruction at a time until a breakpoint fires, which posts SIGTRAP
     * TRAP_HWBKPT and returns a stopped exit. Any other exit (a fault, a stop request, a syscall exit) is
     * returned for the caller to act on as usual. DR6 says why it trapped.
     */
    public CpuExit runTraced(long pc) {
        var memory = thread.process.memory();
        while (true) {
            HardwareBreakpoints hw = hardware;
            if (hw != null) {
                // An instruction breakpoint traps before its instruction; resumed there, the instruction
                // runs once without trapping again (RF).
                int hits = resumeAt == pc ? 0 : hw.executionHits(pc);
                if (hits != 0) {
                    resumeAt = pc;
                    return hardwareTrap(hits, pc);
                }
                hw.snapshot(memory);
            }
            long calls = syscallsEntered;
            var exit = stepOne(pc);
            boolean ran = exit.kind() == CpuExit.Kind.EXCEPTION && exit.vector() == 1;
            if (exit.kind() != CpuExit.Kind.STOPPED) resumeAt = -1;
            if (!ran) return exit;
            int hits = hw != null && calls == syscallsEntered ? hw.dataHits(memory) : 0;
            if (stepping) {
                stepping = false;
                debugStatus = DR6_RESERVED | DR6_BS | hits;
                return exit;
            }
            if (hits != 0) return hardwareTrap(hits, thread.cpu.get(Reg.RIP));
            if (hw == null) return CpuExit.STOPPED;
            pc = thread.cpu.get(Reg.RIP);
        }
    }

    private CpuExit hardwareTrap(int hits, long rip) {
        debugStatus = DR6_RESERVED | hits;
        thread.signals.post(SigInfo.fault(Signal.SIGTRAP, TRAP_HWBKPT, rip));
        return CpuExit.STOPPED;
    }

    /**
     * One instruction with the trap flag set, which the tracer does not see (user_enable_single_step's
     * TIF_FORCED_TF): the #DB after it ends the run.
     */
    private CpuExit stepOne(long pc) {
        var cpu = thread.cpu;
        long flags = cpu.get(Reg.EFLAGS);
        if ((flags & TRAP_FLAG) != 0) return cpu.run(pc); // the program traces itself: its flag stays
        cpu.set(Reg.EFLAGS, flags | TRAP_FLAG);
        try {
            return cpu.run(pc);
        } finally {
            cpu.set(Reg.EFLAGS, cpu.get(Reg.EFLAGS) & ~TRAP_FLAG);
        }
    }

    /** The step ended without a #DB (it ran a syscall, which reports it at the call's exit). */
    public void stepEnded() {
        stepping = false;
    }

    /** execve's flush_ptrace_hw_breakpoint: the new image starts with no debug register set. */
    public synchronized void clearDebugRegisters() {
        java.util.Arrays.fill(debugRegisters, 0);
        hardware = null;
        debugStatus = DR6_RESERVED;
    }

    /** Debug register {@code n} (0-7) as ptrace_get_debugreg answers; DR4 and DR5 do not exist and read 0. */
    public long debugRegister(int n) {
        return n == 6 ? debugStatus : n == 4 || n == 5 ? 0 : debugRegisters[n];
    }

    /**
     * ptrace_set_debugreg: DR0-DR3 take an address, DR6 any value, DR7 arms the breakpoints (see
     * {@link HardwareBreakpoints}; EINVAL for what Linux refuses, the registers unchanged). DR4 and DR5
     * do not exist: EIO, as on Linux.
     */
    public synchronized void debugRegister(int n, long value) {
        switch (n) {
            case 0, 1, 2, 3 -> {
                // Even unarmed, the address must be a user one (a disabled one-byte breakpoint's check).
                if (Long.compareUnsigned(value, dev.jlibos.core.mem.AddressSpace.USER_END) >= 0) throw Errno.EINVAL.fail();
                long[] dr = java.util.Arrays.copyOf(debugRegisters, 4);
                dr[n] = value;
                hardware = HardwareBreakpoints.of(dr, debugRegisters[7]);
                debugRegisters[n] = value;
            }
            case 6 -> debugStatus = value;
            case 7 -> {
                hardware = HardwareBreakpoints.of(debugRegisters, value);
                debugRegisters[7] = value;
            }
            default -> throw Errno.EIO.fail();
        }
    }

    public boolean detached() {
        return detached;
    }

    /** PTRACE_INTERRUPT asked for a stop not made yet. */
    public boolean interruptRequested() {
        return interruptRequested && seized;
    }

    public long eventMessage() {
        return eventMessage;
    }

    public long origRax() {
        return origRax;
    }

    public void origRax(long value) {
        origRax = value;
    }

    /** A task auto-attached at fork makes its first stop before running. */
    public void stopAtStart() {
        startStop = true;
    }

    /**
     * fork/vfork/clone of a traced thread: with the matching PTRACE_O_TRACE* option the child is traced by the
     * same tracer from its first instruction (a SIGSTOP, or PTRACE_EVENT_STOP when seized), and the parent owes
     * its tracer the fork event (see {@link #takeForkEvent}). Called before the child starts.
     */
    public static void onFork(GuestThread parent, GuestThread child, long cloneFlags) {
        Tracee tr = parent.tracee;
        if (tr == null || tr.detached) return;
        int event = (cloneFlags & dev.jlibos.core.abi.Clone.CLONE_VFORK) != 0 ? EVENT_VFORK
                : (cloneFlags & 0xff) != Signal.SIGCHLD ? EVENT_CLONE : EVENT_FORK;
        if (!tr.has(1 << event)) return; // PTRACE_O_TRACEFORK is 1 << PTRACE_EVENT_FORK, and so on
        Tracee traced = new Tracee(child, tr.tracer, tr.seized, tr.options);
        traced.startStop = true;
        if (!tr.seized) child.signals.post(SigInfo.basic(Signal.SIGSTOP, SigInfo.SI_USER));
        child.tracee = traced;
        tr.tracer.tracees.add(traced);
        tr.forkChild = child.tid();
        tr.forkEvent = event;
    }

    /**
     * Whether this is a thread other than its process's leader: its own end is reported to the tracer
     * (the leader's end is the process's, reported once every other thread's has been).
     */
    public boolean nonLeader() {
        return thread.tid() != thread.process.pid;
    }

    /** exit(2) is about to end this thread with {@code code}. */
    public void exitCalled(int code) {
        exitCode = code;
    }

    /**
     * A thread ends (on its own host thread, before its process is finished). A traced thread other than the
     * leader leaves its end for the tracer's wait, with exit(2)'s code, or the process's status when the
     * whole process ends (exit_group, a fatal signal), and tells the tracer with SIGCHLD as exit_notify does.
     */
    public static void threadEnded(GuestThread t) {
        Tracee tr = t.tracee;
        if (tr == null || tr.detached || !tr.nonLeader()) return;
        GuestProcess p = t.process;
        int status = tr.endStatus();
        synchronized (tr) {
            if (tr.threadEnd >= 0) return; // already reported (the run's end, then Kernel.runThread's)
            tr.threadEnd = status;
        }
        GuestProcess q = tr.tracer;
        if (q.exited()) return;
        boolean killed = (status & 0x7f) != 0;
        q.signals().post(SigInfo.childEnded(t.tid(), p.credentials.ruid, killed, killed ? status & 0x7f : status >> 8));
        q.signals().wake();
    }

    /** The wait status an ending thread ends with: its process's, or (the process goes on) exit(2)'s code. */
    private int endStatus() {
        GuestProcess p = thread.process;
        if (!p.exited()) return (exitCode & 0xff) << 8;
        ExitStatus s = p.exitStatus();
        return s.signalled() ? s.signal() & 0x7f : (s.code() & 0xff) << 8;
    }

    /** The end of a non-leader thread not yet reported to the tracer, as a wait status, or -1. */
    public synchronized int threadEnd() {
        return detached || exitReported ? -1 : threadEnd;
    }

    /**
     * vfork's parent once the child runs, before it waits to be released: PTRACE_EVENT_VFORK now, while the
     * child runs, as Linux reports it (the tracer may need the child to go on for the parent to).
     */
    public static void vforkStarted(GuestThread parent) {
        Tracee tr = parent.tracee;
        if (tr == null || tr.detached) return;
        int event = tr.takeForkEvent();
        if (event != 0) tr.eventStop(event, tr.forkChild);
    }

    /** vfork's parent released by the child's exec or exit: PTRACE_EVENT_VFORK_DONE under PTRACE_O_TRACEVFORKDONE. */
    public static void vforkDone(GuestThread parent, long child) {
        Tracee tr = parent.tracee;
        if (tr == null || tr.detached || !tr.has(O_TRACEVFORKDONE)) return;
        tr.eventStop(EVENT_VFORK_DONE, child);
    }

    /** The fork event owed since {@link #onFork} (0: none), cleared; {@link #forkChild} is its message. */
    public int takeForkEvent() {
        int e = forkEvent;
        forkEvent = 0;
        return e;
    }

    public long forkChild() {
        return forkChild;
    }

    /**
     * {@code p} has ended. As a tracer: its tracees are detached, or killed under PTRACE_O_EXITKILL. As a
     * tracee: a tracer that is not its parent is told (SIGCHLD, its wait woken); the parent is told as usual.
     */
    public static void processEnded(GuestProcess p) {
        for (Tracee tr : p.tracees) {
            GuestProcess tracee = tr.thread.process;
            boolean unreported = tr.exitOwed() && tracee.finished();
            if (tr.has(O_EXITKILL)) tracee.killedBy(Signal.SIGKILL, -1);
            tr.detach();
            // An end the tracer never reaped goes to the parent, which was not told yet.
            GuestProcess parent = tracee.parentProcess();
            if (unreported && parent != null && parent != p) p.kernel.tellParentOfEnd(tracee, parent);
        }
        p.tracees.clear();
        GuestProcess parent = p.parent();
        for (GuestProcess q : p.kernel.processes()) {
            if (q.exited()) continue;
            if (q == parent) {
                for (Tracee tr : q.tracees) if (tr.thread.process == p) tr.endAnnounced = true;
                continue;
            }
            for (Tracee tr : q.tracees) {
                if (tr.thread.process != p || tr.detached || tr.nonLeader()) continue;
                tr.endAnnounced = true;
                ExitStatus s = p.exitStatus();
                q.signals().post(SigInfo.childEnded(p.pid, p.credentials.ruid, s.signalled(), s.signalled() ? s.signal() : s.code()));
                q.signals().wake();
            }
        }
    }

    /**
     * Whether the end of {@code p} must first be reported to a tracer that is not its parent: until then the
     * parent is not told and cannot reap it, as Linux keeps a traced zombie for its tracer.
     */
    public static boolean exitOwedToTracer(GuestProcess p) {
        GuestProcess parent = p.parent();
        for (GuestProcess q : p.kernel.processes()) {
            if (q == parent || q.exited()) continue;
            for (Tracee tr : q.tracees) if (tr.thread.process == p && tr.exitOwed()) return true;
        }
        return false;
    }

    // ---- the tracee's side (its own host thread) ------------------------------------------------------

    /**
     * Parks the calling tracee in a ptrace stop reporting wait status {@code status} until the tracer
     * resumes it, running the tracer's requests meanwhile. Returns the signal the tracer resumed it
     * with (0 for none), or 0 at once if the process is dying or the tracee detached.
     */
    public int stop(int status, int kind, byte[] info, long message) {
        GuestProcess p = thread.process;
        if (gone()) return 0;
        if (!p.syscallsFiltered()) {
            // Every call of a traced process must reach the dispatcher, and PEEKTEXT must show the original
            // bytes: the kml-shim's rewritten sites go back to syscall, as for seccomp. Done here, on the
            // tracee's own thread under its execution lock, before the tracer can look.
            p.filterSyscalls();
            p.kernel.syscalls().syscallsFiltered(thread);
        }
        synchronized (this) {
            this.stopped = true;
            this.status = status;
            this.kind = kind;
            this.siginfo = info;
            this.reported = false;
            this.resume = null;
            this.resumeSignal = 0;
            if (kind != STOP_SIGNAL) eventMessage = message;
            interruptRequested = false;
        }
        notifyTracer(status);
        try {
            while (true) {
                Runnable request;
                try {
                    request = Blocking.run(this::nextRequest);
                } catch (InterruptedException e) {
                    request = null; // a kill (the process is dying) or a stray interrupt: look again
                }
                if (request != null) {
                    request.run();
                    continue;
                }
                synchronized (this) {
                    if (resume != null || gone()) break;
                }
            }
            synchronized (this) {
                if (resume == null || gone()) return 0;
                syscallStops = resume == Resume.SYSCALL;
                emulating = resume == Resume.SYSEMU || resume == Resume.SYSEMU_SINGLESTEP;
                stepping = resume == Resume.SINGLESTEP || resume == Resume.SYSEMU_SINGLESTEP;
                // A stop inside the syscall hook resumes inside the engine: it must come back to the
                // thread's loop, which runs the step (or watches the debug registers) instruction by instruction.
                if (stepping || hardware != null) thread.cpu.requestStop();
                return resumeSignal;
            }
        } finally {
            synchronized (this) {
                stopped = false;
                requests.clear();
                notifyAll();
            }
        }
    }

    /**
     * Whether the tracee can make (or stay in) no stop: detached, or its process or thread ending, except
     * in the exit-event stop of an ending thread, which only SIGKILL cuts short.
     */
    private boolean gone() {
        if (detached) return true;
        if (exitStop) return killedInExitStop;
        return thread.process.exited() || thread.exiting();
    }

    /**
     * The end of the thread's run under PTRACE_O_TRACEEXIT: PTRACE_EVENT_EXIT with the wait status the
     * thread ends with, whatever ends it: exit(2), its process's end (exit_group, a fatal signal, SIGKILL
     * too, as Linux 6.x reports it), or another thread's execve. It comes after the exit call ran, as
     * do_exit's does (after seccomp's stop for that call, which strace --seccomp-bpf relies on).
     */
    public void exitEvent() {
        if (detached || exitEventDone || !has(O_TRACEEXIT)) return;
        int status = endStatus();
        // The SIGKILL that ends the process (if one does) is counted before it wakes this thread, so it is
        // seen here and does not end this stop: Linux reports the exit stop a SIGKILL causes. A later one
        // does end it (TASK_WAKEKILL). The count is read before exitStop is set and read again after: a
        // killer counts, then looks at exitStop, so a kill coming in between is seen by one side or both.
        // (Ending the stops after marking the process dying, with no count, also ended the stop that very
        // kill caused when this thread entered it in between: ptrace_more's SIGKILL case, under load.)
        long kills = thread.process.kills();
        exitStopKills = kills;
        killedInExitStop = false;
        exitStop = true;
        if (thread.process.kills() != kills) killedInExitStop = true;
        try {
            eventStop(EVENT_EXIT, status);
        } finally {
            exitStop = false;
        }
    }

    /**
     * SIGKILL number {@code kill} of {@code p} ends the exit-event stops begun before it (TASK_WAKEKILL):
     * those threads go on dying. A stop begun under this kill's count is the one it caused: it stays.
     */
    static void killed(GuestProcess p, long kill) {
        for (GuestThread t : p.threads) {
            Tracee tr = t.tracee;
            if (tr == null || !tr.exitStop || tr.exitStopKills >= kill) continue;
            synchronized (tr) {
                tr.killedInExitStop = true;
                tr.notifyAll();
            }
        }
    }

    /** Waits for a request or a resumption; null for the latter. */
    private synchronized Runnable nextRequest() throws InterruptedException {
        while (requests.isEmpty() && resume == null && !gone()) wait();
        return requests.poll();
    }

    /** The resume command of the stop just left (LISTEN keeps a group-stopped tracee stopped). */
    public synchronized Resume lastResume() {
        return resume;
    }

    /** A syscall-entry or -exit stop: SIGTRAP, with 0x80 under PTRACE_O_TRACESYSGOOD. */
    public int syscallStop(boolean entry) {
        int sig = Signal.SIGTRAP | (has(O_TRACESYSGOOD) ? 0x80 : 0);
        return stop(sig << 8 | 0x7f, entry ? STOP_SYSCALL_ENTRY : STOP_SYSCALL_EXIT, null, entry ? 1 : 2);
    }

    /** A PTRACE_EVENT_* stop; {@code message} is what PTRACE_GETEVENTMSG then answers. */
    public int eventStop(int event, long message) {
        if (event == EVENT_EXIT) exitEventDone = true;
        return stop((Signal.SIGTRAP | event << 8) << 8 | 0x7f, STOP_OTHER, null, message);
    }

    /** PTRACE_EVENT_SECCOMP (SECCOMP_RET_TRACE): {@code data} is the filter's, PTRACE_GETEVENTMSG's answer. */
    public int seccompStop(int data) {
        return stop((Signal.SIGTRAP | EVENT_SECCOMP << 8) << 8 | 0x7f, STOP_SECCOMP, null, data);
    }

    /**
     * Signal-delivery-stop: the tracer sees {@code info} first. Returns the siginfo to deliver: the same,
     * one for the signal the tracer substituted, or null if it suppressed it. SIGKILL is never stopped for.
     */
    public byte[] signalStop(byte[] info) {
        int sig = SigInfo.signo(info);
        if (sig == Signal.SIGKILL || detached) return info;
        int chosen = stop(sig << 8 | 0x7f, STOP_SIGNAL, info, 0);
        if (thread.process.exited()) return null;
        if (chosen == 0) return null;
        byte[] now;
        synchronized (this) {
            now = siginfo; // as PTRACE_SETSIGINFO may have left it
        }
        if (now != null && chosen == SigInfo.signo(now)) return now;
        return SigInfo.fromProcess(chosen, SigInfo.SI_USER, tracer.pid, tracer.credentials.ruid);
    }

    /**
     * Group-stop of a traced thread ({@code sig} a stop signal, or the process stopped when it was seized):
     * reported to the tracer, which decides when the thread runs again. Under PTRACE_LISTEN it stays until
     * SIGCONT, then re-traps as PTRACE_EVENT_STOP with SIGTRAP, as Linux's do_jobctl_trap does.
     */
    public void groupStop(int sig) {
        // A tracer that restarted the tracee from this group-stop lets it run while the process stays stopped.
        int stop = thread.process.job().stops();
        if (stop == groupStopReported) return;
        groupStopReported = stop;
        seizedInStop = 0;
        reportGroupStop(sig);
    }

    /**
     * PTRACE_SEIZE of a process job control has stopped: the group-stop trap is due even if SIGCONT comes
     * before the tracee gets to report it (Linux sets JOBCTL_TRAP_STOP at attach).
     */
    public void seizedWhileStopped(int sig) {
        seizedInStop = sig;
    }

    private void reportGroupStop(int sig) {
        int status = seized ? (sig | EVENT_STOP << 8) << 8 | 0x7f : sig << 8 | 0x7f;
        stop(status, STOP_GROUP, null, 0);
        while (!detached && lastResume() == Resume.LISTEN && !thread.process.exited()) {
            awaitContinued();
            stop((Signal.SIGTRAP | EVENT_STOP << 8) << 8 | 0x7f, STOP_GROUP, null, 0);
        }
    }

    private void awaitContinued() {
        var job = thread.process.job();
        while (job.stopped() && !thread.process.exited() && !detached) {
            try {
                Blocking.run(() -> {
                    Thread.sleep(5);
                    return null;
                });
            } catch (InterruptedException e) {
                // a kill: the loop sees the process dying
            }
        }
    }

    /**
     * At a boundary where the tracee may stop (after a syscall, before running its first instruction): the
     * stop PTRACE_INTERRUPT asked for, or a new task's first stop (PTRACE_EVENT_STOP when seized).
     */
    public void checkpoint() {
        int seizedStop = seizedInStop;
        if (seizedStop != 0) {
            seizedInStop = 0;
            groupStopReported = thread.process.job().stops();
            reportGroupStop(seizedStop);
            return;
        }
        if (startStop) {
            startStop = false;
            if (seized) stop((Signal.SIGTRAP | EVENT_STOP << 8) << 8 | 0x7f, STOP_GROUP, null, 0);
            return; // not seized: the SIGSTOP posted at attach makes the signal-delivery-stop
        }
        if (interruptRequested && seized) groupStopOrTrap();
    }

    private void groupStopOrTrap() {
        var job = thread.process.job();
        if (job.stopped()) {
            groupStopReported = -1; // PTRACE_INTERRUPT re-traps a tracee that runs in a stopped process
            groupStop(job.stopSignal());
        } else stop((Signal.SIGTRAP | EVENT_STOP << 8) << 8 | 0x7f, STOP_GROUP, null, 0);
    }

    /** SIGCHLD with CLD_TRAPPED to the tracer, whose wait is woken (do_notify_parent_cldstop). */
    private void notifyTracer(int status) {
        if (tracer.exited()) return;
        byte[] info = SigInfo.fromProcess(Signal.SIGCHLD, CLD_TRAPPED, thread.tid(), thread.process.credentials.ruid);
        dev.jlibos.core.mem.Longs.put(info, 24, (status >> 8) & 0xff, 4);
        if (!tracer.signals().action(Signal.SIGCHLD).has(dev.jlibos.signals.SigAction.SA_NOCLDSTOP)) {
            tracer.signals().post(info);
            if (!tracer.signals().ignored(Signal.SIGCHLD)) for (GuestThread t : tracer.threads) t.cpu.requestStop();
        }
        tracer.signals().wake();
    }

    public static final int CLD_TRAPPED = 4;

    // ---- the tracer's side ------------------------------------------------------------------------------

    /** Whether the tracee is parked in a stop (ptrace_check_attach: other requests get ESRCH). */
    public synchronized boolean stopped() {
        return stopped && resume == null;
    }

    /** The kind of the current stop; ESRCH when not stopped. */
    public synchronized int kind() {
        requireStopped();
        return kind;
    }

    /** The siginfo of the current stop (GETSIGINFO): the signal's, or a SIGTRAP for a ptrace stop. */
    public synchronized byte[] siginfo() {
        requireStopped();
        if (siginfo != null) return siginfo.clone();
        if (kind == STOP_GROUP && !seized) throw Errno.EINVAL.fail(); // a group-stop has none
        int code = (status >> 8) & 0xffff;
        return SigInfo.fromProcess(Signal.SIGTRAP, code, thread.tid(), thread.process.credentials.ruid);
    }

    /**
     * PTRACE_SETSIGINFO: replaces the current stop's siginfo (EINVAL where GETSIGINFO has none). At a
     * signal-delivery stop it is what the tracee gets if resumed with its signal number (gdb saves and
     * restores it around a call into the program).
     */
    public synchronized void siginfo(byte[] info) {
        requireStopped();
        if (kind == STOP_GROUP && !seized) throw Errno.EINVAL.fail();
        siginfo = info.clone();
    }

    /** A stop not yet reported to wait, as its status word, or 0; {@code consume} marks it reported. */
    public synchronized int takeStop(boolean consume) {
        if (!stopped || resume != null || reported) return 0;
        if (consume) reported = true;
        return status;
    }

    /** Whether the end of this tracee's process, once it comes, is still to be reported to the tracer. */
    public synchronized boolean exitOwed() {
        return !detached && !exitReported;
    }

    /**
     * Whether the end of this tracee's process is to be reported to the tracer now: only once the parent has
     * its SIGCHLD ({@link #processEnded}), so that the parent, which may reap only after the tracer, sees it.
     */
    public synchronized boolean exitPending() {
        return !detached && !exitReported && endAnnounced;
    }

    public synchronized void exitReported() {
        exitReported = true;
    }

    /** Restarts the stopped tracee (CONT, SYSCALL, LISTEN, DETACH) with {@code sig} (0: none). */
    public synchronized void resume(Resume how, int sig) {
        requireStopped();
        if (how == Resume.DETACH) {
            detached = true;
            processUntraced();
        }
        resume = how;
        resumeSignal = sig;
        notifyAll();
    }

    /** The process's signals stop keeping ignored signals for a tracer once none of its threads is traced. */
    private void processUntraced() {
        for (GuestThread t : thread.process.threads) {
            Tracee other = t.tracee;
            if (other != null && other != this && !other.detached) return;
        }
        thread.process.signals().traced(false);
    }

    /** Detaches a tracee that may be running (the tracer ended): it goes on untraced. */
    public synchronized void detach() {
        detached = true;
        processUntraced();
        if (stopped && resume == null) resume = Resume.DETACH;
        notifyAll();
    }

    /** PTRACE_INTERRUPT: a running tracee stops at its next boundary; a stopped one stays as it is. */
    public void interrupt() {
        synchronized (this) {
            if (stopped && resume == null) return;
        }
        interruptRequested = true;
        thread.process.job().wakeParked();
        thread.interrupt();
    }

    /**
     * Runs {@code request} on the stopped tracee's own thread, with its engine paused, and returns its answer;
     * ESRCH if the tracee is not stopped (or resumes before taking it). A {@link LinuxException} it throws
     * is rethrown here.
     */
    public <T> T call(Function<GuestThread, T> request) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        synchronized (this) {
            requireStopped();
            requests.add(() -> {
                try {
                    answer.complete(request.apply(thread));
                } catch (RuntimeException | Error e) {
                    answer.completeExceptionally(e); // the tracer's call fails; the tracee stays stopped
                }
            });
            notifyAll();
        }
        try {
            Blocking.run(() -> {
                while (!answer.isDone()) {
                    try {
                        answer.get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
                        synchronized (this) {
                            // The tracee left its stop (killed, detached) without taking the request.
                            if (!stopped && !answer.isDone()) throw Errno.ESRCH.fail();
                        }
                    }
                }
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
        try {
            return answer.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private void requireStopped() {
        if (!stopped || resume != null) throw Errno.ESRCH.fail();
    }
}
