package dev.jlibos.kernel.process;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One guest process: its address space, open files, identity, limits and threads.
 *
 * <p>Threads: each {@link GuestThread} has its own Unicorn engine attached to the one address space, but
 * they never run at the same time. Two engines mapping the same memory do not make {@code lock}
 * instructions atomic with each other (measured: 2 x 5 M {@code lock incq} gave ~5.04 M), so a thread
 * runs guest code and its syscalls only while holding {@link #execution}, a fair lock it gives up in
 * blocking waits and when the {@link Scheduler} preempts it because others are waiting.
 */
public final class GuestProcess implements dev.jlibos.signals.SignalProcess, dev.jlibos.vfs.proc.ProcProcess,
        dev.jlibos.vfs.event.PidFd.Target {
    public final Kernel kernel;
    public final int pid;
    private volatile int ppid;
    /**
     * Process group and session. A program started by a shell is the leader of its own job's group but
     * not of the session (the shell is), so pgid = pid and sid = the parent's.
     */
    private int pgid, sid;
    /** The address space; execve replaces it. */
    private volatile AddressSpace memory;
    public final FdTable files;
    /** Working directory and umask. */
    private FsContext fs;
    public final Credentials credentials;
    public final ResourceLimits limits = new ResourceLimits();
    private volatile UtsNames uts;
    /** Dispositions and process-directed pending signals (each thread has its mask and own pending set). */
    private dev.jlibos.signals.SignalState signals = new dev.jlibos.signals.SignalState();
    /** The live threads, oldest first; changed only under {@link #execution}, read by anyone. */
    public final List<GuestThread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** futex wait queues of this address space. */
    public final FutexTable futexes = new FutexTable();
    /**
     * The execution lock ("GIL"): held by the thread whose engine runs guest code or whose syscall is
     * being served. Fair, so a preempted thread queues behind the ones waiting.
     */
    private final java.util.concurrent.Semaphore execution = new java.util.concurrent.Semaphore(1, true);
    /**
     * Deterministic mode's replacement for {@link #execution} (null otherwise): turns in guest-defined
     * order, on the kernel's one baton shared by all processes.
     */
    private final DeterministicBaton baton;
    /**
     * A snapshot run's pooled engine and address space: not closed when the process ends, the snapshot
     * resets and reuses them (null otherwise).
     */
    private dev.jlibos.core.cpu.Cpu retainedEngine;
    private AddressSpace retainedMemory;
    /** Deterministic mode's virtual clock and seeded random generator (null otherwise). */
    private Determinism.ProcessState determinism;
    /** The thread holding {@link #execution} and how many times it changed hands (for preemption). */
    private volatile GuestThread running;
    private volatile long turns;
    private long turnSeenByScheduler = -1;
    /** The exit code of the thread group leader, the process's status if every thread exits by exit(2). */
    private volatile int leaderExitCode;
    /**
     * Set once a thread of this process has entered seccomp mode: from then on every call must reach the
     * dispatcher, so none is answered in the guest by the kml-shim. Kept by fork and execve.
     */
    private volatile boolean syscallsFiltered;
    /**
     * Engines of ended threads, still attached to {@link #memory} (so their mappings stay current), kept
     * for the next clone: a fresh engine has to translate every guest instruction again, which made
     * create + join ~6 ms; guarded by {@link #execution}.
     */
    private final java.util.ArrayDeque<dev.jlibos.core.cpu.Cpu> spareEngines = new java.util.ArrayDeque<>();
    private static final int MAX_SPARE_ENGINES = 4;
    /** Counted down once the process has released everything and told its parent. */
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    /** Parent (null for the machine's first process or an orphan) and children, guarded by {@link ProcessTable#lock()}. */
    private GuestProcess parent;
    public final List<GuestProcess> children = new ArrayList<>();
    /** Set once the process's thread has released its resources: only then can it be reaped. */
    private volatile boolean finished;
    /** The parent waiting for this (vfork) child to exec or exit, and the stack it lent. */
    private final VforkState vfork = new VforkState();
    /** What the running program was started with (/proc/self/exe, cmdline, environ, auxv). */
    private volatile ExecInfo execInfo = ExecInfo.NONE;
    private final PrctlFlags prctl = new PrctlFlags();
    private final ImageLayout layout = new ImageLayout();

    private volatile ExitStatus exitStatus;
    /**
     * SIGKILLs this process has taken, counted before each one marks it dying: an exit-event stop remembers
     * the count it began under, so a kill ends only the stops begun before it, never the one it caused.
     */
    private final java.util.concurrent.atomic.AtomicLong kills = new java.util.concurrent.atomic.AtomicLong();
    /** The threads this process traces (ptrace), attached or auto-attached; see {@link Tracee}. */
    public final List<Tracee> tracees = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** brk, the mmap base and the kml-shim's page in the current image. */
    public ImageLayout layout() {
        return layout;
    }

    /** The prctl flags (PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS). */
    public PrctlFlags prctl() {
        return prctl;
    }

    public ExecInfo execInfo() {
        return execInfo;
    }

    /** A program was loaded (or, before that, the machine's command line set): what /proc shows. */
    public void execInfo(ExecInfo info) {
        execInfo = info;
    }

    /** execve: the address space the new image is loaded into, or the old one back (a failed or ending exec). */
    public void switchMemory(AddressSpace to) {
        memory = to;
    }

    /** Sets the working directory and umask: a new process's, or a sandbox's once its first thread exists. */
    public void useFs(FsContext context) {
        fs = context;
    }

    /** A new process's dispositions: fork's and a snapshot's copy of its parent's. */
    public void useSignals(dev.jlibos.signals.SignalState state) {
        signals = state;
        if (baton != null) state.onNotified(this::kickSleepers);
    }

    /**
     * Deterministic mode, with {@link #signals} held: the guest thread holding the baton notified this
     * process's sleepers (a pipe write, a child's end, a signal). Those in a wait that any notification
     * ends are queued for their next turn now, at this point of the notifier's execution; left to queue
     * themselves when their host threads wake, they would take turns in host-timed order. A wake from a
     * host thread (host I/O, timers) leaves them to it: that moment is the host's anyway.
     */
    private void kickSleepers() {
        GuestThread holder = baton.holder();
        if (holder == null || holder.hostThread() != Thread.currentThread()) return;
        for (GuestThread t : threads) {
            if (t != holder && t.wakeableSleep) {
                t.kicked = true;
                baton.kick(t);
            }
        }
    }

    /** Deterministic mode's virtual clock and random generator, or null. */
    public Determinism.ProcessState determinism() {
        return determinism;
    }

    /** Set once, before the first thread runs: the first process's state, or a fork of the parent's. */
    public void useDeterminism(Determinism.ProcessState state) {
        determinism = state;
    }

    /** fork: the child starts in its parent's process group, as its child (under {@link ProcessTable#lock()}). */
    public void forkedFrom(GuestProcess parent) {
        this.pgid = parent.pgid;
        this.parent = parent;
    }

    /** The parent this process reports to (null for the first process or an orphan), under {@link ProcessTable#lock()}. */
    public GuestProcess parent() {
        return parent;
    }

    /** The last thread released everything: from now on the process can be reaped (under {@link ProcessTable#lock()}). */
    void markFinished() {
        finished = true;
        endWaiters.wakeAll();
    }

    /** Set when the process leaves the table: reaped by its parent, or an orphan that ended. */
    private volatile boolean reaped;
    /** pidfd pollers: woken when the process has ended and when it is reaped. */
    private final dev.jlibos.vfs.event.WaitQueue endWaiters = new dev.jlibos.vfs.event.WaitQueue();

    void markReaped() {
        reaped = true;
        endWaiters.wakeAll();
    }

    @Override
    public boolean ended() {
        return finished;
    }

    @Override
    public boolean reaped() {
        return reaped;
    }

    @Override
    public dev.jlibos.vfs.event.WaitQueue endWaiters() {
        return endWaiters;
    }

    /** The parent ended: init (pid 1 of the guest's namespace) adopts this process. */
    void orphaned() {
        parent = null;
        ppid = 1;
    }

    /** setpgid: joins (or creates, with its own pid) process group {@code pgid}. */
    public void joinGroup(int pgid) {
        this.pgid = pgid;
    }

    /** setsid: leads a new session and a new group, both named after its pid. */
    public void startSession() {
        sid = pid;
        pgid = pid;
    }

    /** vfork: this child lent its parent's stack [from, to), given back if it exits without exec'ing. */
    public void borrowVforkStack(GuestProcess parent, long from, long to) {
        vfork.borrowStack(parent, from, to);
    }

    /** Job control: stopped or not, and the stop/continue reports wait owes the parent. */
    private final dev.jlibos.signals.JobState job = new dev.jlibos.signals.JobState();
    /** ITIMER_REAL and the POSIX timers; they end with the process. */
    private final dev.jlibos.signals.ProcessTimers timers = new dev.jlibos.signals.ProcessTimers();

    public GuestProcess(Kernel kernel, int pid, int ppid, AddressSpace memory, FdTable files, Credentials credentials) {
        this.kernel = kernel;
        this.pid = pid;
        this.ppid = ppid;
        this.pgid = pid;
        this.sid = ppid;
        this.memory = memory;
        this.files = files;
        this.credentials = credentials;
        this.baton = kernel.baton();
        this.uts = kernel.rootUts();
        if (baton != null) signals.onNotified(this::kickSleepers);
    }

    /** The UTS namespace this process is in (shared with the processes it forked, until one unshares). */
    public UtsNames uts() {
        return uts;
    }

    /**
     * Moves this process to {@code names}: fork passes the parent's (one namespace), unshare(CLONE_NEWUTS) and
     * a run from a snapshot a copy (changes made there stay there).
     */
    public void useUts(UtsNames names) {
        uts = names;
    }

    /** A snapshot's run: this engine and memory are the snapshot's pool, kept when the process ends. */
    public void retainForSnapshot(dev.jlibos.core.cpu.Cpu engine, AddressSpace pooledMemory) {
        retainedEngine = engine;
        retainedMemory = pooledMemory;
    }

    /** The pool and the hold on its image an execve started this process from, or null (see {@link EnginePool}). */
    private EnginePool execPool;
    private EnginePool.Lease execLease;

    /** An execve through the pool: the lease's engine and memory outlive the process, and go back at its end. */
    public void startedFromPool(EnginePool pool, EnginePool.Lease lease) {
        retainForSnapshot(lease.cpu(), lease.memory());
        execPool = pool;
        execLease = lease;
    }

    /** Whether an engine or memory of this process is kept past its end (a pool's or a snapshot's). */
    public boolean holdsPooledEngine() {
        return retainedEngine != null;
    }

    /** Whether this process runs in deterministic mode (see {@link Determinism}). */
    public boolean deterministic() {
        return baton != null;
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
        vfork.release();
    }

    public void awaitVforkRelease() throws InterruptedException {
        vfork.await();
    }

    void onCpu(GuestThread t) {
        if (baton != null) {
            baton.acquire(t);
            running = t;
            turns++;
            startTurn(t);
            return;
        }
        execution.acquireUninterruptibly();
        running = t;
        turns++;
        yieldRequested = false;
    }

    void offCpu(GuestThread t) {
        if (running == t) running = null;
        if (baton != null) {
            baton.release(t);
            return;
        }
        FutexTable.Waiter[] wakes = null;
        if (wakesDeferred) {
            wakes = deferredWakes.toArray(new FutexTable.Waiter[0]);
            deferredWakes.clear();
            wakesDeferred = false;
        }
        execution.release();
        if (wakes != null) for (FutexTable.Waiter w : wakes) w.notifyWoken(); // they find the lock free
    }

    /**
     * Futex waiters woken by the thread holding the execution lock, to be notified when it releases the
     * lock (so a woken thread does not wake only to queue for the lock). Changed only by the holder.
     */
    private final List<FutexTable.Waiter> deferredWakes = new java.util.ArrayList<>();
    /** Whether {@link #deferredWakes} has any: read by the scheduler, which must count them as waiting. */
    private volatile boolean wakesDeferred;

    /**
     * Marks {@code w} woken and queues its notification for {@link #offCpu}; false (the caller notifies at
     * once) in deterministic mode, whose baton orders wake-ups itself, or when the calling host thread
     * does not hold the execution lock (nothing would release it on the waiter's behalf).
     */
    boolean deferWake(FutexTable.Waiter w) {
        GuestThread holder = running;
        if (baton != null || holder == null || holder.hostThread() != Thread.currentThread()) return false;
        w.markWoken();
        deferredWakes.add(w);
        wakesDeferred = true;
        return true;
    }

    /** Whether other threads wait for the execution lock (the holder should hand it over). */
    boolean othersWaiting() {
        if (baton != null) return baton.othersReady();
        return wakesDeferred || execution.hasQueuedThreads();
    }

    /**
     * Called by the scheduler every time slice. A thread that has kept the lock for a whole slice while
     * others wait is asked to yield at its next syscall ({@link #yieldRequested}); one still running
     * guest code a slice later has its engine stopped at the next basic block ({@link
     * dev.jlibos.core.cpu.Cpu#requestStop}) and its run loop hands the lock over. uc_emu_stop from this
     * (another) host thread would not be safe (see the binding's StopAtBlockHook).
     */
    void preemptIfDue() {
        if (exited()) {
            // A dying process whose threads have not all left yet: keep asking until the last one is out.
            for (GuestThread th : threads) th.cpu.requestStop();
            return;
        }
        GuestThread t = running;
        long turn = turns;
        if (t == null || !(wakesDeferred || execution.hasQueuedThreads())) {
            turnSeenByScheduler = -1;
            slicesHeld = 0;
            return;
        }
        if (turn != turnSeenByScheduler) {
            turnSeenByScheduler = turn;
            slicesHeld = 0;
            return;
        }
        yieldRequested = true;
        // No syscall for a further slice (guest code running on): stop it at a block boundary.
        if (++slicesHeld >= 2) t.cpu.requestStop();
    }

    /** Set by the scheduler: the thread holding the execution lock should hand it over at its next syscall. */
    volatile boolean yieldRequested;
    private int slicesHeld;

    /** At the end of a syscall (inside the engine's hook, where pausing is safe): let waiting threads run. */
    public void yieldIfRequested(GuestThread t) {
        if (baton != null) {
            if (t.turnSyscalls >= Determinism.SYSCALLS_PER_TURN) yieldTurn(t);
            return;
        }
        if (!yieldRequested) return;
        dev.jlibos.core.Blocking.run(() -> null);
    }

    /**
     * sched_yield, a sleep in deterministic mode, a preempted thread: lets the threads waiting to run go
     * first. The calling thread holds the execution lock (its own host thread).
     */
    public void yieldTurn(GuestThread t) {
        if (baton == null) {
            dev.jlibos.core.Blocking.run(() -> {
                Thread.yield();
                return null;
            });
            return;
        }
        if (baton.yieldTurn(t)) running = t;
        startTurn(t);
    }

    /** Deterministic mode: a new turn's budgets (syscalls, and blocks for code that makes none). */
    void startTurn(GuestThread t) {
        t.turnSyscalls = 0;
        t.turnEndBlocks = t.cpu.blocksExecuted() + Determinism.BLOCKS_PER_TURN;
        t.cpu.setBlockBudget(Determinism.BLOCKS_PER_TURN);
    }

    /** Deterministic mode: whether {@code t}'s engine stopped because its turn's block budget ran out. */
    boolean turnBudgetSpent(GuestThread t) {
        return t.cpu.blocksExecuted() >= t.turnEndBlocks;
    }

    /** A guest thread made {@code t} runnable (futex wake): in deterministic mode it is queued now. */
    public void madeReady(GuestThread t) {
        if (baton != null) baton.makeReady(t);
    }

    /** A new thread (clone with CLONE_THREAD), added by a thread holding the execution lock. */
    public void addThread(GuestThread t) {
        threads.add(t);
        if (baton != null) baton.makeReady(t); // never wall-clock slices: the scheduler does not watch it
        else if (threads.size() == 2) Scheduler.watch(this);
    }

    /** exit(2) of the leader records its code: the process's status if the others end by exit(2) too. */
    public void setLeaderExitCode(int code) {
        leaderExitCode = code;
    }

    /** Whether some thread of this process (or of the one it was forked from) filters its syscalls. */
    public boolean syscallsFiltered() {
        return syscallsFiltered;
    }

    public void filterSyscalls() {
        syscallsFiltered = true;
    }

    /**
     * Takes an ending thread out (its run loop holds the execution lock): clears and wakes its
     * clear_child_tid word, walks its robust list, detaches and closes its engine. True for the last one,
     * which then releases the process.
     */
    boolean removeThread(GuestThread t) {
        if (!exited()) RobustFutexes.threadExited(t);
        t.signals.detach();
        threads.remove(t);
        boolean last = threads.isEmpty();
        if (last) {
            if (!exited()) exit(ExitStatus.exited(leaderExitCode)); // every thread ended by exit(2)
            Scheduler.forget(this);
            if (t.cpu == retainedEngine) {
                t.cpu.setEvents(null);
            } else {
                if (memory == retainedMemory) memory.detach(t.cpu); // the pooled memory outlives the process
                t.cpu.close();
            }
        } else if (t.cpu == retainedEngine) {
            t.cpu.setEvents(null);
        } else if (spareEngines.size() < MAX_SPARE_ENGINES) {
            t.cpu.setEvents(null);
            spareEngines.push(t.cpu);
        } else {
            memory.detach(t.cpu);
            t.cpu.close();
        }
        return last;
    }

    /** An engine of an ended thread, attached to the address space, or null (the caller holds the lock). */
    public dev.jlibos.core.cpu.Cpu takeSpareEngine() {
        return spareEngines.poll();
    }

    /** Closes the spare engines (execve: they belong to the old image; exit). */
    public void dropSpareEngines() {
        for (dev.jlibos.core.cpu.Cpu cpu : spareEngines) {
            memory.detach(cpu);
            cpu.close();
        }
        spareEngines.clear();
    }

    /**
     * fork (and a run started from a snapshot): the child's program image is the same as {@code from}'s —
     * resource limits, session, executable, argv/envp/auxv for /proc, and the heap and mmap bases.
     */
    public void inheritImageFrom(GuestProcess from) {
        limits.copyFrom(from.limits);
        syscallsFiltered = from.syscallsFiltered;
        sid = from.sid;
        execInfo = from.execInfo;
        layout.copyFrom(from.layout);
    }

    /** Returns every resource to the host: called once, by the last thread's host thread, after it stopped. */
    void release() {
        vfork.copyBackIfNeverExeced(memory);
        for (dev.jlibos.core.cpu.Cpu cpu : spareEngines) {
            if (memory == retainedMemory) memory.detach(cpu);
            cpu.close();
        }
        spareEngines.clear();
        timers.releaseAll();
        files.closeAll();
        if (fs != null) fs.close();
        if (memory != retainedMemory) memory.close();
        vfork.release();
        // After an execve through the pool: the engine and memory go back if the process still ran that image.
        if (execLease != null) execPool.giveBack(execLease, memory == execLease.memory());
        execLease = null;
    }

    /** The whole process has ended and its parent was told. */
    void markEnded() {
        ended.countDown();
    }

    /** Waits until every thread of the process has ended and the process was released. */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /** As {@link #awaitEnd()}, for at most {@code nanos}; false when the process had not ended by then. */
    public boolean awaitEnd(long nanos) throws InterruptedException {
        return ended.await(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Ends the whole process (exit_group, fatal signal): every thread stops at its next boundary. */
    public void exit(ExitStatus status) {
        if (exitStatus == null) exitStatus = status;
        for (GuestThread t : threads) t.interrupt();
        job.wakeParked(); // stopped threads wake up to die (SIGKILL)
    }

    // The signal model's view of this process (SignalProcess).

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int ruid() {
        return credentials.ruid;
    }

    @Override
    public long ignoredSignals() {
        return signals().ignoredSet();
    }

    @Override
    public long caughtSignals() {
        return signals().caughtSet();
    }

    @Override
    public dev.jlibos.signals.SignalState signals() {
        return signals;
    }

    @Override
    public AddressSpace memory() {
        return memory;
    }

    @Override
    public List<GuestThread> threads() {
        return threads;
    }

    @Override
    public void killedBy(int sig, long faultAddress) {
        // SIGKILL ends PTRACE_EVENT_EXIT stops too, but only those begun before it: counted before exit()
        // wakes the threads, this kill is seen by every exit stop it causes (see Tracee.exitEvent).
        long kill = sig == dev.jlibos.signals.Signal.SIGKILL ? kills.incrementAndGet() : 0;
        exit(ExitStatus.killed(sig, faultAddress));
        if (kill != 0) Tracee.killed(this, kill);
    }

    /** The number of SIGKILLs taken so far ({@link #killedBy}). */
    long kills() {
        return kills.get();
    }

    @Override
    public dev.jlibos.signals.JobState job() {
        return job;
    }

    @Override
    public GuestProcess parentProcess() {
        synchronized (kernel.processTable().lock()) {
            return parent;
        }
    }

    @Override
    public dev.jlibos.signals.ProcessTimers timers() {
        return timers;
    }

    // The /proc view of this process (ProcProcess).

    @Override
    public int ppid() {
        return ppid;
    }

    @Override
    public int pgid() {
        return pgid;
    }

    @Override
    public int sid() {
        return sid;
    }

    @Override
    public FdTable files() {
        return files;
    }

    @Override
    public FsContext fs() {
        return fs;
    }

    @Override
    public String executable() {
        return execInfo.executable();
    }

    @Override
    public List<String> argv() {
        return execInfo.argv();
    }

    @Override
    public List<String> envp() {
        return execInfo.envp();
    }

    @Override
    public java.util.Map<Integer, Long> auxv() {
        return execInfo.auxv();
    }

    @Override
    public int[] uids() {
        return new int[] {credentials.ruid, credentials.euid, credentials.suid, credentials.fsuid};
    }

    @Override
    public int[] gids() {
        return new int[] {credentials.rgid, credentials.egid, credentials.sgid, credentials.fsgid};
    }

    @Override
    public boolean stopped() {
        return job.stopped();
    }

    @Override
    public long[] capabilities() {
        Credentials c = credentials;
        return new long[] {c.inheritable(), c.permitted(), c.effective(), c.bounding(), c.ambient()};
    }

    @Override
    public long sharedPendingSignals() {
        return signals.pendingSet();
    }
}
