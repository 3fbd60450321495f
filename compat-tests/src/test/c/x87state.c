/*
 * The x87 state a program starts with: control word 0x37F, status word 0 (stack top 0), every register
 * empty. It then leaves three values on the stack and a non-default control word, and, given "exec",
 * execs itself to check that execve resets them (Linux's fpstate_init). EnginePoolTest runs it twice on
 * one pooled engine: the second run must not see what the first left.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct fpenv {
    unsigned short cw, r0, sw, r1, tag, r2;
    unsigned int rest[4];
};

int main(int argc, char **argv) {
    struct fpenv env;
    __asm__ volatile("fnstenv %0" : "=m"(env));
    printf("cw %#x sw %#x tag %#x\n", env.cw, env.sw, env.tag);
    unsigned short cw = 0x27f; /* double precision */
    __asm__ volatile("fldcw %0" ::"m"(cw));
    __asm__ volatile("fld1; fldpi; fldz" ::: "st", "st(1)", "st(2)");
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        execl("/proc/self/exe", argv[0], (char *)0);
        return 2;
    }
    return 0;
}
