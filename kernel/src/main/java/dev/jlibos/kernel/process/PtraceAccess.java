package dev.jlibos.kernel.process;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.host.HostSystem;

/**
 * Linux's ptrace_may_access: who may reach into another guest process (ptrace, process_vm_readv/writev,
 * pidfd_getfd, /proc/PID/mem).
 */
public final class PtraceAccess {
    private PtraceAccess() {
    }

    /**
     * ptrace_may_access(target, PTRACE_MODE_ATTACH_REALCREDS): the caller's own process always; another
     * needs the caller's real uid and gid to be all of the target's (or CAP_SYS_PTRACE), a dumpable target
     * (or CAP_SYS_PTRACE), and what the host's Yama ptrace_scope allows (1: descendants only, 2:
     * CAP_SYS_PTRACE only, 3: nothing). Not {@code attach}: PTRACE_MODE_READ_REALCREDS, which Yama
     * leaves alone. Fails with EPERM.
     */
    public static void check(GuestThread t, GuestProcess target, boolean attach) {
        if (target == t.process) return;
        Credentials c = t.process.credentials, tc = target.credentials;
        boolean cap = c.capable(Capability.CAP_SYS_PTRACE);
        boolean sameIds = c.ruid == tc.euid && c.ruid == tc.suid && c.ruid == tc.ruid
                && c.rgid == tc.egid && c.rgid == tc.sgid && c.rgid == tc.rgid;
        if (!sameIds && !cap) throw Errno.EPERM.fail();
        if (!target.exited() && target.prctl().dumpable() != 1 && !cap) throw Errno.EPERM.fail();
        if (!attach) return; // Yama restricts only attaching
        switch (HostSystem.ptraceScope()) {
            case 0 -> { }
            case 1 -> {
                if (!cap && !descendant(t, target)) throw Errno.EPERM.fail();
            }
            case 2 -> {
                if (!cap) throw Errno.EPERM.fail();
            }
            default -> throw Errno.EPERM.fail();
        }
    }

    /** Whether the caller's process is an ancestor of {@code target} (Yama's task_is_descendant). */
    private static boolean descendant(GuestThread t, GuestProcess target) {
        synchronized (t.kernel().processTable().lock()) {
            for (GuestProcess p = target; p != null; p = p.parent()) if (p == t.process) return true;
        }
        return false;
    }
}
