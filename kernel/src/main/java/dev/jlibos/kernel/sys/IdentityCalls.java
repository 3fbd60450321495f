package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Credentials;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.kernel.syscall.Trait.SHIM_REFRESH;
import static dev.jlibos.kernel.syscall.Trait.SHIM_SERVED;

/** User and group identity (the get/set uid/gid family), with Linux's permission rules. */
public final class IdentityCalls implements SyscallFamily {
    /** NGROUPS_MAX. */
    private static final int MAX_GROUPS = 65536;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.GETUID, (t, a) -> creds(t).ruid).traits(SHIM_SERVED).coveredBy("CProgramsTest[signals]");
        r.full(Sysno.GETEUID, (t, a) -> creds(t).euid).traits(SHIM_SERVED).coveredBy("CProgramsTest[process]");
        r.full(Sysno.GETGID, (t, a) -> creds(t).rgid).traits(SHIM_SERVED).coveredBy("CProgramsTest[process]");
        r.full(Sysno.GETEGID, (t, a) -> creds(t).egid).traits(SHIM_SERVED).coveredBy("CProgramsTest[process]");
        r.full(Sysno.GETRESUID, (t, a) -> writeTriple(t, a, creds(t).ruid, creds(t).euid, creds(t).suid));
        r.full(Sysno.GETRESGID, (t, a) -> writeTriple(t, a, creds(t).rgid, creds(t).egid, creds(t).sgid));
        r.full(Sysno.SETUID, (t, a) -> { creds(t).setUid(a.i32(0)); return 0; }).traits(SHIM_REFRESH);
        r.full(Sysno.SETGID, (t, a) -> { creds(t).setGid(a.i32(0)); return 0; }).traits(SHIM_REFRESH);
        r.full(Sysno.SETREUID, (t, a) -> { creds(t).setResUid(a.i32(0), a.i32(1), -1); return 0; })
                .traits(SHIM_REFRESH);
        r.full(Sysno.SETREGID, (t, a) -> { creds(t).setResGid(a.i32(0), a.i32(1), -1); return 0; })
                .traits(SHIM_REFRESH);
        r.full(Sysno.SETRESUID, (t, a) -> { creds(t).setResUid(a.i32(0), a.i32(1), a.i32(2)); return 0; })
                .traits(SHIM_REFRESH)
                .coveredBy("CProgramsTest[kmlsites]");
        r.full(Sysno.SETRESGID, (t, a) -> { creds(t).setResGid(a.i32(0), a.i32(1), a.i32(2)); return 0; })
                .traits(SHIM_REFRESH)
                .coveredBy("CProgramsTest[kmlsites]");
        r.full(Sysno.SETFSUID, this::setfsuid);
        r.full(Sysno.SETFSGID, this::setfsgid);
        r.full(Sysno.GETGROUPS, this::getgroups);
        r.full(Sysno.SETGROUPS, this::setgroups);
    }

    private static Credentials creds(GuestThread t) {
        return t.process.credentials;
    }

    private static long writeTriple(GuestThread t, SyscallArgs a, int r, int e, int s) {
        AddressSpace m = t.process.memory();
        m.writeInt(a.get(0), r);
        m.writeInt(a.get(1), e);
        m.writeInt(a.get(2), s);
        return 0;
    }

    /** setfsuid never fails; it returns the previous value and changes it only when permitted. */
    private long setfsuid(GuestThread t, SyscallArgs a) {
        Credentials c = creds(t);
        int old = c.fsuid, id = a.i32(0);
        if (c.euid == 0 || id == c.ruid || id == c.euid || id == c.suid || id == c.fsuid) c.fsuid = id;
        return old;
    }

    private long setfsgid(GuestThread t, SyscallArgs a) {
        Credentials c = creds(t);
        int old = c.fsgid, id = a.i32(0);
        if (c.euid == 0 || id == c.rgid || id == c.egid || id == c.sgid || id == c.fsgid) c.fsgid = id;
        return old;
    }

    private long getgroups(GuestThread t, SyscallArgs a) {
        int size = a.i32(0);
        int[] groups = creds(t).groups;
        if (size < 0) throw Errno.EINVAL.fail();
        if (size == 0) return groups.length;
        if (size < groups.length) throw Errno.EINVAL.fail();
        for (int i = 0; i < groups.length; i++) t.process.memory().writeInt(a.get(1) + 4L * i, groups[i]);
        return groups.length;
    }

    private long setgroups(GuestThread t, SyscallArgs a) {
        int size = a.i32(0);
        if (size < 0 || size > MAX_GROUPS) throw Errno.EINVAL.fail();
        if (creds(t).euid != 0) throw Errno.EPERM.fail();
        int[] groups = new int[size];
        for (int i = 0; i < size; i++) groups[i] = t.process.memory().readInt(a.get(1) + 4L * i);
        creds(t).groups = groups;
        return 0;
    }
}
