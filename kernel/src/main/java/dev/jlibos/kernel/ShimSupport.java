package dev.jlibos.kernel;

import dev.jlibos.core.cpu.Reg;
import dev.jlibos.kernel.syscall.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.kernel.syscall.Trait;
import dev.jlibos.kml.SiteRewriting;

/**
 * The kernel's side of the kml-shim ({@link SiteRewriting}): which calls are served in the guest and which
 * change their answers come from the registry's entries ({@link Trait#SHIM_SERVED},
 * {@link Trait#SHIM_REFRESH}), and the answers are the served calls' own handlers.
 */
public final class ShimSupport {
    private static final SyscallRegistry REGISTRY = Kernel.registry();
    /** The calls the in-guest stub answers from the data page, ascending. */
    static final int[] SERVED = REGISTRY.numbersWith(Trait.SHIM_SERVED);

    private ShimSupport() {
    }

    /** Maps the shim's pages into the process's new image and fills the data page (after the loader). */
    static void install(GuestThread thread) {
        GuestProcess p = thread.process;
        p.shimData = SiteRewriting.install(p.memory, p.mmapBase, SERVED);
        refresh(thread);
    }

    /** Writes the served answers by calling the same handlers the syscall path calls (also after fork). */
    public static void refresh(GuestThread thread) {
        GuestProcess p = thread.process;
        SyscallArgs none = new SyscallArgs();
        SiteRewriting.refresh(p.memory, p.shimData, SERVED, n -> REGISTRY.get(n).handler().call(thread, none));
    }

    /** At the entry of a call: rewrites its site when the stub serves it and it is a libc wrapper's. */
    public static void beforeSyscall(GuestThread thread, int number) {
        if (REGISTRY.has(number, Trait.SHIM_SERVED)) {
            SiteRewriting.rewriteSite(thread.process.memory, thread.process.shimData, thread.cpu.get(Reg.RIP), number);
        }
    }

    /** After a call is served by Java: refresh the answers it may have changed. */
    public static void afterSyscall(GuestThread thread, int number) {
        if (thread.process.shimData != 0 && REGISTRY.has(number, Trait.SHIM_REFRESH)) refresh(thread);
    }
}
