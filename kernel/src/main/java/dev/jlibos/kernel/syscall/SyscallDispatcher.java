package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.GuestThread;
import dev.jlibos.kernel.Kernel;
import dev.jlibos.syscalls.StraceFormatter;
import dev.jlibos.syscalls.SyscallDef;
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

    public SyscallDispatcher(Kernel kernel, SyscallRegistry registry) {
        this.kernel = kernel;
        this.registry = registry;
    }

    public void dispatch(GuestThread thread) {
        SyscallArgs args = thread.syscallArgs;
        thread.cpu.readSyscallRegisters(args.raw);
        int number = args.number();
        SyscallRegistry.Entry entry = registry.get(number);
        PrintStream strace = kernel.strace();
        long result = invoke(thread, entry, args);
        if (strace != null) trace(strace, thread, entry, args, result);
        if (!thread.process.exited()) {
            thread.cpu.set(Reg.RAX, result);
            kernel.signals().afterSyscall(thread);
        }
    }

    private long invoke(GuestThread thread, SyscallRegistry.Entry entry, SyscallArgs args) {
        if (entry == null) {
            SyscallDef def = SyscallTable.get(args.number());
            String name = def != null ? def.name() : "syscall_" + Long.toHexString(args.raw[0]);
            kernel.log().once("unimplemented syscall " + name + " (" + args.raw[0] + "): returning ENOSYS");
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

    private void trace(PrintStream out, GuestThread thread, SyscallRegistry.Entry entry, SyscallArgs args, long result) {
        SyscallDef def = entry != null ? entry.def() : SyscallTable.get(args.number());
        String line;
        try {
            if (def == null) {
                line = "syscall_0x" + Long.toHexString(args.raw[0]) + "(...) = " + result;
            } else if (thread.process.exited()) {
                line = formatter.formatEntry(def, args.arguments(), thread.process.memory) + " = ?";
            } else {
                line = formatter.formatExit(def, args.arguments(), result, thread.process.memory);
            }
        } catch (RuntimeException e) {
            line = (def != null ? def.name() : "?") + "(<unprintable: " + e + ">) = " + result;
        }
        out.println(line);
    }
}
