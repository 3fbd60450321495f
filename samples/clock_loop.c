/* Measures one clock_gettime(CLOCK_MONOTONIC) through libc: with a vDSO (Linux, jlibos --syscall-path=shim)
 * libc calls it as a function, without one (jlibos hook path) every call is a syscall. The loop's own
 * readings time it. Used by `./jlibos bench`.
 * Usage: clock_loop [N]   prints "ns_per_call <value>" */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    struct timespec start, t;
    long long sum = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    t = start;
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        sum += t.tv_nsec;
    }
    printf("ns_per_call %.1f\n", n > 0 ? (double) (ns(&t) - ns(&start)) / n : 0.0);
    return sum == 0 && n > 1; /* keeps the loop from being optimised away */
}
