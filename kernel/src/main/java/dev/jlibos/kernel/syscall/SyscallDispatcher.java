package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.process.SyscallService;
import dev.jlibos.syscalls.StraceFormatter;
import dev.jlibos.syscalls.SyscallTable;
import dev.jlibos.syscalls.offload.OffloadAllowlist;
import dev.jlibos.syscalls.offload.OffloadPolicy;
import dev.jlibos.syscalls.offload.OffloadSpec;
import dev.jlibos.syscalls.trace.SyscallListener;
import dev.jlibos.syscalls.trace.SyscallRecord;

import java.io.PrintStream;

/**
 * Serves one {@code syscall} instruction, inside the engine hook: read the registers, run the handler,
 * put the result in RAX, deliver pending signals. This is the single place where an {@link Errno}
 * becomes {@code -errno}, and where anything a handler throws is contained: the guest always gets a
 * result and no Java exception ever unwinds into the native engine.
 */
public final class SyscallDispatcher implements SyscallService {
    private final Kernel kernel;
    private final SyscallRegistry registry;
    private final Offloader offloader;
    private final ShimSupport shim;
    /** Where --strace lines go, or null when tracing is off. */
    private final PrintStream strace;
    /** The structured trace sink, or null when nobody listens. */
    private final SyscallListener listener;
    private final StraceFormatter formatter = new StraceFormatter();
    /** For {@link SyscallRecord#text()}: strace's text without the column alignment. */
    private final StraceFormatter recordFormatter = new StraceFormatter(StraceFormatter.DEFAULT_STRING_LIMIT, 0);

    private static final long INTERRUPTED = Errno.EINTR.negated();
    private static final long TOO_MANY_FILES = Errno.EMFILE.negated();
    private static final int SYSCALL_LENGTH = 2;

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

    /**
     * @param strace   where --strace lines go, or null
     * @param listener receives every syscall of every process of the kernel's machine, or null
     */
    public SyscallDispatcher(Kernel kernel, SyscallRegistry registry, Offloader offloader, PrintStream strace,
                             SyscallListener listener) {
        this.kernel = kernel;
        this.registry = registry;
        this.offloader = offloader;
        this.shim = new ShimSupport(registry);
        this.strace = strace;
        this.listener = listener;
    }

    /**
     * Whether new images get the kml-shim's rewritable syscall sites: on the shim path, unless every call
     * must be seen (--strace, a trace listener), since a rewritten call never reaches the dispatcher.
     */
    private boolean rewritesSyscallSites() {
        return kernel.vdso() != null && strace == null && listener == null;
    }

    @Override
    public void imageLoaded(GuestThread thread) {
        if (rewritesSyscallSites()) shim.install(thread);
    }

    @Override
    public void imageCopied(GuestThread thread) {
        shim.refresh(thread);
    }

    @Override
    public void syscallsFiltered(GuestThread thread) {
        shim.restoreSites(thread);
    }

    /**
     * Serves the call in the thread's registers. The side jobs run as ordered steps, each a method
     * below: (1) enter: registers in, a stale interrupt dropped; (2) determinism: the call is a point of
     * virtual time; (3) snapshot: Machine.snapshot's capture point ends the process here; (4) rewriting:
     * the kml-shim rewrites a served call's site; (5) trace entry; (6) serve: seccomp's verdict (strict
     * mode, filters) first, then fault injection, host offload, or the handler; (7) rewriting after: the
     * shim's answers refreshed; (8) limits: EMFILE under --max-open-files is reported; (9) restart:
     * ERESTARTSYS; (10) trace exit; (11) leave: RAX, signal delivery, preemption. The order is Linux's
     * where it has one (seccomp before the call, restart before signals).
     */
    @Override
    public void dispatch(GuestThread thread) {
        SyscallArgs args = enter(thread);
        // A SIGKILL (any kill of the whole process) that landed after the engine's last block boundary but
        // before enter() dropped the stale interrupt: the call must not run, as the process is already dead,
        // and a wait in it would never end (the kill is no pending signal, and its interrupt is gone). The
        // kill marks the process before it interrupts, so one that comes later still interrupts the wait.
        // (Seen as hangs: a child in pause() killed at once, about once in a few thousand kills.)
        if (thread.process.exited()) {
            thread.cpu.requestStop();
            return;
        }
        // ptrace: a traced thread stops at entry and exit for its tracer (PtraceStops), who may change the call.
        dev.jlibos.kernel.process.Tracee traced = thread.tracee;
        long cancelled = traced != null ? PtraceStops.entry(thread, traced, args) : PtraceStops.RUN;
        int number = args.number();
        if (thread.process.determinism() != null) dev.jlibos.kernel.process.Determinism.onSyscall(thread);
        if (kernel.captureSnapshot(thread, args)) return;
        shim.beforeSyscall(thread, number);
        // Without a listener the hot path reads no clock and allocates nothing.
        long start = listener != null ? now(thread) : 0L;
        String before = describeBeforeExec(strace, listener, thread, args);
        long verdict = cancelled != PtraceStops.RUN ? cancelled : SeccompCheck.check(thread, args);
        boolean runs = verdict == SeccompCheck.RUN;
        if (runs) number = args.number(); // a tracer may have changed the call at its PTRACE_EVENT_SECCOMP stop
        long served = runs ? invoke(thread, registry.get(number), args) : verdict;
        if (traced != null) served = PtraceStops.exit(thread, traced, number, served, registry.has(number, Trait.REPLACES_IMAGE),
                registry.has(number, Trait.RESTARTABLE));
        shim.afterSyscall(thread, number);
        noteLimits(served);
        long end = listener != null ? now(thread) : 0L;
        // A result chosen by a seccomp filter is never a restart request, even SECCOMP_RET_ERRNO(EINTR).
        long result = runs ? restart(thread, number, served) : served;
        if (strace != null) trace(strace, thread, args, result, before);
        if (listener != null) record(listener, thread, args, served, start, end, before);
        leave(thread, result);
    }

