package dev.jlibos.kernel;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Vma;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.kml.SyscallShim;
import dev.jlibos.kml.SyscallSite;
import dev.jlibos.syscalls.Sysno;

/**
 * The kernel's half of syscall-site rewriting (issue 5, the kml-shim): it maps the shim's pages into each
 * new image, keeps the data page equal to what the syscall handlers return, and rewrites a libc wrapper's
 * {@code syscall} into {@code jmp *%rax} the first time it runs.
 *
 * <p>Served calls are the ones whose answer changes only by the process's own action, so the data page is
 * refreshed on the process's own thread: getpid (fixed from fork to exit), and the uid/gid family (they
 * change by set*id calls, after which {@link #afterSyscall} refreshes). getppid is not served: a parent's
 * death changes it from another thread. gettid differs per thread, and the page is per process.
 */
public final class KmlShim {
    /** The calls the in-guest stub answers from the data page. */
    static final int[] SERVED = {Sysno.GETPID, Sysno.GETUID, Sysno.GETGID, Sysno.GETEUID, Sysno.GETEGID};
    /** Calls after which the served answers may differ. */
    private static final int[] CHANGES_ANSWERS = {Sysno.SETUID, Sysno.SETGID, Sysno.SETREUID, Sysno.SETREGID,
            Sysno.SETRESUID, Sysno.SETRESGID};
    // Looked up on every syscall: arrays indexed by number, not boxed set lookups.
    private static final boolean[] IS_SERVED = new boolean[SyscallShim.TABLE_ENTRIES];
    private static final boolean[] CHANGES = new boolean[SyscallShim.TABLE_ENTRIES];
    static final String DATA_NAME = "[kml-data]", ENTRY_NAME = "[kml]";

    static {
        for (int n : SERVED) IS_SERVED[n] = true;
        for (int n : CHANGES_ANSWERS) CHANGES[n] = true;
    }

    private KmlShim() {
    }

    /**
     * Maps the entry page at 0 and a data page below {@code process.mmapBase} into the process's new
     * image, and fills the data page. Called by the loader's caller once the image is complete.
     */
    static void install(GuestThread thread) {
        GuestProcess p = thread.process;
        AddressSpace memory = p.memory;
        long data = memory.findFree(SyscallShim.PAGE_SIZE, p.mmapBase);
        memory.map(data, SyscallShim.PAGE_SIZE, Cpu.PROT_READ, DATA_NAME);
        memory.initWrite(data, SyscallShim.dataPage(SERVED));
        memory.mapReserved(0, SyscallShim.entryPage(data, SERVED), Cpu.PROT_EXEC, ENTRY_NAME);
        p.shimData = data;
        refresh(thread);
    }

    /**
     * Writes the served answers into the data page by calling the same handlers the syscall path calls.
     * After fork the child's copy of the page still holds the parent's pid: fork refreshes it too.
     */
    public static void refresh(GuestThread thread) {
        GuestProcess p = thread.process;
        if (p.shimData == 0) return;
        Vma area = p.memory.find(p.shimData);
        // The guest may have unmapped the page or mapped something else there: then there is nothing to keep.
        if (area == null || !DATA_NAME.equals(area.name()) || area.start() != p.shimData) return;
        SyscallRegistry registry = Kernel.registry();
        SyscallArgs none = new SyscallArgs();
        for (int n : SERVED) {
            long answer = registry.get(n).handler().call(thread, none);
            p.memory.initWriteInt(p.shimData + SyscallShim.VALUES + 4L * n, (int) answer);
        }
    }

    /** True when a syscall with this number, from a wrapper, would be served by the stub. */
    public static boolean serves(int number) {
        return is(IS_SERVED, number);
    }

    private static boolean is(boolean[] table, int number) {
        return number >= 0 && number < table.length && table[number];
    }

    /**
     * At the entry of a served call: if its {@code syscall} instruction is a libc wrapper's, in a private
     * executable mapping, rewrite it so that later calls jump to the stub. This call itself is served by
     * Java as usual. Runs on the calling thread with the process's execution lock held, so no other
     * engine of the process is executing while translated code is dropped.
     */
    public static void rewriteSite(GuestThread thread, int number) {
        GuestProcess p = thread.process;
        if (p.shimData == 0) return;
        long site = thread.cpu.get(Reg.RIP) - 2; // RIP is reported after the syscall instruction
        long start = site - SyscallSite.SYSCALL_AT;
        AddressSpace memory = p.memory;
        Vma area = memory.find(start);
        if (area == null || start < AddressSpace.MIN_ADDRESS || start + SyscallSite.WINDOW > area.end()) return;
        // Only the image's own code: not writable (a JIT may rewrite it), not a shared file mapping (the
        // patch would reach the file), and executable.
        if ((area.prot() & Cpu.PROT_EXEC) == 0 || (area.prot() & Cpu.PROT_WRITE) != 0) return;
        if (area.block().block().sharedWithFile() || !area.block().block().writable()) return;
        byte[] window = new byte[SyscallSite.WINDOW];
        memory.initRead(start, window, 0, window.length);
        if (!SyscallSite.isWrapper(window, number)) return;
        // initWrite drops the translated code of the range in every engine of this space.
        memory.initWrite(site, SyscallSite.REWRITTEN);
    }

    /** After a call is served by Java: refresh the answers it may have changed. */
    public static void afterSyscall(GuestThread thread, int number) {
        if (thread.process.shimData != 0 && is(CHANGES, number)) refresh(thread);
    }
}
