package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.ForkSharedBlock;
import dev.jlibos.core.mem.Vma;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;

import static dev.jlibos.core.abi.Mman.*;
import static dev.jlibos.core.mem.AddressSpace.PAGE_SIZE;
import static dev.jlibos.core.mem.AddressSpace.pageUp;

/** The program break and memory mappings: brk, mmap, munmap, mprotect, mremap, madvise. */
public final class MemoryCalls implements SyscallFamily {
    /** Flags that only tune how Linux populates or accounts pages; without effect on what a guest observes. */
    private static final int MAP_HINTS = MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED
            | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK;
    private static final int PROT_ALL = Cpu.PROT_READ | Cpu.PROT_WRITE | Cpu.PROT_EXEC;
    /** Chunk size for copying file bytes into a new mapping. */
    private static final int COPY_CHUNK = 1 << 20;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.BRK, this::brk);
        r.partial(Sysno.MMAP, "pages past end of file read as zero instead of raising SIGBUS; MAP_HUGETLB: EINVAL",
                this::mmap);
        r.full(Sysno.MUNMAP, this::munmap);
        r.full(Sysno.MPROTECT, this::mprotect);
        r.partial(Sysno.MREMAP, "MREMAP_DONTUNMAP: EINVAL", this::mremap);
        r.full(Sysno.MSYNC, this::msync);
        r.partial(Sysno.MADVISE, "advice is accepted; MADV_DONTNEED/MADV_FREE zero private pages", this::madvise);
    }

    /**
     * brk never fails in the Linux sense: it returns the new break on success and the unchanged break
     * when the request cannot be honoured; glibc's sbrk detects failure by comparing.
     */
    private long brk(GuestThread t, SyscallArgs a) {
        GuestProcess p = t.process;
        long requested = a.get(0);
        if (requested < p.layout().brkStart()) return p.layout().brk();
        long oldTop = pageUp(p.layout().brk()), newTop = pageUp(requested);
        try {
            if (newTop > oldTop) {
                if (!p.memory().isFree(oldTop, newTop - oldTop)) return p.layout().brk();
                reserve(p, newTop - oldTop);
                CommittedMemory.commit(p, newTop - oldTop);
                p.memory().map(oldTop, newTop - oldTop, Cpu.PROT_READ | Cpu.PROT_WRITE, "[heap]");
            } else if (newTop < oldTop) {
                p.memory().unmap(newTop, oldTop - newTop);
            }
        } catch (dev.jlibos.core.LinuxException e) {
            return p.layout().brk();
        }
        p.layout().moveBreak(requested);
        return requested;
    }

    /**
     * RLIMIT_AS, and the machine's memory limit which the guest cannot raise: ENOMEM when mapping
     * {@code more} bytes would take the process's mappings (stack and executable included) past either.
     * A MAP_FIXED mapping over existing ones is counted in full, so the check errs on the strict side.
     */
    private static void reserve(GuestProcess p, long more) {
        long rlimit = p.limits.soft(dev.jlibos.core.rlimit.ResourceLimits.AS);
        long machine = p.kernel.limits().memory();
        if (rlimit == dev.jlibos.core.rlimit.ResourceLimits.INFINITY && machine <= 0) return;
        long mapped = 0;
        for (Vma v : p.memory().areas()) mapped += v.end() - v.start();
        boolean overMachine = machine > 0 && mapped + more > machine;
        if (overMachine || Long.compareUnsigned(mapped + more, rlimit) > 0) {
            if (overMachine) p.kernel.limits().exceeded(dev.jlibos.kernel.process.Limit.MEMORY);
            throw Errno.ENOMEM.fail();
        }
    }

    private long mmap(GuestThread t, SyscallArgs a) {
        GuestProcess p = t.process;
        long addr = a.get(0), length = a.get(1), offset = a.get(5);
        int prot = a.i32(2), flags = a.i32(3), fd = a.i32(4);
        int type = flags & MAP_TYPE;
        if (length == 0 || (offset & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
        if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) throw Errno.EINVAL.fail();
        if ((prot & ~PROT_ALL) != 0) throw Errno.EINVAL.fail();
        if ((flags & MAP_HUGETLB) != 0) {
            p.kernel.log().once("mmap: MAP_HUGETLB is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        int known = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_HINTS | MAP_SYNC;
        if (type == MAP_SHARED_VALIDATE && (flags & ~known) != 0) throw Errno.EOPNOTSUPP.fail();
        long len = pageUp(length);
        if (len == 0 || len > AddressSpace.USER_END) throw Errno.ENOMEM.fail();
        FileDescription file = null;
        boolean anonymous = (flags & MAP_ANONYMOUS) != 0;
        if (!anonymous) {
            file = p.files.get(fd);
            if (!file.readable()) throw Errno.EACCES.fail();
        }
        reserve(p, len);
        if ((prot & Cpu.PROT_WRITE) != 0 && (anonymous || type == MAP_PRIVATE)) CommittedMemory.commit(p, len);
        long start = placement(p, addr, len, flags);
        String name = anonymous ? "" : file.path();
        if (!anonymous && type != MAP_PRIVATE) {
            mapShared(p, file, start, len, prot, name, offset);
            return start;
        }
        if (anonymous && type != MAP_PRIVATE) {
            // Shared anonymous memory stays shared with the children forked later (fork copies the rest).
            p.memory().mapBlock(start, len, prot, name, 0, new ForkSharedBlock(p.kernel.hostMemory().allocate(len)));
            return start;
        }
        p.memory().map(start, len, prot, name, anonymous ? 0 : offset);
        if (!anonymous) {
            try {
                fillFromFile(p.memory(), file, start, length, offset);
            } catch (RuntimeException e) {
                p.memory().unmap(start, len);
                throw e;
            }
        }
        return start;
    }

    /**
     * MAP_SHARED of a host file: the host file's own pages are mapped into the guest, so stores reach the
     * file and writes through read(2)/write(2) show in the mapping, as on Linux. Only the part inside the
     * file is host-mapped (a host page past end of file would raise SIGBUS in the JVM); the rest of the
     * range is zero-filled memory.
     */
    private static void mapShared(GuestProcess p, FileDescription file, long start, long len, int prot, String name,
                                  long offset) {
        if (file.hostFd() < 0) throw Errno.ENODEV.fail();
        if ((prot & Cpu.PROT_WRITE) != 0 && !file.writable()) throw Errno.EACCES.fail();
        byte[] stat = file.stat();
        long inFile = Math.max(0, Math.min(len, pageUp(dev.jlibos.vfs.StatLayout.size(stat)) - offset));
        if (inFile > 0) {
            var block = p.kernel.hostMemory().mapFile(file.hostFd(), offset, inFile, file.writable(),
                    dev.jlibos.vfs.StatLayout.fileId(stat));
            p.memory().mapBlock(start, inFile, prot, name, offset, block);
        }
        if (inFile < len) p.memory().map(start + inFile, len - inFile, prot, name, offset + inFile);
    }

    private static long placement(GuestProcess p, long addr, long len, int flags) {
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if ((addr & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
            if (addr < AddressSpace.MIN_ADDRESS) throw Errno.EPERM.fail();
            if (addr + len > AddressSpace.USER_END || addr + len < addr) throw Errno.ENOMEM.fail();
            if ((flags & MAP_FIXED) == 0 && !p.memory().isFree(addr, len)) throw Errno.EEXIST.fail();
            return addr;
        }
        long hint = AddressSpace.pageDown(addr);
        if (hint != 0 && p.memory().isFree(hint, len)) return hint;
        return p.memory().findFree(len, p.layout().mmapBase());
    }

    /** Copies the file's bytes into a fresh private mapping; pages past end of file stay zero. */
    private static void fillFromFile(AddressSpace memory, FileDescription file, long start, long length, long offset) {
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, length)];
        long done = 0;
        while (done < length) {
            int want = (int) Math.min(chunk.length, length - done);
            int n = file.readForMapping(chunk, 0, want, offset + done);
            if (n <= 0) break;
            memory.initWrite(start + done, chunk, 0, n);
            done += n;
        }
    }

    private long munmap(GuestThread t, SyscallArgs a) {
        long addr = a.get(0), length = a.get(1);
        if ((addr & (PAGE_SIZE - 1)) != 0 || length == 0) throw Errno.EINVAL.fail();
        long len = pageUp(length);
        // A length within a page of 2^64 rounds up to 0: Linux's "len > TASK_SIZE - start" makes it EINVAL.
        if (len == 0 || addr + len > AddressSpace.USER_END || addr + len < addr) throw Errno.EINVAL.fail();
        // Nothing of the guest's lies below mmap_min_addr (munmap of unmapped pages succeeds); the
        // kml-shim's entry page there is the libOS's and stays.
        long from = Math.max(addr, AddressSpace.MIN_ADDRESS);
        if (from < addr + len) t.process.memory().unmap(from, addr + len - from);
        return 0;
    }

    private long mprotect(GuestThread t, SyscallArgs a) {
        long addr = a.get(0), length = a.get(1);
        int prot = a.i32(2);
        if ((addr & (PAGE_SIZE - 1)) != 0 || (prot & ~PROT_ALL) != 0) throw Errno.EINVAL.fail();
        if (length == 0) return 0;
        long len = pageUp(length);
        // Linux: end <= start after rounding (a length that wraps, even to exactly 0) is ENOMEM. A length of
        // -1 rounded to 0 used to reach AddressSpace.protect with an empty range (kfuzz, an internal error).
        if (len == 0 || addr + len <= addr || addr < AddressSpace.MIN_ADDRESS) throw Errno.ENOMEM.fail(); // unmapped, to the guest
        if ((prot & Cpu.PROT_WRITE) != 0 && t.process.kernel.limits().committed() > 0) {
            CommittedMemory.commit(t.process, t.process.memory().uncommittedIn(addr, addr + len));
        }
        t.process.memory().protect(addr, len, prot);
        return 0;
    }

    private long mremap(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        long oldAddr = a.get(0), oldLen = pageUp(a.get(1)), newLen = pageUp(a.get(2)), newAddr = a.get(4);
        int flags = a.i32(3);
        if ((oldAddr & (PAGE_SIZE - 1)) != 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0)
            throw Errno.EINVAL.fail();
        if ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0) throw Errno.EINVAL.fail();
        if ((flags & MREMAP_DONTUNMAP) != 0) {
            t.kernel().log().once("mremap: MREMAP_DONTUNMAP is not supported (EINVAL)");
            throw Errno.EINVAL.fail();
        }
        if (newLen == 0 || oldLen == 0) throw Errno.EINVAL.fail();
        // Linux needs the old range inside one VMA; ours are not merged, so any fully mapped range will do.
        Vma area = oldAddr >= AddressSpace.MIN_ADDRESS ? m.find(oldAddr) : null;
        if (area == null || !m.isFullyMapped(oldAddr, oldAddr + oldLen)) throw Errno.EFAULT.fail();
        if (newLen > oldLen) reserve(t.process, newLen - oldLen);
        if (newLen > oldLen && (area.prot() & Cpu.PROT_WRITE) != 0 && !area.block().block().sharedWithFile()) {
            CommittedMemory.commit(t.process, newLen - oldLen);
        }
        if ((flags & MREMAP_FIXED) == 0) {
            if (newLen <= oldLen) {
                if (newLen < oldLen) m.unmap(oldAddr + newLen, oldLen - newLen);
                return oldAddr;
            }
            if (m.isFree(oldAddr + oldLen, newLen - oldLen)) {
                m.map(oldAddr + oldLen, newLen - oldLen, area.prot(), area.name());
                return oldAddr;
            }
            if ((flags & MREMAP_MAYMOVE) == 0) throw Errno.ENOMEM.fail();
        }
        long target;
        if ((flags & MREMAP_FIXED) != 0) {
            if ((newAddr & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
            if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) throw Errno.EINVAL.fail();
            target = newAddr;
        } else {
            target = m.findFree(newLen, t.process.layout().mmapBase());
        }
        m.map(target, newLen, area.prot(), area.name(), area.fileOffset());
        copy(m, oldAddr, target, Math.min(oldLen, newLen));
        m.unmap(oldAddr, oldLen);
        return target;
    }

    private static void copy(AddressSpace m, long from, long to, long length) {
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, length)];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk.length, length - done);
            m.initRead(from + done, chunk, 0, n);
            m.initWrite(to + done, chunk, 0, n);
            done += n;
        }
    }

    /**
     * Shared file mappings are the host's page cache itself, so their data is already visible to every
     * reader; MS_SYNC additionally asks the host to write the range to disk.
     */
    private long msync(GuestThread t, SyscallArgs a) {
        long addr = a.get(0), len = pageUp(a.get(1));
        int flags = a.i32(2);
        final int msAsync = 1, msInvalidate = 2, msSync = 4;
        if ((addr & (PAGE_SIZE - 1)) != 0 || (flags & ~(msAsync | msInvalidate | msSync)) != 0
                || (flags & (msAsync | msSync)) == (msAsync | msSync)) {
            throw Errno.EINVAL.fail();
        }
        // Linux: a length that wraps past the end of the address space is ENOMEM (found by the syscall
        // fuzzer: the range used to reach the area map reversed, an internal error).
        if (addr + len < addr) throw Errno.ENOMEM.fail();
        if (!t.process.memory().isFullyMapped(addr, addr + len)) throw Errno.ENOMEM.fail();
        if ((flags & msSync) != 0) {
            for (Vma v : t.process.memory().areas()) {
                if (v.end() <= addr || v.start() >= addr + len || !v.block().block().sharedWithFile()) continue;
                long from = Math.max(addr, v.start()), to = Math.min(addr + len, v.end());
                long host = v.block().block().address() + v.blockOffset() + (from - v.start());
                t.process.fs().host.raw(26 /* msync */, host, to - from, msSync, 0, 0, 0);
            }
        }
        return 0;
    }

    private long madvise(GuestThread t, SyscallArgs a) {
        long addr = a.get(0), length = a.get(1);
        int advice = a.i32(2);
        if ((addr & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
        long len = pageUp(length);
        // Linux: a length that rounds up to 0, or a range that wraps, is EINVAL; an empty one succeeds.
        if ((length != 0 && len == 0) || addr + len < addr) throw Errno.EINVAL.fail();
        switch (advice) {
            case MADV_DONTNEED, MADV_FREE -> {
                if (addr < AddressSpace.MIN_ADDRESS || !t.process.memory().isFullyMapped(addr, addr + len)) {
                    throw Errno.ENOMEM.fail();
                }
                // Private anonymous pages read back as zero after DONTNEED; FREE may do the same.
                t.process.memory().initZero(addr, len);
            }
            case MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED -> { }
            default -> {
                if (advice < 0 || advice > 25) throw Errno.EINVAL.fail();
                // Other advice only tunes the host kernel's paging (hugepages, KSM, dump, fork behaviour).
            }
        }
        return 0;
    }
}
