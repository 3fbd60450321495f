package dev.jlibos.kernel;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.Reg;

/**
 * One guest thread: a CPU running the process's code on one host thread. The thread's run loop is the
 * only place that starts emulation; syscalls are served inside the engine hook and only faults, exits
 * and image replacement bring control back here.
 */
public final class GuestThread {
    public final GuestProcess process;
    public final int tid;
    public final Cpu cpu;

    /** The host thread emulating this guest thread (set when it starts), to interrupt blocking waits. */
    public volatile Thread hostThread;
    /** The thread's name (comm): the program's file name until PR_SET_NAME changes it. */
    public String name = "";
    /** set_tid_address: cleared and futex-woken when the thread exits (CLONE_CHILD_CLEARTID). */
    public long clearChildTid;
    /** set_robust_list head and length, walked on thread death. */
    public long robustListHead, robustListLength;
    /** Scratch for the syscall being served; each thread has its own so dispatch is thread-safe. */
    public final dev.jlibos.kernel.syscall.SyscallArgs syscallArgs = new dev.jlibos.kernel.syscall.SyscallArgs();

    public GuestThread(GuestProcess process, int tid, Cpu cpu) {
        this.process = process;
        this.tid = tid;
        this.cpu = cpu;
    }

    public Kernel kernel() {
        return process.kernel;
    }

    /** Stops the engine and wakes the host thread if it is blocked in a wait (pipe, sleep, wait4). */
    public void interrupt() {
        cpu.stop();
        Thread host = hostThread;
        if (host != null && host != Thread.currentThread()) host.interrupt();
    }

    /** Runs guest code from {@code pc} until the process exits. */
    void run(long pc) {
        while (!process.exited()) {
            CpuExit exit = cpu.run(pc);
            if (process.exited()) return;
            if (exit.kind() == CpuExit.Kind.STOPPED) {
                kernel().signals().onInterrupted(this);
            } else {
                kernel().signals().onFault(this, exit);
            }
            if (process.exited()) return;
            pc = cpu.get(Reg.RIP);
        }
    }
}
