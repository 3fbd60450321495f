#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
/* areas: split one region into N areas by mprotecting every other page; then churn M writable mmaps. */
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 5000, m = argc > 2 ? atol(argv[2]) : 20000;
    char *r = mmap(0, 2 * n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) return 1;
    for (long i = 0; i < n; i++) mprotect(r + 2 * i * 4096, 4096, PROT_READ);
    long sum = 0;
    for (long i = 0; i < m; i++) {
        char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return 2;
        p[0] = (char) i; sum += p[0];
        munmap(p, 4096);
    }
    printf("%ld\n", sum);
    return 0;
}
