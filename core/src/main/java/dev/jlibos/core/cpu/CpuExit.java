package dev.jlibos.core.cpu;

/**
 * Why {@link Cpu#run} returned. A guest fault is not an error of the libOS: the kernel turns it into a
 * signal (SIGSEGV, SIGILL, SIGFPE...) for the guest.
 *
 * @param kind    what stopped the engine
 * @param address the faulting data address for memory faults, else the instruction address
 * @param access  for memory faults: what the guest tried to do
 * @param vector  for {@link Kind#EXCEPTION}: the x86 exception vector (0 = #DE, 6 = #UD, 13 = #GP...)
 * @param detail  engine text for {@link Kind#ENGINE_ERROR}
 */
public record CpuExit(Kind kind, long address, Access access, int vector, String detail) {
    public enum Kind {
        /** {@link Cpu#stop()} was called, normally by a syscall handler (exit, execve, signal death). */
        STOPPED,
        /**
         * The guest executed {@code syscall} while {@link Cpu#setSyscallExits syscall exits} are on: the
         * engine left guest code instead of calling {@link CpuEvents#onSyscall}. {@link Reg#RIP} is the
         * address after {@code syscall}; serve the call, then {@link Cpu#run} from RIP.
         */
        SYSCALL,
        /** The guest touched an address with no mapping. */
        UNMAPPED,
        /** The guest touched a mapping whose protection forbids the access. */
        PROTECTION,
        /** The decoder found no instruction the engine can run at the program counter. */
        INVALID_INSTRUCTION,
        /** A CPU exception other than a memory fault (divide error, #GP, int3...). */
        EXCEPTION,
        /** The engine failed for a reason that is not the guest's. */
        ENGINE_ERROR
    }

    public enum Access { READ, WRITE, FETCH, NONE }

    public static final CpuExit STOPPED = new CpuExit(Kind.STOPPED, 0, Access.NONE, -1, null);
    /** Shared: a syscall exit carries nothing RIP does not already say, and it is on every call's path. */
    public static final CpuExit SYSCALL = new CpuExit(Kind.SYSCALL, 0, Access.NONE, -1, null);
}
