/* malloc: many small blocks, 64 MiB block, realloc growth, calloc zeroing, alignment. */
#include "guest.h"
#include <stdint.h>
#include <stdlib.h>

#define SMALL 20000

int main(void) {
    static unsigned char *blocks[SMALL];
    unsigned long long h = 0;
    for (int i = 0; i < SMALL; i++) {
        size_t n = 1 + (size_t)(i * 37) % 500;
        blocks[i] = malloc(n);
        if (!blocks[i]) { printf("FAIL malloc(%zu)\n", n); return 1; }
        memset(blocks[i], i & 0xff, n);
    }
    int corrupt = 0;
    for (int i = 0; i < SMALL; i++) {
        size_t n = 1 + (size_t)(i * 37) % 500;
        for (size_t j = 0; j < n; j++) corrupt += blocks[i][j] != (i & 0xff);
        h = fnv1a(blocks[i], n, h);
    }
    printf("small blocks checksum %016llx\n", h);
    CHECK(corrupt == 0);
    for (int i = 0; i < SMALL; i += 2) free(blocks[i]);
    for (int i = 0; i < SMALL; i += 2) blocks[i] = malloc(64);
    for (int i = 0; i < SMALL; i++) free(blocks[i]);

    /* 64 MiB: above every mmap threshold, so this is an mmap'd chunk. */
    size_t big = 64u << 20;
    unsigned char *p = malloc(big);
    CHECK(p != NULL);
    for (size_t i = 0; i < big; i += 4096) p[i] = (unsigned char)(i >> 12);
    unsigned long long sum = 0;
    for (size_t i = 0; i < big; i += 4096) sum += p[i];
    printf("64MiB page-touch sum %llu\n", sum);
    p[big - 1] = 0x5a;
    CHECK(p[big - 1] == 0x5a);
    free(p);

    /* realloc growth must preserve the prefix. */
    size_t cap = 1;
    unsigned char *r = malloc(cap);
    r[0] = 1;
    int lost = 0;
    while (cap < (4u << 20)) {
        size_t ncap = cap * 2;
        r = realloc(r, ncap);
        if (!r) { printf("FAIL realloc(%zu)\n", ncap); return 1; }
        for (size_t i = 0; i < cap; i++) lost += r[i] != (unsigned char)(i * 7 + 1);
        for (size_t i = cap; i < ncap; i++) r[i] = (unsigned char)(i * 7 + 1);
        cap = ncap;
    }
    printf("realloc grew to %zu, checksum %016llx\n", cap, fnv1a(r, cap, 0));
    CHECK(lost == 0);
    r = realloc(r, 10);
    CHECK(r[9] == (unsigned char)(9 * 7 + 1));
    free(r);

    /* calloc after dirtying the heap must still hand out zeros. */
    for (int round = 0; round < 4; round++) {
        size_t n = (size_t)1 << (12 + round * 4); /* 4 KiB .. 32 MiB */
        unsigned char *d = malloc(n);
        memset(d, 0xff, n);
        free(d);
        unsigned char *z = calloc(n, 1);
        size_t nonzero = 0;
        for (size_t i = 0; i < n; i++) nonzero += z[i] != 0;
        printf("calloc(%zu): %zu nonzero bytes\n", n, nonzero);
        CHECK(nonzero == 0);
        free(z);
    }

    void *aligned = NULL;
    CHECK(posix_memalign(&aligned, 4096, 10000) == 0);
    CHECK(((uintptr_t)aligned & 4095) == 0);
    free(aligned);
    CHECK(malloc((size_t)-1 / 2) == NULL);
    return guest_finish();
}
