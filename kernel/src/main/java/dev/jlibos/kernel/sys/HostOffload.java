package dev.jlibos.kernel.sys;

import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.Offloader;
import dev.jlibos.syscalls.offload.OffloadSpec;
import dev.jlibos.vfs.HostForwarder;

/**
 * The dispatcher's {@code --offload}: forwards an allowlisted call to the host kernel with vfs's
 * {@link HostForwarder}, the host marshaller that also serves passthrough files.
 */
public final class HostOffload implements Offloader {
    private final HostForwarder forwarder;

    public HostOffload(HostSyscalls sys) {
        this.forwarder = new HostForwarder(sys);
    }

    public static boolean declined(long result) {
        return HostForwarder.declined(result);
    }

    @Override
    public long forward(GuestThread t, OffloadSpec spec, SyscallArgs a) {
        return forwarder.forward(t, spec, a.registers());
    }
}
