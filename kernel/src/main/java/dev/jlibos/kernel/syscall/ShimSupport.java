package dev.jlibos.kernel.syscall;

import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kml.SiteRewriting;

/**
 * The kernel's side of the kml-shim ({@link SiteRewriting}): which calls are served in the guest and which
 * change their answers come from the registry's entries ({@link Trait#SHIM_SERVED},
 * {@link Trait#SHIM_REFRESH}), and the answers are the served calls' own handlers.
 */
final class ShimSupport {
    private final SyscallRegistry registry;
    /** The calls the in-guest stub answers from the data page, ascending. */
    private final int[] served;

    ShimSupport(SyscallRegistry registry) {
        this.registry = registry;
        this.served = registry.numbersWith(Trait.SHIM_SERVED);
    }

    /** Maps the shim's pages into the process's new image and fills the data page (after the loader). */
    void install(GuestThread thread) {
        GuestProcess p = thread.process;
        p.layout().shimData(SiteRewriting.install(p.memory(), p.layout().mmapBase(), served));
        refresh(thread);
    }

    /** Writes the served answers by calling the same handlers the syscall path calls (also after fork). */
    void refresh(GuestThread thread) {
        GuestProcess p = thread.process;
        SyscallArgs none = new SyscallArgs();
        SiteRewriting.refresh(p.memory(), p.layout().shimData(), served, n -> registry.get(n).handler().call(thread, none));
    }

    /**
     * At the entry of a call: rewrites its site when the stub serves it and it is a libc wrapper's, unless
     * the process filters its calls (a rewritten call would not reach the filter).
     */
    void beforeSyscall(GuestThread thread, int number) {
        if (registry.has(number, Trait.SHIM_SERVED) && !thread.process.syscallsFiltered()) {
            GuestProcess p = thread.process;
            long site = SiteRewriting.rewriteSite(p.memory(), p.layout().shimData(), thread.cpu.get(Reg.RIP), number);
            if (site != 0) p.layout().siteRewritten(site);
        }
    }

    /** Seccomp: the calls rewritten so far go back to {@code syscall}, so each one reaches the filter again. */
    void restoreSites(GuestThread thread) {
        GuestProcess p = thread.process;
        for (long site : p.layout().rewrittenSites()) SiteRewriting.restoreSite(p.memory(), site);
        p.layout().sitesRestored();
    }

    /** After a call is served by Java: refresh the answers it may have changed. */
    void afterSyscall(GuestThread thread, int number) {
        if (thread.process.layout().shimData() != 0 && registry.has(number, Trait.SHIM_REFRESH)) refresh(thread);
    }
}
