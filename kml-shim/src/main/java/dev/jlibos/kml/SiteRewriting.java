package dev.jlibos.kml;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Vma;

import java.util.function.IntToLongFunction;

/**
 * Syscall-site rewriting (issue 5, the kml-shim), on one process image: maps the shim's pages, keeps the
 * data page equal to what the syscall handlers return, and rewrites a libc wrapper's {@code syscall} into
 * {@code jmp *%rax} the first time it runs. Which calls are served, and the handlers that answer them,
 * are the kernel's (its syscall registry); this class knows only pages and instruction bytes.
 *
 * <p>Served calls are the ones whose answer changes only by the process's own action, so the data page is
 * refreshed on the process's own thread: getpid (fixed from fork to exit), and the uid/gid family (they
 * change by set*id calls, after which the kernel refreshes). getppid is not served: a parent's death
 * changes it from another thread. gettid differs per thread, and the page is per process.
 */
public final class SiteRewriting {
    public static final String DATA_NAME = "[kml-data]", ENTRY_NAME = "[kml]";

    private SiteRewriting() {
    }

    /**
     * Maps the entry page at 0 and a data page below {@code mmapBase} into a new image; returns the data
     * page's address. The caller fills it with {@link #refresh} once it has recorded the address.
     */
    public static long install(AddressSpace memory, long mmapBase, int[] served) {
        long data = memory.findFree(SyscallShim.PAGE_SIZE, mmapBase);
        memory.map(data, SyscallShim.PAGE_SIZE, Cpu.PROT_READ, DATA_NAME);
        memory.initWrite(data, SyscallShim.dataPage(served));
        memory.mapReserved(0, SyscallShim.entryPage(data, served), Cpu.PROT_EXEC, ENTRY_NAME);
        return data;
    }

    /**
     * Writes the served answers into the data page at {@code data}, asking {@code answer} (the handlers
     * the syscall path calls). After fork the child's copy of the page still holds the parent's pid: fork
     * refreshes it too.
     */
    public static void refresh(AddressSpace memory, long data, int[] served, IntToLongFunction answer) {
        if (data == 0) return;
        Vma area = memory.find(data);
        // The guest may have unmapped the page or mapped something else there: then there is nothing to keep.
        if (area == null || !DATA_NAME.equals(area.name()) || area.start() != data) return;
        for (int n : served) {
            memory.initWriteInt(data + SyscallShim.VALUES + 4L * n, (int) answer.applyAsLong(n));
        }
    }

    /**
     * At the entry of a served call whose {@code syscall} ends at {@code rip}: if it is a libc wrapper's,
     * in a private executable mapping, rewrite it so that later calls jump to the stub. This call itself
     * is served by Java as usual. The caller holds the process's execution lock, so no other engine of
     * the process is executing while translated code is dropped. Returns the address of the rewritten
     * {@code syscall} (for {@link #restoreSite}), or 0 when the site was left alone.
     */
    public static long rewriteSite(AddressSpace memory, long data, long rip, int number) {
        if (data == 0) return 0;
        long site = rip - 2; // RIP is reported after the syscall instruction
        long start = site - SyscallSite.SYSCALL_AT;
        if (!privateCode(memory, start)) return 0;
        byte[] window = new byte[SyscallSite.WINDOW];
        memory.initRead(start, window, 0, window.length);
        if (!SyscallSite.isWrapper(window, number)) return 0;
        // initWrite drops the translated code of the range in every engine of this space.
        memory.initWrite(site, SyscallSite.REWRITTEN);
        return site;
    }

    /**
     * Puts the {@code syscall} back at a site {@link #rewriteSite} rewrote (a process that starts filtering
     * its calls with seccomp needs every call to reach the kernel), if the code there is still the rewritten
     * wrapper: the guest may have unmapped or replaced it since.
     */
    public static void restoreSite(AddressSpace memory, long site) {
        long start = site - SyscallSite.SYSCALL_AT;
        if (!privateCode(memory, start)) return;
        byte[] window = new byte[SyscallSite.WINDOW];
        memory.initRead(start, window, 0, window.length);
        if (!SyscallSite.isRewritten(window)) return;
        memory.initWrite(site, SyscallSite.ORIGINAL);
    }

    /** Whether the window at {@code start} lies in the image's own code, where a site may be patched. */
    private static boolean privateCode(AddressSpace memory, long start) {
        Vma area = memory.find(start);
        if (area == null || start < AddressSpace.MIN_ADDRESS || start + SyscallSite.WINDOW > area.end()) return false;
        // Only the image's own code: not writable (a JIT may rewrite it), not a shared file mapping (the
        // patch would reach the file), and executable.
        if ((area.prot() & Cpu.PROT_EXEC) == 0 || (area.prot() & Cpu.PROT_WRITE) != 0) return false;
        return !area.block().block().sharedWithFile() && area.block().block().writable();
    }
}
