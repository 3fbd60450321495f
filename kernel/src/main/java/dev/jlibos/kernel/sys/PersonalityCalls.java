package dev.jlibos.kernel.sys;

import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

/**
 * personality: Linux (since exec domains went away) stores any 32-bit value and returns the previous one;
 * 0xffffffff only asks. The value is kept per thread, inherited by clone and fork, and execve of a 64-bit
 * program drops READ_IMPLIES_EXEC. The flags' effects on memory layout (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC,
 * MMAP_PAGE_ZERO, ADDR_LIMIT_32BIT...) are not applied: hence partial.
 */
public final class PersonalityCalls implements SyscallFamily {
    private static final int QUERY = 0xffffffff;
    private static final int READ_IMPLIES_EXEC = 0x0400000;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.PERSONALITY, "value stored, inherited and returned as Linux; its flags do not change"
                + " the memory layout", this::personality).coveredBy("CProgramsTest[smallcalls]");
    }

    private long personality(GuestThread t, SyscallArgs a) {
        int old = t.personality;
        int requested = a.i32(0);
        if (requested != QUERY) t.personality = requested;
        return Integer.toUnsignedLong(old);
    }

    /** x86-64's set_personality_64bit at execve. */
    static int afterExec(int personality) {
        return personality & ~READ_IMPLIES_EXEC;
    }
}
