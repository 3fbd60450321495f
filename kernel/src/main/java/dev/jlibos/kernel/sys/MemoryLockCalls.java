package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Vma;
import dev.jlibos.core.rlimit.ResourceLimits;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import static dev.jlibos.core.mem.AddressSpace.PAGE_SIZE;

/**
 * Questions about residency: the mlock family and mincore. Guest memory is host memory the JVM mapped, and
 * locking it would pin the JVM's pages on the guest's behalf, so the calls check what Linux checks (the range,
 * the flags, CAP_IPC_LOCK or RLIMIT_MEMLOCK) and then succeed without pinning anything; mincore reports every
 * mapped page resident.
 */
public final class MemoryLockCalls implements SyscallFamily {
    private static final int MLOCK_ONFAULT = 1;
    private static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    private static final String NOT_PINNED = "range and limit checks as Linux; nothing is pinned in host memory"
            + " and a lock is not remembered (RLIMIT_MEMLOCK is compared with each call's range alone)";

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.MLOCK, NOT_PINNED, (t, a) -> lock(t, a.get(0), a.get(1)))
                .coveredBy("CProgramsTest[smallcalls]");
        r.partial(Sysno.MLOCK2, NOT_PINNED, this::mlock2).coveredBy("CProgramsTest[smallcalls]");
        r.partial(Sysno.MUNLOCK, NOT_PINNED, (t, a) -> unlock(t, a.get(0), a.get(1)))
                .coveredBy("CProgramsTest[smallcalls]");
        r.partial(Sysno.MLOCKALL, NOT_PINNED, this::mlockall).coveredBy("CProgramsTest[smallcalls]");
        r.full(Sysno.MUNLOCKALL, (t, a) -> 0).coveredBy("CProgramsTest[smallcalls]");
        r.partial(Sysno.MINCORE, "every mapped page is reported resident", this::mincore)
                .coveredBy("CProgramsTest[smallcalls]");
    }

    private long mlock2(GuestThread t, SyscallArgs a) {
        if ((a.get(2) & ~(long) MLOCK_ONFAULT) != 0) throw Errno.EINVAL.fail();
        return lock(t, a.get(0), a.get(1));
    }

    /** Linux's do_mlock: EPERM without the right to lock at all, ENOMEM past the limit, then the range. */
    private long lock(GuestThread t, long addr, long length) {
        GuestProcess p = t.process;
        if (!mayLock(p)) throw Errno.EPERM.fail();
        long start = addr & -PAGE_SIZE;
        long len = pageAlign(length + (addr & (PAGE_SIZE - 1)));
        if (Long.compareUnsigned(len >>> 12, limitPages(p)) > 0 && !p.credentials.capable(Capability.CAP_IPC_LOCK)) {
            throw Errno.ENOMEM.fail();
        }
        checkRange(p, start, len);
        return 0;
    }

    private long unlock(GuestThread t, long addr, long length) {
        long start = addr & -PAGE_SIZE;
        checkRange(t.process, start, pageAlign(length + (addr & (PAGE_SIZE - 1))));
        return 0;
    }

    private long mlockall(GuestThread t, SyscallArgs a) {
        long flags = a.get(0);
        if (flags == 0 || (flags & ~(long) (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0 || flags == MCL_ONFAULT) {
            throw Errno.EINVAL.fail();
        }
        GuestProcess p = t.process;
        if (!mayLock(p)) throw Errno.EPERM.fail();
        if ((flags & MCL_CURRENT) != 0 && !p.credentials.capable(Capability.CAP_IPC_LOCK)) {
            long pages = 0;
            for (Vma v : p.memory().areas()) pages += (v.end() - v.start()) >>> 12;
            if (Long.compareUnsigned(pages, limitPages(p)) > 0) throw Errno.ENOMEM.fail();
        }
        return 0;
    }

    /** can_do_mlock: CAP_IPC_LOCK, or a RLIMIT_MEMLOCK that is not 0. */
    private static boolean mayLock(GuestProcess p) {
        return p.limits.soft(ResourceLimits.MEMLOCK) != 0 || p.credentials.capable(Capability.CAP_IPC_LOCK);
    }

    private static long limitPages(GuestProcess p) {
        long limit = p.limits.soft(ResourceLimits.MEMLOCK);
        return limit == ResourceLimits.INFINITY ? -1L : limit >>> 12;
    }

    /** PAGE_ALIGN: may wrap to 0 for a length near 2^64, as in Linux (then the range is empty). */
    private static long pageAlign(long len) {
        return (len + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /** apply_vma_lock_flags: a range that wraps is EINVAL, an empty one succeeds, a hole anywhere is ENOMEM. */
    private static void checkRange(GuestProcess p, long start, long len) {
        long end = start + len;
        if (Long.compareUnsigned(end, start) < 0) throw Errno.EINVAL.fail();
        if (len == 0) return;
        if (Long.compareUnsigned(end, AddressSpace.USER_END) > 0 || !p.memory().isFullyMapped(start, end)) {
            throw Errno.ENOMEM.fail();
        }
    }

    /** mincore: EINVAL for an unaligned start, ENOMEM past the user range or over a hole, EFAULT for the vector. */
    private long mincore(GuestThread t, SyscallArgs a) {
        long start = a.get(0), length = a.get(1), vec = a.get(2);
        if ((start & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
        long pages = (length >>> 12) + ((length & (PAGE_SIZE - 1)) != 0 ? 1 : 0);
        if (Long.compareUnsigned(start, AddressSpace.USER_END) >= 0
                || Long.compareUnsigned(pages, (AddressSpace.USER_END - start) >>> 12) > 0) {
            throw Errno.ENOMEM.fail();
        }
        if (pages == 0) return 0;
        AddressSpace m = t.process.memory();
        if (!m.isFullyMapped(start, start + (pages << 12))) throw Errno.ENOMEM.fail();
        byte[] chunk = new byte[(int) Math.min(pages, 1 << 16)];
        java.util.Arrays.fill(chunk, (byte) 1);
        for (long done = 0; done < pages; done += chunk.length) {
            m.write(vec + done, chunk, 0, (int) Math.min(chunk.length, pages - done));
        }
        return 0;
    }
}
