package dev.jlibos.kernel;

import dev.jlibos.kernel.signal.SignalCalls;
import dev.jlibos.kernel.signal.TimerCalls;
import dev.jlibos.kernel.sys.FileLockCalls;
import dev.jlibos.kernel.sys.EventCalls;
import dev.jlibos.kernel.sys.UtsCalls;
import dev.jlibos.kernel.sys.KcmpCalls;
import dev.jlibos.kernel.sys.PersonalityCalls;
import dev.jlibos.kernel.sys.MembarrierCalls;
import dev.jlibos.kernel.sys.MemoryLockCalls;
import dev.jlibos.kernel.sys.FdCalls;
import dev.jlibos.kernel.sys.InotifyCalls;
import dev.jlibos.kernel.sys.FileIoCalls;
import dev.jlibos.kernel.sys.FileRangeCalls;
import dev.jlibos.kernel.sys.ForkExecCalls;
import dev.jlibos.kernel.sys.FutexCalls;
import dev.jlibos.kernel.sys.IdentityCalls;
import dev.jlibos.kernel.sys.IpcCalls;
import dev.jlibos.kernel.sys.MemoryCalls;
import dev.jlibos.kernel.sys.OpenCalls;
import dev.jlibos.kernel.sys.PathCalls;
import dev.jlibos.kernel.sys.PtraceCalls;
import dev.jlibos.kernel.sys.PollCalls;
import dev.jlibos.kernel.sys.ProcessAccessCalls;
import dev.jlibos.kernel.sys.ProcessCalls;
import dev.jlibos.kernel.sys.SchedulingCalls;
import dev.jlibos.kernel.sys.SeccompCalls;
import dev.jlibos.kernel.sys.SocketCalls;
import dev.jlibos.kernel.sys.StatCalls;
import dev.jlibos.kernel.sys.SystemInfoCalls;
import dev.jlibos.kernel.sys.TimeCalls;
import dev.jlibos.kernel.sys.XattrCalls;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;

import java.util.List;

/**
 * Every syscall family, one class each. Adding a family is one line here. It lives with the kernel (the
 * wiring), not with the families, so that the family packages do not depend on one another.
 */
public final class Families {
    /** Built once per JVM: the entries are immutable and shared by every machine. */
    private static final SyscallRegistry REGISTRY = new SyscallRegistry(all());

    private Families() {
    }

    /** Every syscall entry: the dispatcher's table, and what {@code ./jlibos syscalls} and docs/compat print. */
    public static SyscallRegistry registry() {
        return REGISTRY;
    }

    public static List<SyscallFamily> all() {
        return List.of(
                new ProcessCalls(),
                new SeccompCalls(),
                new IdentityCalls(),
                new MemoryCalls(),
                new MemoryLockCalls(),
                new MembarrierCalls(),
                new PersonalityCalls(),
                new KcmpCalls(),
                new TimeCalls(),
                new SystemInfoCalls(),
                new UtsCalls(),
                new SchedulingCalls(),
                new FileIoCalls(),
                new FileRangeCalls(),
                new FdCalls(),
                new InotifyCalls(),
                new FileLockCalls(),
                new OpenCalls(),
                new StatCalls(),
                new PathCalls(),
                new FutexCalls(),
                new ForkExecCalls(),
                new ProcessAccessCalls(),
                new PtraceCalls(),
                new SocketCalls(),
                new PollCalls(),
                new EventCalls(),
                new XattrCalls(),
                new IpcCalls(),
                new SignalCalls(),
                new TimerCalls());
    }
}
