/* Measures the marginal cost of one getpid syscall as programs make it, through libc's getpid(): glibc
 * has not cached the pid since 2.25, and its static getpid is `mov $39,%eax; syscall; ret`, so every call
 * is a real syscall (musl's is one too). Times N calls with CLOCK_MONOTONIC around the loop, so process
 * start-up and the clock calls themselves are excluded. Used by `./jlibos bench`.
 * Usage: getpid_loop [N]   prints "ns_per_call <value>" */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long sum = 0;
    long long start = now_ns();
    for (long i = 0; i < n; i++) sum += getpid();
    long long elapsed = now_ns() - start;
    printf("ns_per_call %.1f\n", n > 0 ? (double) elapsed / n : 0.0);
    return sum == 0; /* keeps the loop from being optimised away */
}