    /** Step 1: the registers in; a stale interrupt dropped. */
    private static SyscallArgs enter(GuestThread thread) {
        // A stale interrupt (a signal that arrived while the guest ran user code, already pending) must
        // not fail this call's waits: only an interrupt during the call means "interrupted".
        Thread.interrupted();
        SyscallArgs args = thread.syscallArgs;
        args.readFrom(thread.cpu);
        return args;
    }

    /** Step 5: a successful execve frees the memory holding its arguments, so it is described before it runs. */
    private String describeBeforeExec(PrintStream strace, SyscallListener listener, GuestThread thread, SyscallArgs args) {
        boolean wantsText = strace != null || listener != null && listener.wantsText();
        return wantsText && registry.has(args.number(), Trait.REPLACES_IMAGE) ? entryText(thread, args) : null;
    }

    /** Step 8: an EMFILE while --max-open-files is set is the machine's limit at work: reported. */
    private void noteLimits(long result) {
        if (result == TOO_MANY_FILES && kernel.limits().openFiles() > 0) kernel.limits().exceeded(dev.jlibos.kernel.process.Limit.OPEN_FILES);
    }

    /**
     * Step 9: Linux's ERESTARTSYS. An interrupted restartable call whose signal runs no handler, or one
     * installed with SA_RESTART, is re-executed after the signal: RIP back on the syscall, RAX its number.
     */
    private long restart(GuestThread thread, int number, long result) {
        if (result == INTERRUPTED && registry.has(number, Trait.RESTARTABLE) && restartsAfterSignal(thread)) {
            thread.cpu.set(Reg.RIP, thread.cpu.get(Reg.RIP) - SYSCALL_LENGTH);
            return number;
        }
        return result;
    }

    /** Step 11: the result in RAX, pending signals delivered on the way back to user mode, then a requested yield. */
    private void leave(GuestThread thread, long result) {
        if (thread.process.exited()) return;
        thread.cpu.set(Reg.RAX, result);
        kernel.signals().afterSyscall(thread);
        thread.process.yieldIfRequested(thread);
    }

    /** The trace's clock: the host's, or in deterministic mode the process's virtual time (so traces compare whole). */
    private static long now(GuestThread thread) {
        return thread.process.determinism() != null ? thread.process.determinism().elapsed() : System.nanoTime();
    }

    /**
     * Step 6: an injected fault (tests), else the host when the offload policy forwards this call and
     * the host can take it as asked, else the registry's handler or fixed errno, else ENOSYS logged once.
     */
    private long invoke(GuestThread thread, SyscallRegistry.Entry entry, SyscallArgs args) {
        SyscallHandler injected = FaultInjection.handler(args.number());
        if (injected != null) return contained(thread, injected, SyscallTable.getOrUnknown(args.number()).name(), args);
        args.forwarded(false);
        OffloadPolicy policy = kernel.offloadPolicy();
        if (policy != OffloadPolicy.NONE) {
            OffloadSpec spec = OffloadAllowlist.get(args.number());
            if (spec != null && (policy == OffloadPolicy.ALL || entry == null) && !keptLocal(thread, args.number())) {
                long r = offload(thread, spec, args);
                if (!Offloader.declined(r)) {
                    args.forwarded(true);
                    return r;
                }
                // Unimplemented here, and the host cannot take it as asked: EBADF for an fd without a host
                // fd (as the brief of the offload says), ENOSYS otherwise. Implemented: jlibos serves it.
                if (entry == null) {
                    if (r == Offloader.DECLINED_BADF) return Errno.EBADF.negated();
                    kernel.log().once("syscall " + spec.number() + " not forwarded (sandbox or guest path): returning ENOSYS");
                    return Errno.ENOSYS.negated();
                }
            }
        }
        if (entry == null) {
            String name = SyscallTable.getOrUnknown(args.number()).name();
            kernel.log().once("unimplemented syscall " + name + " (" + args.number() + "): returning ENOSYS");
            return Errno.ENOSYS.negated();
        }
        if (entry.handler() == null) return entry.errno().negated();
        return contained(thread, entry.handler(), entry.def().name(), args);
    }

