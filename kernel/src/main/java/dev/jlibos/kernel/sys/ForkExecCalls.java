package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.TaskThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.loader.LoadException;
import dev.jlibos.loader.LoadedProgram;
import dev.jlibos.signals.JobControl;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.GuestPaths;

import java.util.ArrayList;
import java.util.List;

import static dev.jlibos.core.abi.At.AT_EMPTY_PATH;
import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;
import static dev.jlibos.core.abi.Clone.*;
import static dev.jlibos.core.abi.Wait.*;
import static dev.jlibos.kernel.syscall.Trait.REPLACES_IMAGE;
import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;

/**
 * Processes inside one JVM (Graphene-style): fork copies the address space into a new engine that runs
 * on its own host thread; execve loads a new image into a fresh address space; wait4 reaps children.
 */
public final class ForkExecCalls implements SyscallFamily {
    private static final long SUPPORTED = 0xff | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_PIDFD;
    /** What a thread may add to the CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD it needs. */
    private static final long THREAD_SUPPORTED = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
            | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID
            | CLONE_DETACHED | CLONE_IO;
    /** Most argv/envp entries an execve accepts before E2BIG (MAX_ARG_STRINGS). */
    private static final int MAX_ARG_STRINGS = 0x7fffffff / 8;
    /** How long wait4 sleeps between checks when no child has changed state and no signal came. */
    private static final long WAIT_POLL_MILLIS = 20;

    @Override
    public void register(SyscallRegistry r) {
        // fork and vfork exit with SIGCHLD, as clone's low byte says (ptrace tells a fork from a clone by it).
        r.full(Sysno.FORK, (t, a) -> fork(t, dev.jlibos.signals.Signal.SIGCHLD, 0, 0, 0, 0));
        r.partial(Sysno.VFORK, "the child gets a copy of the address space (not the parent's)",
                (t, a) -> fork(t, CLONE_VM | CLONE_VFORK | dev.jlibos.signals.Signal.SIGCHLD, 0, 0, 0, 0));
        r.partial(Sysno.CLONE, "processes and threads (CLONE_THREAD with CLONE_VM|FS|FILES|SIGHAND); CLONE_VM"
                + " without CLONE_THREAD only with CLONE_VFORK, then as a copy; CLONE_PIDFD for processes only;"
                + " namespaces: EINVAL", this::clone)
                        .coveredBy("CProgramsTest[process]", "CProgramsTest[longtail pidfd]");
        r.errno(Sysno.CLONE3, Errno.ENOSYS, "libc falls back to clone").coveredBy("CProgramsTest[threads mutex]");
        r.partial(Sysno.EXECVE, "executables are read from the host file tree", this::execve)
                .traits(REPLACES_IMAGE)
                .coveredBy("CProgramsTest[process]");
        r.partial(Sysno.EXECVEAT, "AT_EMPTY_PATH and dirfd-relative paths, named by the path recorded at open;"
                + " AT_SYMLINK_NOFOLLOW: EINVAL",
                this::execveat).traits(REPLACES_IMAGE).coveredBy("CProgramsTest[spawn execveat]");
        r.partial(Sysno.WAITID, "P_ALL, P_PID, P_PGID, P_PIDFD with WEXITED, WSTOPPED, WCONTINUED (WNOWAIT keeps"
                + " the state); rusage zero", this::waitid)
                        .traits(RESTARTABLE)
                        .coveredBy("CProgramsTest[jobctl waitid]", "CProgramsTest[longtail pidfd]");
        r.partial(Sysno.WAIT4, "exit, death by signal, WUNTRACED and WCONTINUED; rusage zero",
                (t, a) -> wait4(t, a.i32(0), a.get(1), a.i32(2), a.get(3)))
                        .traits(RESTARTABLE)
                        .coveredBy("CProgramsTest[jobctl spin]");
    }

