package dev.jlibos.kernel.sys;

import dev.jlibos.kernel.syscall.SyscallFamily;

import java.util.List;

/** Every syscall family, one class each. Adding a family is one line here. */
public final class Families {
    private Families() {
    }

    public static List<SyscallFamily> all() {
        return List.of(
                new ProcessCalls(),
                new IdentityCalls(),
                new MemoryCalls(),
                new TimeCalls(),
                new SystemInfoCalls(),
                new SchedulingCalls(),
                new FileIoCalls(),
                new FileRangeCalls(),
                new FdCalls(),
                new OpenCalls(),
                new StatCalls(),
                new PathCalls(),
                new FutexCalls(),
                new ForkExecCalls(),
                new SocketCalls(),
                new PollCalls(),
                new EventCalls(),
                new XattrCalls(),
                new IpcCalls(),
                new dev.jlibos.kernel.signal.SignalCalls(),
                new dev.jlibos.kernel.signal.TimerCalls());
    }
}
