package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * membarrier. The private commands must make every other thread of the caller's process pass a full memory
 * barrier: the guest threads of one process run guest code only while holding its execution lock, so while the
 * caller runs, every other thread of the process has given the lock up (a full fence) or is inside the kernel
 * (no guest stores in flight); a Java full fence on the caller's side completes the pairing. The global
 * commands also concern other processes, whose threads run on other host CPUs at the same time: they ask the
 * host for its own MEMBARRIER_CMD_GLOBAL, which covers every thread of this JVM. Registrations are per address
 * space (Linux's per-mm state: a fork's copy keeps them, execve's new one starts without).
 */
public final class MembarrierCalls implements SyscallFamily {
    private static final int QUERY = 0, GLOBAL = 1, GLOBAL_EXPEDITED = 2, REGISTER_GLOBAL_EXPEDITED = 4,
            PRIVATE_EXPEDITED = 8, REGISTER_PRIVATE_EXPEDITED = 16, PRIVATE_EXPEDITED_SYNC_CORE = 32,
            REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64, PRIVATE_EXPEDITED_RSEQ = 128,
            REGISTER_PRIVATE_EXPEDITED_RSEQ = 256, GET_REGISTRATIONS = 512;
    /** MEMBARRIER_CMD_FLAG_CPU: only PRIVATE_EXPEDITED_RSEQ takes it. */
    private static final int FLAG_CPU = 1;
    /** Every command but QUERY: what QUERY answers (no nohz_full CPUs here, so GLOBAL is offered). */
    private static final int COMMANDS = 1023;

    /** The REGISTER_* bits each address space has sent, as GET_REGISTRATIONS reports them. */
    private static final class Registrations {
        final Map<AddressSpace, Integer> byMemory = new WeakHashMap<>();
    }

    /** fork: the child's copy of the address space is registered for what the parent's was. */
    static void inheritOnFork(GuestThread parent, AddressSpace copy) {
        Registrations regs = parent.kernel().machineState(Registrations.class, Registrations::new);
        synchronized (regs) {
            Integer registered = regs.byMemory.get(parent.process.memory());
            if (registered != null) regs.byMemory.put(copy, registered);
        }
    }

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.MEMBARRIER, this::membarrier).coveredBy("CProgramsTest[smallcalls]");
    }

    private long membarrier(GuestThread t, SyscallArgs a) {
        int cmd = a.i32(0), flags = a.i32(1);
        if (cmd == PRIVATE_EXPEDITED_RSEQ ? (flags & ~FLAG_CPU) != 0 : flags != 0) throw Errno.EINVAL.fail();
        Registrations regs = t.kernel().machineState(Registrations.class, Registrations::new);
        AddressSpace mm = t.process.memory();
        int registered;
        synchronized (regs) {
            registered = regs.byMemory.getOrDefault(mm, 0);
        }
        switch (cmd) {
            case QUERY:
                return COMMANDS;
            case GET_REGISTRATIONS:
                return registered;
            case REGISTER_GLOBAL_EXPEDITED, REGISTER_PRIVATE_EXPEDITED, REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
                    REGISTER_PRIVATE_EXPEDITED_RSEQ:
                synchronized (regs) {
                    regs.byMemory.merge(mm, cmd, (x, y) -> x | y);
                }
                VarHandle.fullFence();
                return 0;
            case PRIVATE_EXPEDITED, PRIVATE_EXPEDITED_SYNC_CORE, PRIVATE_EXPEDITED_RSEQ:
                // Each needs its own REGISTER_ command first (the next bit up).
                if ((registered & (cmd << 1)) == 0) throw Errno.EPERM.fail();
                VarHandle.fullFence();
                return 0;
            case GLOBAL, GLOBAL_EXPEDITED:
                long r = t.process.fs().host.raw(Sysno.MEMBARRIER, GLOBAL, 0, 0, 0, 0, 0);
                if (r < 0) throw Errno.fromHost((int) -r).fail();
                return 0;
            default:
                throw Errno.EINVAL.fail();
        }
    }
}
