/*
 * faults: argv[1] chooses how the process ends, so each case is a separate run whose
 * exit status (code or signal) the harness compares.
 *   exit N | null | div0 | ud2 | int3 | abort | kill | stack
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(volatile char *prev, int depth) {
    volatile char big[4096];
    big[0] = (char)depth;
    big[4095] = prev ? prev[0] : 0;
    return recurse(big, depth + 1) + big[1];
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: faults MODE [N]\n"); return 2; }
    const char *mode = argv[1];
    printf("about to: %s%s%s\n", mode, argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
    fflush(stdout);
    if (strcmp(mode, "exit") == 0) {
        /* Unflushed stdio output must still appear: exit() flushes. */
        printf("exiting with %s\n", argv[2]);
        exit(atoi(argv[2]));
    } else if (strcmp(mode, "_exit") == 0) {
        printf("this buffered line is lost by _exit\n");
        _exit(atoi(argv[2]));
    } else if (strcmp(mode, "null") == 0) {
        *(volatile int *)0 = 1;
    } else if (strcmp(mode, "div0") == 0) {
        volatile int a = 1, b = 0;
        printf("%d\n", a / b);
    } else if (strcmp(mode, "ud2") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(mode, "int3") == 0) {
        __asm__ volatile("int3");
    } else if (strcmp(mode, "abort") == 0) {
        abort();
    } else if (strcmp(mode, "kill") == 0) {
        kill(getpid(), SIGTERM);
    } else if (strcmp(mode, "stack") == 0) {
        return recurse(NULL, 0);
    }
    printf("still alive after %s\n", mode);
    return 3;
}
