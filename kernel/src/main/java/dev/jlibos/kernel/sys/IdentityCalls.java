package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.kernel.syscall.Trait.SHIM_REFRESH;
import static dev.jlibos.kernel.syscall.Trait.SHIM_SERVED;

/** User and group identity (the get/set uid/gid family) and capabilities, with Linux's permission rules. */
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
        r.full(Sysno.SETUID, (t, a) -> changing(t, () -> creds(t).setUid(a.i32(0)))).traits(SHIM_REFRESH);
        r.full(Sysno.SETGID, (t, a) -> changing(t, () -> creds(t).setGid(a.i32(0)))).traits(SHIM_REFRESH);
        r.full(Sysno.SETREUID, (t, a) -> changing(t, () -> creds(t).setReUid(a.i32(0), a.i32(1))))
                .traits(SHIM_REFRESH);
        r.full(Sysno.SETREGID, (t, a) -> changing(t, () -> creds(t).setReGid(a.i32(0), a.i32(1))))
                .traits(SHIM_REFRESH);
        r.full(Sysno.SETRESUID, (t, a) -> changing(t, () -> creds(t).setResUid(a.i32(0), a.i32(1), a.i32(2))))
                .traits(SHIM_REFRESH)
                .coveredBy("CProgramsTest[kmlsites]");
        r.full(Sysno.SETRESGID, (t, a) -> changing(t, () -> creds(t).setResGid(a.i32(0), a.i32(1), a.i32(2))))
                .traits(SHIM_REFRESH)
                .coveredBy("CProgramsTest[kmlsites]");
        r.full(Sysno.SETFSUID, this::setfsuid);
        r.full(Sysno.SETFSGID, this::setfsgid);
        r.full(Sysno.GETGROUPS, this::getgroups);
        r.full(Sysno.SETGROUPS, this::setgroups);
        r.partial(Sysno.CAPGET, "the sets of guest processes, which are per process (Linux: per thread)", this::capget)
                .coveredBy("CProgramsTest[longtail caps]");
        r.partial(Sysno.CAPSET, "with commoncap's rules, on the caller's process: its credentials are per process"
                + " (Linux: per thread); no LSM", this::capset).coveredBy("CProgramsTest[longtail caps]");
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

    /**
     * A change of credentials (commit_creds): when the effective or filesystem ids changed, the process
     * becomes non-dumpable (fs.suid_dumpable) and loses its parent-death signal.
     */
    private static long changing(GuestThread t, Runnable change) {
        int[] before = creds(t).dumpabilityIds();
        try {
            change.run();
        } finally {
            if (!java.util.Arrays.equals(before, creds(t).dumpabilityIds())) {
                t.process.prctl().dumpable(HostSystem.suidDumpable());
                t.process.prctl().parentDeathSignal(0);
            }
        }
        return 0;
    }

    /** setfsuid never fails; it returns the previous value and changes it only when permitted. */
    private long setfsuid(GuestThread t, SyscallArgs a) {
        int[] old = new int[1];
        changing(t, () -> old[0] = creds(t).setFsUid(a.i32(0)));
        return old[0];
    }

    private long setfsgid(GuestThread t, SyscallArgs a) {
        int[] old = new int[1];
        changing(t, () -> old[0] = creds(t).setFsGid(a.i32(0)));
        return old[0];
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
        if (!creds(t).capable(Capability.CAP_SETGID)) throw Errno.EPERM.fail();
        int[] groups = new int[size];
        for (int i = 0; i < size; i++) groups[i] = t.process.memory().readInt(a.get(1) + 4L * i);
        creds(t).groups = groups;
        return 0;
    }

    // ---- capabilities ----------------------------------------------------------------------------------

    /** sizeof(struct __user_cap_data_struct): effective, permitted, inheritable, 32 bits each. */
    private static final int CAP_DATA_SIZE = 12;

    /**
     * cap_validate_magic: how many data structs the header's version transfers (1 for v1, 2 for v2/v3); an
     * unknown version is answered with v3 written back and EINVAL.
     */
    private static int capDataCount(GuestThread t, long header) {
        int version = t.process.memory().readInt(header);
        return switch (version) {
            case Capability.VERSION_1 -> 1;
            case Capability.VERSION_2, Capability.VERSION_3 -> 2;
            default -> {
                t.process.memory().writeInt(header, Capability.VERSION_3);
                throw Errno.EINVAL.fail();
            }
        };
    }

    /**
     * capget(hdr, data): the sets of the process that has thread {@code hdr->pid} (0: the caller). A NULL
     * data pointer only asks for the version: 0, with v3 written back to a header that had another.
     */
    private long capget(GuestThread t, SyscallArgs a) {
        long header = a.get(0), data = a.get(1);
        int count;
        try {
            count = capDataCount(t, header);
        } catch (dev.jlibos.core.LinuxException e) {
            if (data == 0 && e.errno() == Errno.EINVAL) return 0;
            throw e;
        }
        if (data == 0) return 0;
        int pid = t.process.memory().readInt(header + 4);
        if (pid < 0) throw Errno.EINVAL.fail();
        Credentials c = pid == 0 || pid == t.tid() ? creds(t) : credentialsOf(t, pid);
        long[] sets = {c.effective(), c.permitted(), c.inheritable()};
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(CAP_DATA_SIZE * count).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int half = 0; half < count; half++) {
            for (long set : sets) out.putInt((int) (set >>> (32 * half)));
        }
        t.process.memory().write(data, out.array());
        return 0;
    }

    /** The credentials of the process with thread (or zombie) {@code tid} in the caller's machine; ESRCH if none. */
    private static Credentials credentialsOf(GuestThread t, int tid) {
        var zombieOrLeader = t.kernel().processTable().get(tid);
        if (zombieOrLeader != null) return zombieOrLeader.credentials;
        for (var p : t.kernel().processes()) {
            for (GuestThread th : p.threads) if (th.tid() == tid) return p.credentials;
        }
        throw Errno.ESRCH.fail();
    }

    /** capset(hdr, data): only the caller's own sets (hdr->pid 0 or its tid), as commoncap allows. */
    private long capset(GuestThread t, SyscallArgs a) {
        long header = a.get(0);
        int count = capDataCount(t, header);
        int pid = t.process.memory().readInt(header + 4);
        if (pid != 0 && pid != t.tid()) throw Errno.EPERM.fail();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(t.process.memory().read(a.get(1), CAP_DATA_SIZE * count))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] sets = new long[3];
        for (int half = 0; half < count; half++) {
            for (int i = 0; i < 3; i++) sets[i] |= (in.getInt() & 0xffffffffL) << (32 * half);
        }
        creds(t).setCapabilities(sets[0], sets[1], sets[2]);
        return 0;
    }
}