    /** Calls that grow files stay with jlibos while the process has an RLIMIT_FSIZE (the JVM's is unlimited). */
    private boolean keptLocal(GuestThread thread, int number) {
        return registry.has(number, Trait.GROWS_FILES)
                && thread.process.limits.soft(dev.jlibos.core.rlimit.ResourceLimits.FSIZE) != dev.jlibos.core.rlimit.ResourceLimits.INFINITY;
    }

    /**
     * Runs a handler so that nothing it throws reaches the engine: a Linux error is the guest's result; a
     * bug (any other exception, an assertion, a stack overflow) is logged as an internal error and gives
     * EIO — or, with {@code --debug}, SIGSYS as well, so the guest stops where jlibos failed it; running
     * out of Java heap gives ENOMEM (the guest asked for too much, the JVM stays usable).
     */
    private long contained(GuestThread thread, SyscallHandler handler, String name, SyscallArgs args) {
        try {
            return handler.call(thread, args);
        } catch (LinuxException e) {
            return e.errno().negated();
        } catch (OutOfMemoryError e) {
            kernel.log().error("out of Java heap in " + name + " (returning ENOMEM)", null);
            return Errno.ENOMEM.negated();
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            boolean sigsys = kernel.log().debug();
            kernel.log().error("internal error in " + name + ": " + e + (sigsys ? " (returning EIO, sending SIGSYS)" : " (returning EIO)"), e);
            if (sigsys) {
                thread.signals.post(dev.jlibos.signals.SigInfo.fromProcess(dev.jlibos.signals.Signal.SIGSYS,
                        dev.jlibos.signals.SigInfo.SI_KERNEL, 0, 0));
            }
            return Errno.EIO.negated();
        }
    }

    private long offload(GuestThread thread, OffloadSpec spec, SyscallArgs args) {
        try {
            return offloader.forward(thread, spec, args);
        } catch (LinuxException e) {
            return e.errno().negated();
        } catch (RuntimeException e) {
            kernel.log().error("internal error forwarding syscall " + spec.number() + ": " + e + " (returning EIO)", e);
            return Errno.EIO.negated();
        }
    }

    private String entryText(GuestThread thread, SyscallArgs args) {
        try {
            return formatter.formatEntry(args.number(), args.arguments(), thread.process.memory());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code before} (the call as formatted at entry) with the result, when the image was replaced. */
    private static String afterExec(String before, int number, long result, int alignColumn) {
        if (before == null || result != 0) return null;
        StringBuilder sb = new StringBuilder(before).append(' ');
        while (sb.length() < alignColumn) sb.append(' ');
        return sb.append("= ").append(StraceFormatter.formatResult(SyscallTable.getOrUnknown(number).result(), result))
                .toString();
    }

    /** Step 10, structured: one record for the listener ({@code --trace-json}, {@code --stats}, tests). */
    private void record(SyscallListener listener, GuestThread thread, SyscallArgs args, long result, long start, long end,
                        String before) {
        int number = args.number();
        long[] values = args.arguments();
        String text = null;
        if (listener.wantsText()) {
            text = afterExec(before, number, result, 0);
            if (text == null) text = format(recordFormatter, thread, number, values, result);
        }
        SyscallRecord r = new SyscallRecord(thread.process.pid, thread.tid(), number,
                SyscallTable.getOrUnknown(number).name(), values, result, SyscallRecord.errnoOf(result),
                start - (thread.process.determinism() != null ? 0 : kernel.bootNanos()), end - start, text);
        try {
            listener.onSyscall(r);
        } catch (RuntimeException e) {
            kernel.log().once("trace listener failed: " + e + " (further failures are not reported)");
        }
    }

    /** Step 10, text: the strace line ({@code --strace}). */
    private void trace(PrintStream out, GuestThread thread, SyscallArgs args, long result, String before) {
        int number = args.number();
        String line = afterExec(before, number, result, StraceFormatter.DEFAULT_ALIGN_COLUMN);
        // exit and exit_group have no result; the table's ResultKind.NONE prints strace's "= ?".
        if (line == null) line = format(formatter, thread, number, args.arguments(), result);
        out.println(args.forwarded() ? line + " [host]" : line);
    }

    private static String format(StraceFormatter f, GuestThread thread, int number, long[] values, long result) {
        try {
            return f.formatExit(number, values, result, thread.process.memory());
        } catch (RuntimeException e) {
            return SyscallTable.getOrUnknown(number).name() + "(<unprintable: " + e + ">) = " + result;
        }
    }
}
