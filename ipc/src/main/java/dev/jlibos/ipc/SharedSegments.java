package dev.jlibos.ipc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HostMemory;
import dev.jlibos.core.mem.Vma;

import java.nio.ByteBuffer;

import static dev.jlibos.core.abi.SysvIpc.*;
import static dev.jlibos.core.mem.AddressSpace.PAGE_SIZE;
import static dev.jlibos.core.mem.AddressSpace.pageUp;

/** A namespace's shared memory segments: shmget, shmat, shmdt and shmctl once their arguments are decoded. */
public final class SharedSegments {
    private final IpcNamespace ns;
    private final HostMemory hostMemory;
    private final IpcTable<SharedSegment> table = new IpcTable<>();

    SharedSegments(IpcNamespace ns, HostMemory hostMemory) {
        this.ns = ns;
        this.hostMemory = hostMemory;
    }

    public int get(IpcCaller c, int key, long size, int flags) {
        return ns.get(c, table, key, flags, SHMMNI, () -> {
            if (size < 1 || size > SHMMAX || pageUp(size) == 0) throw Errno.EINVAL.fail();
            SharedSegment s = new SharedSegment();
            s.size = size;
            s.cpid = c.pid();
            s.block = hostMemory.allocate(pageUp(size));
            return s;
        }, s -> {
            if (Long.compareUnsigned(size, s.size) > 0) throw Errno.EINVAL.fail();
        });
    }

    /**
     * shmat: maps segment {@code id} at {@code addr}, or when 0 at the first free range from
     * {@code mmapBase} (where the caller's mmap would look), and returns the address.
     */
    public long attach(IpcCaller c, int id, long addr, int flags, long mmapBase) {
        AddressSpace m = c.memory();
        SegmentAttachment attachment;
        long length;
        int prot = Cpu.PROT_READ | ((flags & SHM_RDONLY) == 0 ? Cpu.PROT_WRITE : 0) | ((flags & SHM_EXEC) != 0 ? Cpu.PROT_EXEC : 0);
        synchronized (ns) {
            SharedSegment s = table.byId(id);
            s.require(c, (flags & SHM_RDONLY) != 0 ? 4 : 6);
            length = pageUp(s.size);
            attachment = new SegmentAttachment(s, ns);
            synchronized (s) {
                s.nattch++;
            }
        }
        long start;
        try {
            start = placement(m, addr, length, flags, mmapBase);
            m.mapBlock(start, length, prot, "/SYSV" + String.format("%08x", attachment.segment.key), 0, attachment);
        } catch (RuntimeException e) {
            attachment.free();
            throw e;
        }
        synchronized (ns) {
            attachment.segment.lpid = c.pid();
            attachment.segment.atime = c.seconds();
        }
        return start;
    }

    private static long placement(AddressSpace m, long addr, long length, int flags, long mmapBase) {
        if (addr == 0) return m.findFree(length, mmapBase);
        if ((addr & (PAGE_SIZE - 1)) != 0) {
            if ((flags & SHM_RND) == 0) throw Errno.EINVAL.fail();
            addr &= -PAGE_SIZE; // SHMLBA is the page size on x86-64
        }
        if (addr < AddressSpace.MIN_ADDRESS || addr + length > AddressSpace.USER_END) throw Errno.EINVAL.fail();
        if ((flags & SHM_REMAP) == 0 && !m.isFree(addr, length)) throw Errno.EINVAL.fail();
        return addr;
    }

    /** shmdt: unmaps the attachment that starts at {@code addr}, whichever namespace it came from. */
    public static long detach(IpcCaller c, long addr) {
        if ((addr & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
        AddressSpace m = c.memory();
        Vma first = addr >= AddressSpace.MIN_ADDRESS ? m.find(addr) : null;
        if (first == null || first.start() != addr || first.blockOffset() != 0
                || !(first.block().block() instanceof SegmentAttachment attachment)) {
            throw Errno.EINVAL.fail();
        }
        // Every area of this attachment from addr on (mprotect may have split it).
        long end = addr;
        for (Vma v : m.areas()) {
            if (v.start() >= addr && v.block() == first.block() && v.start() == end) end = v.end();
        }
        synchronized (attachment.ns) {
            attachment.segment.lpid = c.pid();
            attachment.segment.dtime = c.seconds();
        }
        m.unmap(addr, end - addr);
        return 0;
    }

    /** shmctl: {@code cmd} as the guest passed it (IPC_64 allowed), {@code address} its struct. */
    public long control(IpcCaller c, int id, int cmd, long address) {
        cmd &= ~IPC_64;
        AddressSpace m = c.memory();
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO -> {
                    // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, 4 unused (all unsigned long)
                    ByteBuffer b = IpcNamespace.struct(72);
                    b.putLong(0, SHMMAX).putLong(8, 1).putLong(16, SHMMNI).putLong(24, SHMMNI).putLong(32, SHMALL);
                    m.write(address, b.array());
                    return table.highestIndex();
                }
                case SHM_INFO -> {
                    // struct shm_info: int used_ids; unsigned long shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes
                    long pages = 0;
                    for (SharedSegment s : table.all()) pages += pageUp(s.size) / PAGE_SIZE;
                    ByteBuffer b = IpcNamespace.struct(48);
                    b.putInt(0, table.size()).putLong(8, pages).putLong(16, pages);
                    m.write(address, b.array());
                    return table.highestIndex();
                }
                case IPC_STAT, SHM_STAT, SHM_STAT_ANY -> {
                    return table.stat(c, id, cmd == IPC_STAT, cmd == SHM_STAT_ANY, address, SharedSegments::stat);
                }
                case IPC_SET -> {
                    table.byId(id).setPerm(c, address);
                    return 0;
                }
                case IPC_RMID -> {
                    remove(c, table.byId(id));
                    return 0;
                }
                case SHM_LOCK, SHM_UNLOCK -> {
                    SharedSegment s = table.byId(id);
                    s.requireOwner(c);
                    s.mode = cmd == SHM_LOCK ? s.mode | SHM_LOCKED : s.mode & ~SHM_LOCKED;
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }

    /**
     * IPC_RMID: the key goes at once; the id lives on (and can still be attached, as on Linux) until the
     * last attachment goes.
     */
    private void remove(IpcCaller c, SharedSegment s) {
        s.requireOwner(c);
        synchronized (s) {
            s.mode |= SHM_DEST;
            s.key = IPC_PRIVATE;
            if (s.nattch == 0) {
                table.remove(s);
                s.block.free();
            }
        }
    }

    /** struct shmid64_ds. */
    private static ByteBuffer stat(SharedSegment s) {
        ByteBuffer b = IpcNamespace.struct(SHMID_SIZE);
        s.writePerm(b);
        int nattch;
        synchronized (s) {
            nattch = s.nattch;
        }
        b.putLong(48, s.size).putLong(56, s.atime).putLong(64, s.dtime).putLong(72, s.ctime)
                .putInt(80, s.cpid).putInt(84, s.lpid).putLong(88, nattch);
        return b;
    }
}
