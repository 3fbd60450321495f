package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.Kernel;
import dev.jlibos.syscalls.StraceFormatter;
import dev.jlibos.syscalls.SyscallTable;

import java.io.PrintStream;

/**
 * Serves one {@code syscall} instruction, inside the engine hook: read the registers, run the handler,
 * put the result in RAX, deliver pending signals. This is the single place where an {@link Errno}
 * becomes {@code -errno}, and where anything a handler throws is contained: the guest always gets a
 * result and no Java exception ever unwinds into the native engine.
 */
public final class SyscallDispatcher {
    private final Kernel kernel;
    private final SyscallRegistry registry;
    private final StraceFormatter formatter = new StraceFormatter();

    private static final long INTERRUPTED = Errno.EINTR.negated();
    private static final int SYSCALL_LENGTH = 2;
    /** Calls that sleep with ERESTARTSYS semantics in Linux: a signal either restarts them or yields EINTR. */
    private static final java.util.Set<Integer> RESTARTABLE = java.util.Set.of(dev.jlibos.syscalls.Sysno.READ,
            dev.jlibos.syscalls.Sysno.READV, dev.jlibos.syscalls.Sysno.WRITE, dev.jlibos.syscalls.Sysno.WRITEV,
            dev.jlibos.syscalls.Sysno.WAIT4, dev.jlibos.syscalls.Sysno.WAITID, dev.jlibos.syscalls.Sysno.FUTEX);

    /** True unless the signal about to be delivered runs a handler installed without SA_RESTART. */
    private static boolean restartsAfterSignal(GuestThread thread) {
        var signals = thread.signals;
        int sig = signals.peek(signals.blocked());
        if (sig == 0) return false;
        var action = signals.action(sig);
        boolean handler = action.handler() != dev.jlibos.signals.SigAction.SIG_DFL
                && action.handler() != dev.jlibos.signals.SigAction.SIG_IGN;
        return !handler || action.has(dev.jlibos.signals.SigAction.SA_RESTART);
    }

    public SyscallDispatcher(Kernel kernel, SyscallRegistry registry) {
        this.kernel = kernel;
        this.registry = registry;
    }

    public void dispatch(GuestThread thread) {
        // A stale interrupt (a signal that arrived while the guest ran user code, already pending) must
        // not fail this call's waits: only an interrupt during the call means "interrupted".
        Thread.interrupted();
        SyscallArgs args = thread.syscallArgs;
        thread.cpu.readSyscallRegisters(args.raw);
        int number = args.number();
        SyscallRegistry.Entry entry = registry.get(number);
        PrintStream strace = kernel.strace();
        long result = invoke(thread, entry, args);
        if (result == INTERRUPTED && RESTARTABLE.contains(number) && restartsAfterSignal(thread)) {
            // Linux's ERESTARTSYS: re-execute the syscall after the signal (SA_RESTART, or no handler runs).
            thread.cpu.set(Reg.RIP, thread.cpu.get(Reg.RIP) - SYSCALL_LENGTH);
            result = number;
        }
        if (strace != null) trace(strace, thread, args, result);
        if (!thread.process.exited()) {
            thread.cpu.set(Reg.RAX, result);
            kernel.signals().afterSyscall(thread);
            thread.process.yieldIfRequested();
        }
    }

    private long invoke(GuestThread thread, SyscallRegistry.Entry entry, SyscallArgs args) {
        if (entry == null) {
            String name = SyscallTable.getOrUnknown(args.number()).name();
            kernel.log().once("unimplemented syscall " + name + " (" + args.number() + "): returning ENOSYS");
            return Errno.ENOSYS.negated();
        }
        if (entry.handler() == null) return entry.errno().negated();
        try {
            return entry.handler().call(thread, args);
        } catch (LinuxException e) {
            return e.errno().negated();
        } catch (RuntimeException | StackOverflowError e) {
            kernel.log().error("internal error in " + entry.def().name() + ": " + e + " (returning EIO)", e);
            return Errno.EIO.negated();
        }
    }

    private void trace(PrintStream out, GuestThread thread, SyscallArgs args, long result) {
        int number = args.number();
        long[] values = args.arguments();
        String line;
        try {
            // exit and exit_group have no result; the table's ResultKind.NONE prints strace's "= ?".
            line = formatter.formatExit(number, values, result, thread.process.memory);
        } catch (RuntimeException e) {
            line = SyscallTable.getOrUnknown(number).name() + "(<unprintable: " + e + ">) = " + result;
        }
        out.println(line);
    }
}