    private long clone(GuestThread t, SyscallArgs a) {
        long flags = a.get(0);
        if ((flags & CLONE_THREAD) != 0) return cloneThread(t, flags, a.get(1), a.get(2), a.get(3), a.get(4));
        // Linux's own consistency rules (copy_process): SIGHAND needs VM, and sharing them needs a thread.
        if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) throw Errno.EINVAL.fail();
        if ((flags & CLONE_VM) != 0 && (flags & CLONE_VFORK) == 0) {
            t.kernel().log().once("clone: CLONE_VM without CLONE_VFORK is not supported (ENOSYS)");
            throw Errno.ENOSYS.fail();
        }
        if ((flags & ~SUPPORTED) != 0) {
            t.kernel().log().once("clone: flags 0x" + Long.toHexString(flags & ~SUPPORTED) + " are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        // The legacy clone returns CLONE_PIDFD's fd through parent_tid, which CLONE_PARENT_SETTID would share.
        if ((flags & CLONE_PIDFD) != 0 && (flags & CLONE_PARENT_SETTID) != 0) throw Errno.EINVAL.fail();
        return fork(t, flags, a.get(1), a.get(2), a.get(3), a.get(4));
    }

    /**
     * A new thread of the caller's process: its own engine, attached to the shared address space, starting
     * with a copy of the caller's registers on {@code stack}, RAX 0 and (CLONE_SETTLS) its own FS base.
     * It runs on a new host thread, taking turns with the others on the process's execution lock.
     */
    private long cloneThread(GuestThread t, long flags, long stack, long parentTid, long childTid, long tls) {
        long needed = CLONE_VM | CLONE_SIGHAND;
        if ((flags & needed) != needed) throw Errno.EINVAL.fail(); // CLONE_THREAD requires both (Linux)
        if ((flags & ~THREAD_SUPPORTED & ~0xffL) != 0) { // the low byte (exit signal) is ignored for threads
            t.kernel().log().once("clone: thread flags 0x" + Long.toHexString(flags & ~THREAD_SUPPORTED)
                    + " are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        if ((flags & (CLONE_FS | CLONE_FILES)) != (CLONE_FS | CLONE_FILES)) {
            t.kernel().log().once("clone: threads with their own fd table or cwd are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        GuestProcess p = t.process;
        Kernel kernel = t.kernel();
        checkTaskLimit(t);
        CommittedMemory.commitEngine(p);
        Cpu cpu = p.takeSpareEngine();
        if (cpu == null) {
            cpu = kernel.cpus().create();
            p.memory().attach(cpu);
        }
        TaskThread host = kernel.processTable().newTaskThread();
        int tid = host.id();
        Cpu.copyRegisters(t.cpu, cpu);
        cpu.set(Reg.RAX, 0);
        if (stack != 0) cpu.set(Reg.RSP, stack);
        if ((flags & CLONE_SETTLS) != 0) cpu.set(Reg.FS_BASE, tls);
        GuestThread thread = new GuestThread(p, tid, cpu);
        thread.rename(t.name());
        thread.inheritSchedulingFrom(t);
        thread.seccomp.inheritFrom(t.seccomp); // filters and no_new_privs go to threads and children alike
        thread.personality = t.personality;
        thread.signals.inheritFrom(t.signals);
        // A thread on a new stack does not inherit the alternate signal stack (copy_process: sas_ss_reset).
        thread.signals.resetForExec();
        if ((flags & CLONE_CHILD_SETTID) != 0) putTid(p.memory(), childTid, tid);
        if ((flags & CLONE_PARENT_SETTID) != 0) putTid(p.memory(), parentTid, tid);
        if ((flags & CLONE_CHILD_CLEARTID) != 0) thread.setClearChildTid(childTid);
        p.addThread(thread);
        dev.jlibos.kernel.process.Tracee.onFork(t, thread, flags); // ptrace: PTRACE_O_TRACECLONE
        kernel.bind(thread);
        long pc = t.cpu.get(Reg.RIP);
        host.start("jlibos-tid-" + tid, () -> kernel.runThread(thread, pc));
        return tid;
    }

    /** x86-64 clone(flags, newsp, parent_tid, child_tid, tls). */
    private long fork(GuestThread t, long flags, long stack, long parentTid, long childTid, long tls) {
        GuestProcess parent = t.process;
        Kernel kernel = t.kernel();
        checkProcessLimit(kernel);
        checkTaskLimit(t);
        CommittedMemory.commitFork(parent);
        // CLONE_PIDFD: the fd slot is taken (EMFILE) and the word checked (EFAULT) before the child exists.
        int pidfd = -1;
        if ((flags & CLONE_PIDFD) != 0) {
            parent.memory().requireAccess(parentTid, 4, true);
            pidfd = parent.files.install(new dev.jlibos.vfs.event.PidFd(parent, 0), true); // replaced below
        }
        try {
            return fork(t, flags, stack, parentTid, childTid, tls, pidfd);
        } catch (RuntimeException e) {
            if (pidfd >= 0) parent.files.close(pidfd);
            throw e;
        }
    }

    /** The new process, its engine and host thread; {@code pidfd} (CLONE_PIDFD) is the slot to point at it, or -1. */
    private long fork(GuestThread t, long flags, long stack, long parentTid, long childTid, long tls, int pidfd) {
        GuestProcess parent = t.process;
        Kernel kernel = t.kernel();
        AddressSpace memory = parent.memory().copyForFork();
        MembarrierCalls.inheritOnFork(t, memory);
        Cpu cpu = kernel.cpus().create();
        memory.attach(cpu);
        Cpu.copyRegisters(t.cpu, cpu);
        cpu.set(Reg.RAX, 0);
        if (stack != 0) cpu.set(Reg.RSP, stack);
        if ((flags & CLONE_SETTLS) != 0) cpu.set(Reg.FS_BASE, tls);

        TaskThread host = kernel.processTable().newTaskThread();
        int pid = host.id();
        GuestProcess child = new GuestProcess(kernel, pid, parent.pid, memory, parent.files.copyForFork(),
                parent.credentials.copy());
        child.inheritImageFrom(parent);
        child.useUts(parent.uts());
        child.prctl().inheritFrom(parent.prctl());
        if (parent.determinism() != null) child.useDeterminism(parent.determinism().fork());
        child.useFs(parent.fs().copyForFork());
        child.useSignals(parent.signals().copyForFork());
        child.forkedFrom(parent);
        if ((flags & CLONE_VFORK) != 0) {
            long sp = t.cpu.get(Reg.RSP);
            var stackArea = parent.memory().find(sp);
            if (stackArea != null) {
                child.borrowVforkStack(parent, sp, stackArea.end());
            }
        }
        GuestThread thread = new GuestThread(child, pid, cpu); // only the calling thread is copied
        thread.rename(t.name());
        thread.inheritSchedulingFrom(t);
        thread.seccomp.inheritFrom(t.seccomp); // filters and no_new_privs go to threads and children alike
        thread.personality = t.personality;
        thread.signals.inheritFrom(t.signals);
        child.threads.add(thread);
        thread.kernel().syscalls().imageCopied(thread); // the copied data page still answers with the parent's pid
        if ((flags & CLONE_CHILD_SETTID) != 0) putTid(memory, childTid, pid);
        if ((flags & CLONE_CHILD_CLEARTID) != 0) thread.setClearChildTid(childTid);
        if ((flags & CLONE_PARENT_SETTID) != 0) putTid(parent.memory(), parentTid, pid);
        // With CLONE_VM the child's copy stands for the shared memory: what the parent is told is in it too
        // (a vfork child that exits copies its stack back over the parent's).
        if ((flags & (CLONE_PARENT_SETTID | CLONE_VM)) == (CLONE_PARENT_SETTID | CLONE_VM)) putTid(memory, parentTid, pid);
        synchronized (kernel.processTable().lock()) {
            parent.children.add(child);
            kernel.processTable().register(child);
        }
        if (pidfd >= 0) {
            parent.files.installAt(pidfd, new dev.jlibos.vfs.event.PidFd(child, 0), true);
            parent.memory().writeInt(parentTid, pidfd);
            if ((flags & CLONE_VM) != 0) putTid(memory, parentTid, pidfd);
        }
        dev.jlibos.kernel.process.Tracee.onFork(t, thread, flags); // ptrace: PTRACE_O_TRACEFORK and the like
        kernel.bind(thread);
        long pc = t.cpu.get(Reg.RIP); // the instruction after syscall, in both processes
        child.madeReady(thread); // deterministic mode: its first turn is queued now, not when its host thread starts
        host.start("jlibos-pid-" + pid, () -> kernel.runProcess(thread, pc));
        if ((flags & CLONE_VFORK) != 0) {
            dev.jlibos.kernel.process.Tracee.vforkStarted(t); // ptrace: PTRACE_EVENT_VFORK before the wait
            try {
                dev.jlibos.core.Blocking.run(() -> {
                    child.awaitVforkRelease();
                    return null;
                });
                dev.jlibos.kernel.process.Tracee.vforkDone(t, pid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return pid;
    }

    /**
     * CLONE_CHILD_SETTID/CLONE_PARENT_SETTID: Linux's put_user there ignores a fault (the new task exists by
     * then), so a bad address leaves the word unwritten and clone succeeds.
     */
    private static void putTid(AddressSpace memory, long address, int tid) {
        try {
            memory.writeInt(address, tid);
        } catch (dev.jlibos.core.LinuxException e) {
            // ignored, as Linux does
        }
    }

    /**
     * Machine.Builder.maxProcesses, counted like RLIMIT_NPROC: live processes and unreaped zombies. Checked
     * as fork starts, so concurrent forks in different processes may each pass: the count can exceed the
     * limit by at most the number of processes forking at that instant.
     */
    private static void checkProcessLimit(Kernel kernel) {
        int max = kernel.limits().processes();
        if (max <= 0) return;
        int live;
        synchronized (kernel.processTable().lock()) {
            live = kernel.processes().size();
        }
        if (live >= max) {
            kernel.exceeded(dev.jlibos.kernel.process.Limit.PROCESSES, "process limit of " + max
                    + " reached: fork and clone fail with EAGAIN");
            throw Errno.EAGAIN.fail();
        }
    }

    /**
     * The caller's RLIMIT_NPROC, as Linux applies it in copy_process: the tasks (threads, zombies counted
     * once) of the machine, whose guests all run as one user, must stay below the soft limit, or fork and
     * pthread_create get EAGAIN. Unlike Linux, root is not exempt: the limit is what stops a fork bomb.
     */
    private static void checkTaskLimit(GuestThread t) {
        long limit = t.process.limits.soft(dev.jlibos.core.rlimit.ResourceLimits.NPROC);
        if (limit == dev.jlibos.core.rlimit.ResourceLimits.INFINITY) return;
        long tasks = 0;
        for (GuestProcess p : t.kernel().processes()) tasks += Math.max(1, p.threads.size());
        if (Long.compareUnsigned(tasks, limit) >= 0) throw Errno.EAGAIN.fail();
    }

    private long execve(GuestThread t, SyscallArgs a) {
        GuestProcess p = t.process;
        byte[] rawPath = GuestPaths.path(t, a.get(0));
        String path = GuestPaths.string(rawPath);
        // busybox re-executes itself through /proc/self/exe: that must be the guest's program, not the JVM.
        String entry = p.fs().sandboxed() ? null : GuestPaths.procEntry(t, AT_FDCWD, rawPath);
        if ("exe".equals(entry)) path = p.executable();
        return exec(t, path, a.get(1), a.get(2));
    }

    /**
     * execveat(dirfd, path, argv, envp, flags): a path relative to {@code dirfd}, or with AT_EMPTY_PATH
     * and an empty path the file {@code dirfd} itself (fexecve). Both are named by the path jlibos recorded
     * when the descriptor was opened.
     */
    private long execveat(GuestThread t, SyscallArgs a) {
        int dirfd = a.i32(0), flags = a.i32(4);
        if ((flags & AT_SYMLINK_NOFOLLOW) != 0) {
            t.kernel().log().once("execveat: AT_SYMLINK_NOFOLLOW is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        if ((flags & ~AT_EMPTY_PATH) != 0) throw Errno.EINVAL.fail();
        byte[] rawPath = GuestPaths.pathOrEmpty(t, a.get(1));
        String path = GuestPaths.string(rawPath);
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) throw Errno.ENOENT.fail();
            path = t.process.files.get(dirfd).path(); // EBADF for a bad fd
        } else if (!path.startsWith("/") && dirfd != AT_FDCWD) {
            String dir = t.process.files.get(dirfd).path();
            path = (dir.endsWith("/") ? dir : dir + "/") + path;
        }
        if (path == null || !path.startsWith("/") && dirfd != AT_FDCWD) throw Errno.ENOENT.fail();
        return exec(t, path, a.get(2), a.get(3));
    }

    private long exec(GuestThread t, String path, long argvAddress, long envpAddress) {
        GuestProcess p = t.process;
        List<String> argv = strings(p.memory(), argvAddress);
        List<String> envp = strings(p.memory(), envpAddress);
        AddressSpace old = p.memory();
        ProgramImage.Exec next;
        try {
            next = ProgramImage.loadForExec(t, path, argv, envp);
        } catch (LoadException e) {
            throw e.errno().fail();
        }
        LoadedProgram program = next.program();
        // The point of no return. The other threads end first, on the old image (de_thread); the caller
        // takes over the thread group's id, as in Linux.
        endOtherThreads(t);
        p.dropSpareEngines();
        if (p.exited()) {
            next.discard(t.kernel().execPool());
            return 0;
        }
        p.switchMemory(next.memory());
        t.becomeLeader();
        old.detach(t.cpu);
        old.close();
        if (next.engine() != null) t.swapEngine(next.engine()); // a pooled engine, already on the new memory
        else next.memory().attach(t.cpu);
        if (next.lease() != null) p.startedFromPool(t.kernel().execPool(), next.lease());
        p.files.closeOnExecve();
        // Credentials at exec (no file capabilities or set-id bits here): capabilities recomputed, and the
        // process dumpable again unless its effective and real ids differ.
        var c = p.credentials;
        c.onExec();
        p.prctl().dumpable(c.euid == c.ruid && c.egid == c.rgid ? 1 : dev.jlibos.core.host.HostSystem.suidDumpable());
        p.timers().releasePosix(); // POSIX timers do not survive execve
        p.signals().resetForExec();
        t.signals.resetForExec();
        t.rename(lastComponent(program.execFn()));
        t.personality = PersonalityCalls.afterExec(t.personality);
        for (Reg r : Reg.GPRS) t.cpu.set(r, 0);
        byte[] zero = new byte[16];
        for (int i = 0; i < 16; i++) t.cpu.setXmm(i, zero);
        t.cpu.setMxcsr(0x1f80);
        t.cpu.resetX87();
        t.cpu.set(Reg.FS_BASE, 0);
        t.cpu.set(Reg.GS_BASE, 0);
        t.cpu.set(Reg.RSP, program.stackPointer());
        t.cpu.set(Reg.RIP, program.entry());
        p.releaseVforkParent();
        // Leave the engine so no translated code of the old image runs; the thread resumes at the entry. (A
        // swapped-in engine is not running: swapEngine stopped the one the thread is leaving.)
        if (next.engine() == null) t.cpu.stop();
        return 0;
    }

    /** Makes every other thread of the process exit and waits (with the execution lock released) until they have. */
    private static void endOtherThreads(GuestThread t) {
        GuestProcess p = t.process;
        if (p.threads.size() == 1) return;
        for (GuestThread other : p.threads) {
            if (other == t) continue;
            other.exitThread();
            other.interrupt();
        }
        while (p.threads.size() > 1 && !p.exited()) {
            try {
                dev.jlibos.core.Blocking.run(() -> {
                    Thread.sleep(1);
                    return null;
                });
            } catch (InterruptedException e) {
                // a signal for us: it waits until the new image runs
            }
        }
    }

    private static String lastComponent(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    /** A NULL-terminated array of C strings (argv, envp); a NULL array is empty, as Linux accepts. */
    private static List<String> strings(AddressSpace m, long array) {
        List<String> out = new ArrayList<>();
        if (array == 0) return out;
        for (long at = array; ; at += 8) {
            long s = m.readLong(at);
            if (s == 0) return out;
            if (out.size() >= MAX_ARG_STRINGS) throw Errno.E2BIG.fail();
            out.add(m.readCString(s, 32 * 4096, Errno.E2BIG));
        }
    }

    private long wait4(GuestThread t, int pid, long statusAddress, int options, long rusage) {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE | WNOTHREAD)) != 0) throw Errno.EINVAL.fail();
        // wait4's WUNTRACED is waitid's WSTOPPED (the same bit); exits are always reported.
        Report r = reap(t, pid, options | WEXITED, true);
        if (r == null) return 0; // WNOHANG and no child has changed state
        if (statusAddress != 0) t.process.memory().writeInt(statusAddress, r.waitStatus());
        if (rusage != 0) t.process.memory().write(rusage, new byte[144]);
        return r.pid;
    }

    /** What wait reports about a child: its end, a stop (by signal {@code signal}) or a continuation. */
    private record Report(GuestProcess child, int kind, int signal, int pid) {
        /**
         * TRACE_STOP: a ptrace stop, {@code signal} its whole status word and {@code pid} the tracee's tid;
         * THREAD_EXITED: the end of a traced thread, {@code signal} its wait status and {@code pid} its tid.
         */
        static final int EXITED = 0, STOPPED = 1, CONTINUED = 2, TRACE_STOP = 3, THREAD_EXITED = 4;

        /** The wait status word: exit, death by signal, (sig << 8) | 0x7f for stopped, 0xffff for continued. */
        int waitStatus() {
            return switch (kind) {
                case TRACE_STOP, THREAD_EXITED -> signal;
                case STOPPED -> (signal & 0xff) << 8 | 0x7f;
                case CONTINUED -> 0xffff;
                default -> ForkExecCalls.waitStatus(child.exitStatus());
            };
        }

        /** The siginfo waitid fills (and SIGCHLD carries). */
        byte[] info() {
            if (kind == THREAD_EXITED) {
                boolean killed = (signal & 0x7f) != 0;
                return dev.jlibos.signals.SigInfo.childEnded(pid, child.credentials.ruid, killed, killed ? signal & 0x7f : signal >> 8 & 0xff);
            }
            if (kind == EXITED) {
                ExitStatus s = child.exitStatus();
                return dev.jlibos.signals.SigInfo.childEnded(child.pid, child.credentials.ruid, s.signalled(),
                        s.signalled() ? s.signal() : s.code());
            }
            int code = kind == TRACE_STOP ? dev.jlibos.kernel.process.Tracee.CLD_TRAPPED
                    : kind == STOPPED ? JobControl.CLD_STOPPED : JobControl.CLD_CONTINUED;
            byte[] info = dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGCHLD, code, pid, child.credentials.ruid);
            dev.jlibos.core.mem.Longs.put(info, 24, kind == TRACE_STOP ? (signal >> 8) & 0xff : signal, 4);
            return info;
        }
    }

    /**
     * Waits for a matching child to change state as {@code options} asks (WEXITED: end; WSTOPPED: a stop
     * not yet reported; WCONTINUED: a continuation not yet reported) and reports it; {@code consume}
     * removes an ended child from the table and clears a reported stop or continuation (not WNOWAIT).
     * Null with WNOHANG when nothing changed. ECHILD without matching children, EINTR on a signal.
     */
    private static Report reap(GuestThread t, int pid, int options, boolean consume) {
        GuestProcess p = t.process;
        Kernel kernel = t.kernel();
        while (true) {
            synchronized (kernel.processTable().lock()) {
                boolean any = false;
                // ptrace: the tracees' stops, and the ends of tracees that are not our children.
                for (dev.jlibos.kernel.process.Tracee tr : p.tracees) {
                    GuestProcess c = tr.thread.process;
                    if (tr.detached() || (pid > 0 ? tr.thread.tid() != pid : !matches(c, pid, p))) continue;
                    if (tr.nonLeader()) {
                        any = true;
                        Report r = tracedThreadReport(p, tr, options, consume);
                        if (r != null) return r;
                        continue;
                    }
                    if (c.parent() == p && c.finished()) continue; // our child: reaped below
                    any = true;
                    int status = tr.takeStop(consume);
                    if (status != 0) return new Report(c, Report.TRACE_STOP, status, tr.thread.tid());
                    if (tr.exitPending() && (options & WEXITED) != 0 && !threadEndsOwed(p, c)) {
                        if (consume) {
                            tr.exitReported();
                            p.tracees.remove(tr);
                            GuestProcess realParent = c.parent();
                            if (realParent != null) kernel.tellParentOfEnd(c, realParent); // it may reap it now
                        }
                        return new Report(c, Report.EXITED, 0, c.pid);
                    }
                }
                for (GuestProcess c : p.children) {
                    if (!matches(c, pid, p)) continue;
                    any = true;
                    if (c.finished()) {
                        if ((options & WEXITED) == 0) continue;
                        // ptrace: a tracer that is not the parent is told of the end first (Linux holds the zombie).
                        if (dev.jlibos.kernel.process.Tracee.exitOwedToTracer(c)) continue;
                        if (threadEndsOwed(p, c)) continue; // the traced threads' ends come before the leader's
                        if (consume) p.tracees.removeIf(tr -> tr.thread.process == c);
                        // Deterministic mode: waiting for a child takes as long as the child ran.
                        if (p.determinism() != null && c.determinism() != null) p.determinism().advanceTo(c.determinism().elapsed());
                        if (consume) {
                            p.children.remove(c);
                            kernel.processTable().forget(c);
                        }
                        return new Report(c, Report.EXITED, 0, c.pid);
                    }
                    Report r = jobReport(c, options, consume);
                    if (r != null) return r;
                }
                if (!any) throw Errno.ECHILD.fail();
            }
            if ((options & WNOHANG) != 0) return null;
            if (p.exited() || t.signals.hasDeliverable(t.signals.blocked())) throw Errno.EINTR.fail();
            try {
                dev.jlibos.core.Blocking.runWakeable(() -> {
                    if (!p.deterministic()) {
                        p.signals().waitBriefly(WAIT_POLL_MILLIS, t::takeKick);
                        return null;
                    }
                    // Deterministic mode: a child's change of state kicks this thread (its turn is queued at
                    // that point of the child's run). Coming back for a poll instead would take a turn at a
                    // host-timed place in the queue, and a child ending just then would be reaped from there.
                    while (!t.takeKick() && !p.exited() && !t.signals.hasDeliverable(t.signals.blocked())) {
                        p.signals().waitBriefly(WAIT_POLL_MILLIS, t::kicked);
                    }
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errno.EINTR.fail();
            }
        }
    }

    /**
     * A traced thread other than its process's leader (a tracer may wait for it by tid; ptraced tasks need
     * no __WALL): its ptrace stop, or its own end, or null.
     */
    private static Report tracedThreadReport(GuestProcess p, dev.jlibos.kernel.process.Tracee tr, int options, boolean consume) {
        GuestProcess c = tr.thread.process;
        int status = tr.takeStop(consume);
        if (status != 0) return new Report(c, Report.TRACE_STOP, status, tr.thread.tid());
        int end = tr.threadEnd();
        if (end < 0 || (options & WEXITED) == 0) return null;
        if (consume) {
            tr.exitReported();
            p.tracees.remove(tr);
            // A process whose end waited only for this report goes to its parent now.
            GuestProcess parent = c.parent();
            if (c.finished() && parent != null && parent != p && !dev.jlibos.kernel.process.Tracee.exitOwedToTracer(c)) {
                p.kernel.tellParentOfEnd(c, parent);
            }
        }
        return new Report(c, Report.THREAD_EXITED, end, tr.thread.tid());
    }

    /** Whether {@code tracer} has still to be told of the end of a traced thread of {@code c} other than its leader. */
    private static boolean threadEndsOwed(GuestProcess tracer, GuestProcess c) {
        for (dev.jlibos.kernel.process.Tracee tr : tracer.tracees) {
            if (tr.thread.process == c && tr.nonLeader() && tr.exitOwed()) return true;
        }
        return false;
    }

    /** A stop or continuation of live child {@code c} that wait has not reported yet, or null. */
    private static Report jobReport(GuestProcess c, int options, boolean consume) {
        // A dying process (SIGKILL while stopped) is not stopped any more: its end is what counts.
        int sig = (options & WSTOPPED) != 0 ? c.job().stopReport(c.exited(), consume) : 0;
        if (sig != 0) return new Report(c, Report.STOPPED, sig, c.pid);
        if ((options & WCONTINUED) != 0 && c.job().continuedReport(consume)) {
            return new Report(c, Report.CONTINUED, dev.jlibos.signals.Signal.SIGCONT, c.pid);
        }
        return null;
    }

    /** waitid(idtype, id, siginfo, options, rusage): like wait4, reporting through a siginfo. */
    private long waitid(GuestThread t, SyscallArgs a) {
        int type = a.i32(0), id = a.i32(1), options = a.i32(3);
        long infoAddress = a.get(2);
        if ((options & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT | WALL | WCLONE | WNOTHREAD)) != 0
                || (options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) {
            throw Errno.EINVAL.fail();
        }
        boolean nonBlockingPidfd = false;
        int pid = switch (type) {
            case P_ALL -> -1;
            case P_PID -> {
                if (id <= 0) throw Errno.EINVAL.fail();
                yield id;
            }
            case P_PGID -> id == 0 ? 0 : -id;
            case P_PIDFD -> {
                // The pidfd's process, which must be a child; a PIDFD_NONBLOCK pidfd waits as WNOHANG does.
                if (id < 0) throw Errno.EINVAL.fail();
                if (!(t.process.files.get(id) instanceof dev.jlibos.vfs.event.PidFd pidfd)) throw Errno.EBADF.fail();
                nonBlockingPidfd = pidfd.nonBlocking();
                yield pidfd.target().pid();
            }
            default -> throw Errno.EINVAL.fail();
        };
        Report r = reap(t, pid, nonBlockingPidfd ? options | WNOHANG : options, (options & WNOWAIT) == 0);
        byte[] info = r != null ? r.info() : new byte[dev.jlibos.signals.SigInfo.SIZE];
        if (infoAddress != 0) t.process.memory().write(infoAddress, info);
        // Nothing to report from a non-blocking pidfd the caller did not ask WNOHANG of: EAGAIN.
        if (r == null && nonBlockingPidfd && (options & WNOHANG) == 0) throw Errno.EAGAIN.fail();
        if (a.get(4) != 0) t.process.memory().write(a.get(4), new byte[144]);
        return 0;
    }

    /** wait4's pid argument: > 0 that child, -1 any child, 0 our group, < -1 group -pid. */
    private static boolean matches(GuestProcess child, int pid, GuestProcess self) {
        if (pid > 0) return child.pid == pid;
        if (pid == -1) return true;
        int group = pid == 0 ? self.pgid() : -pid;
        return child.pgid() == group;
    }

    /** The wait status word: exit code in bits 8-15, or the signal number in bits 0-6. */
    static int waitStatus(ExitStatus s) {
        return s.signalled() ? s.signal() & 0x7f : (s.code() & 0xff) << 8;
    }
}
