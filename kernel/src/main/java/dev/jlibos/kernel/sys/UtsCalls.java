package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.process.UtsNames;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

/**
 * The guest's UTS namespace (see {@link UtsNames}): sethostname/setdomainname change only the names uname and
 * /proc/sys/kernel/hostname show the guest, and unshare(CLONE_NEWUTS) gives a process a namespace of its own.
 */
public final class UtsCalls implements SyscallFamily {
    private static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_NEWCGROUP = 0x02000000,
            CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000,
            CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000, CLONE_NEWTIME = 0x80;
    /** Every flag Linux's unshare knows (others are EINVAL before anything else is looked at). */
    private static final long UNSHARE_KNOWN = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
            | CLONE_NEWNS | CLONE_SYSVSEM | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
            | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.SETHOSTNAME, (t, a) -> setName(t, a, true)).coveredBy("CProgramsTest[smallcalls]");
        r.full(Sysno.SETDOMAINNAME, (t, a) -> setName(t, a, false)).coveredBy("CProgramsTest[smallcalls]");
        r.partial(Sysno.UNSHARE, "only CLONE_NEWUTS (per process, not per thread); other namespaces and"
                + " CLONE_FILES/FS/SYSVSEM are EINVAL with a log line", this::unshare)
                .coveredBy("CProgramsTest[smallcalls]");
    }

    private long setName(GuestThread t, SyscallArgs a, boolean host) {
        // Linux's order: the capability, then the length, then the copy.
        if (!t.process.credentials.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.fail();
        int len = a.i32(1);
        if (len < 0 || len > UtsNames.MAX_LEN) throw Errno.EINVAL.fail();
        byte[] name = t.process.memory().read(a.get(0), len);
        if (host) t.process.uts().hostname(name);
        else t.process.uts().domainname(name);
        return 0;
    }

    private long unshare(GuestThread t, SyscallArgs a) {
        long flags = a.get(0);
        if ((flags & ~UNSHARE_KNOWN) != 0) throw Errno.EINVAL.fail();
        if ((flags & ~CLONE_NEWUTS) != 0) {
            t.kernel().log().once("unshare: flags 0x" + Long.toHexString(flags & ~CLONE_NEWUTS)
                    + " are not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        if ((flags & CLONE_NEWUTS) != 0) {
            if (!t.process.credentials.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.fail();
            t.process.useUts(t.process.uts().copy());
        }
        return 0;
    }
}
