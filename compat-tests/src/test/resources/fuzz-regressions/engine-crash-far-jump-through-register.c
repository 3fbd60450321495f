/*
 * Found by LoaderFuzzTest (seed 10, iteration 2767: a gcc -static hello whose e_entry was moved 23
 * bytes back, onto "ff e8"). FF /3 and FF /5 with a register operand (lcall/ljmp through a register) do
 * not exist: Linux raises #UD and the program dies of SIGILL. Unicorn 2.0.1's TCG aborts the whole
 * host process instead ("tcg/tcg.c:3073: tcg fatal error", unicorn-engine/unicorn#1716, closed upstream
 * but present in 2.0.1), so under jlibos the JVM dies. EngineCrashRegressionTest runs this in a child JVM.
 */
#include <stdio.h>

int main(void) {
    puts("before");
    fflush(stdout);
    __asm__ volatile(".byte 0xff, 0xe8"); /* ljmp *%eax: #UD */
    puts("after");
    return 0;
}
