package dev.jlibos.loader;

import java.util.List;
import java.util.Map;

/**
 * A program mapped and ready to start.
 *
 * @param entry           where the CPU starts (the interpreter's entry for dynamic programs)
 * @param stackPointer    initial RSP, pointing at argc
 * @param brkStart        initial program break (page-aligned end of the main program's segments)
 * @param executable      the ELF actually executed (for a #! script, its interpreter): /proc/self/exe
 * @param execFn          the path the program was started as (AT_EXECFN)
 * @param argv            the final argument vector (a #! script's interpreter and script prepended)
 * @param auxv            the auxiliary vector, in order, as pushed on the stack (for /proc/self/auxv)
 * @param loadBias        where the main program's vaddr 0 ended up (0 for ET_EXEC)
 * @param interpreterBase AT_BASE: the interpreter's load address, 0 for static programs
 */
public record LoadedProgram(long entry, long stackPointer, long brkStart, String executable, String execFn,
                            List<String> argv, Map<Integer, Long> auxv, long loadBias, long interpreterBase) {
}
