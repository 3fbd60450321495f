package dev.jlibos.signals;

import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.mem.AddressSpace;

import java.util.function.LongPredicate;

/**
 * Maps a CPU fault to the Linux signal and si_code the kernel would raise (arch/x86 trap handlers).
 */
public record FaultSignals(int signal, int code, long address) {
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPN = 2, FPE_INTDIV = 1, SI_KERNEL = 0x80,
            TRAP_BRKPT = 1, BUS_ADRALN = 1, BUS_ADRERR = 2;

    /**
     * {@code shimEntryPage}: whether an address lies in the kml-shim's execute-only entry page;
     * {@code pastEndOfFile}: whether it lies in a shared file mapping past the end of its (shrunk) file.
     */
    public static FaultSignals of(CpuExit exit, LongPredicate shimEntryPage, LongPredicate pastEndOfFile) {
        // Below mmap_min_addr nothing of the guest's is mapped: a data access there faults as unmapped
        // even where the kml-shim's execute-only entry page lies, and the entry page's int3 filler is
        // reached only by jumping to a wild low address (a NULL function pointer), which Linux reports
        // as a fetch from an unmapped page.
        if (exit.address() < AddressSpace.MIN_ADDRESS && exit.kind() == CpuExit.Kind.PROTECTION) {
            return new FaultSignals(Signal.SIGSEGV, SEGV_MAPERR, exit.address());
        }
        if (exit.kind() == CpuExit.Kind.EXCEPTION && exit.vector() == 3
                && shimEntryPage.test(exit.address() - 1)) {
            return new FaultSignals(Signal.SIGSEGV, SEGV_MAPERR, exit.address() - 1);
        }
        return switch (exit.kind()) {
            case UNMAPPED -> new FaultSignals(Signal.SIGSEGV, SEGV_MAPERR, exit.address());
            // Linux's filemap fault past the end of the file: SIGBUS with BUS_ADRERR.
            case PROTECTION -> pastEndOfFile.test(exit.address()) ? new FaultSignals(Signal.SIGBUS, BUS_ADRERR, exit.address())
                    : new FaultSignals(Signal.SIGSEGV, SEGV_ACCERR, exit.address());
            case INVALID_INSTRUCTION -> new FaultSignals(Signal.SIGILL, ILL_ILLOPN, exit.address());
            case EXCEPTION -> switch (exit.vector()) {
                case 0 -> new FaultSignals(Signal.SIGFPE, FPE_INTDIV, exit.address());   // #DE divide error
                // #DB after one instruction run with EFLAGS.TF (a single step): TRAP_TRACE at the next one.
                case 1 -> new FaultSignals(Signal.SIGTRAP, 2 /* TRAP_TRACE */, exit.address());
                // int3 is #BP, which do_int3 sends as a bare SIGTRAP: SI_KERNEL, no address.
                case 3 -> new FaultSignals(Signal.SIGTRAP, SI_KERNEL, 0);
                case 6 -> new FaultSignals(Signal.SIGILL, ILL_ILLOPN, exit.address());   // #UD
                case 17 -> new FaultSignals(Signal.SIGBUS, BUS_ADRALN, exit.address());           // #AC alignment check
                default -> new FaultSignals(Signal.SIGSEGV, SI_KERNEL, 0);                // #GP, #SS, int n...
            };
            default -> new FaultSignals(Signal.SIGSEGV, SI_KERNEL, 0);
        };
    }
}
