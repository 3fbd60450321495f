/*
 * strings: glibc selects SSE2/AVX2/EVEX variants of these routines through IFUNC,
 * and they read memory in 16/32-byte blocks, so sizes and alignments around those
 * widths, and strings ending at a page boundary, are where an emulator breaks.
 * Every result is checked against a byte-at-a-time reference and checksummed.
 */
#include "guest.h"
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t ref_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static int sign(int v) { return (v > 0) - (v < 0); }
static int ref_memcmp(const unsigned char *a, const unsigned char *b, size_t n) {
    for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

#define MAXN 300
static unsigned char srcbuf[MAXN + 64], dstbuf[MAXN + 64], refbuf[MAXN + 64];

int main(void) {
    int bad = 0;
    unsigned long long h;

    /* memcpy / memmove / memset over sizes x alignments. */
    h = 0;
    for (size_t al = 0; al < 16; al++) {
        for (size_t n = 0; n <= MAXN; n++) {
            for (size_t i = 0; i < sizeof srcbuf; i++) srcbuf[i] = (unsigned char)(i * 31 + n + al);
            memset(dstbuf, 0xee, sizeof dstbuf);
            memcpy(dstbuf + (al * 7) % 16, srcbuf + al, n);
            for (size_t i = 0; i < n; i++) bad += dstbuf[(al * 7) % 16 + i] != srcbuf[al + i];
            bad += dstbuf[(al * 7) % 16 + n] != 0xee; /* no overrun */
            h = fnv1a(dstbuf, sizeof dstbuf, h);
        }
    }
    printf("memcpy checksum %016llx\n", h);
    h = 0;
    for (size_t n = 0; n <= MAXN; n += 3) {
        for (size_t shift = 0; shift < 40; shift += 5) {
            for (size_t i = 0; i < sizeof srcbuf; i++) srcbuf[i] = refbuf[i] = (unsigned char)i;
            memmove(srcbuf + shift, srcbuf + 3, n > sizeof srcbuf - 40 ? sizeof srcbuf - 40 : n);
            size_t m = n > sizeof srcbuf - 40 ? sizeof srcbuf - 40 : n;
            for (size_t i = 0; i < m; i++) bad += srcbuf[shift + i] != refbuf[3 + i];
            h = fnv1a(srcbuf, sizeof srcbuf, h);
        }
    }
    printf("memmove checksum %016llx\n", h);
    h = 0;
    for (size_t al = 0; al < 16; al++)
        for (size_t n = 0; n <= MAXN; n += 1) {
            memset(dstbuf, 0, sizeof dstbuf);
            memset(dstbuf + al, (int)(n & 0xff), n);
            for (size_t i = 0; i < sizeof dstbuf; i++) bad += dstbuf[i] != ((i >= al && i < al + n) ? (n & 0xff) : 0);
            h = fnv1a(dstbuf, sizeof dstbuf, h);
        }
    printf("memset checksum %016llx\n", h);

    /* strlen / strchr / strrchr / memchr. */
    h = 0;
    for (size_t al = 0; al < 16; al++)
        for (size_t n = 0; n <= MAXN; n++) {
            char *s = (char *)srcbuf + al;
            for (size_t i = 0; i < n; i++) s[i] = (char)('a' + (i * 7) % 26);
            s[n] = 0;
            size_t l = strlen(s);
            bad += l != ref_strlen(s) || l != n;
            char *c = strchr(s, 'z');
            char *r = strrchr(s, 'z');
            char *e = strchr(s, 0);
            void *m = memchr(s, 'q', n);
            bad += e != s + n;
            long ci = c ? c - s : -1, ri = r ? r - s : -1, mi = m ? (char *)m - s : -1;
            long rc = -1, rr = -1, rm = -1;
            for (size_t i = 0; i < n; i++) {
                if (s[i] == 'z') { if (rc < 0) rc = (long)i; rr = (long)i; }
                if (s[i] == 'q' && rm < 0) rm = (long)i;
            }
            bad += ci != rc || ri != rr || mi != rm;
            long v[4] = {(long)l, ci, ri, mi};
            h = fnv1a(v, sizeof v, h);
        }
    printf("strlen/strchr/strrchr/memchr checksum %016llx\n", h);

    /* memcmp / strcmp / strncmp with the first difference at every position. */
    h = 0;
    for (size_t al = 0; al < 16; al += 3)
        for (size_t n = 1; n <= 200; n++)
            for (size_t diff = 0; diff < n; diff += 1 + diff / 4) {
                unsigned char *a = srcbuf + al, *b = dstbuf + (15 - al);
                for (size_t i = 0; i < n; i++) a[i] = b[i] = (unsigned char)(1 + (i * 13) % 250);
                b[diff] = (unsigned char)(a[diff] + ((diff & 1) ? 1 : -1)); /* the sign alternates */
                if (b[diff] == 0) b[diff] = 0xff;
                a[n] = b[n] = 0;
                int m = sign(memcmp(a, b, n)), want = ref_memcmp(a, b, n);
                int s = sign(strcmp((char *)a, (char *)b));
                int sn = sign(strncmp((char *)a, (char *)b, diff)); /* equal prefix */
                bad += m != want || s != want || sn != 0 || memcmp(a, a, n) != 0;
                int v[3] = {m, s, sn};
                h = fnv1a(v, sizeof v, h);
            }
    printf("memcmp/strcmp checksum %016llx\n", h);

    /* strstr / strcpy / strcat / strdup. */
    h = 0;
    static char hay[1024];
    for (size_t i = 0; i < sizeof hay - 1; i++) hay[i] = (char)('a' + (i * i + i / 3) % 5);
    const char *needles[] = {"abc", "eee", "aaaa", "bdac", "dcbadcba", "e", "", "cabbage"};
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++)
        for (size_t off = 0; off < 700; off += 37) {
            char *f = strstr(hay + off, needles[k]);
            long got = f ? f - hay : -1, want = -1;
            size_t nl = strlen(needles[k]);
            for (size_t i = off; hay[i] && want < 0; i++)
                if (strncmp(hay + i, needles[k], nl) == 0) want = (long)i;
            if (nl == 0) want = (long)off;
            bad += got != want;
            h = fnv1a(&got, sizeof got, h);
        }
    printf("strstr checksum %016llx\n", h);
    char cpy[600];
    for (size_t n = 0; n < 280; n++) {
        hay[n] = 0;
        strcpy(cpy, hay);
        strcat(cpy, "|end");
        char *d = strdup(cpy);
        bad += strlen(d) != n + 4 || memcmp(d, hay, n) != 0 || strcmp(d + n, "|end") != 0;
        free(d);
        hay[n] = (char)('a' + (n * n + n / 3) % 5);
    }

    /* Strings ending right before an unmapped page: block-wise readers must not fault. */
    long page = sysconf(_SC_PAGESIZE);
    char *two = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(two != MAP_FAILED);
    CHECK(mprotect(two + page, (size_t)page, PROT_NONE) == 0);
    char *end = two + page;
    memset(two, 'k', (size_t)page);
    for (size_t n = 0; n < 100; n++) {
        char *s = end - n - 1;
        s[n] = 0;
        bad += strlen(s) != n;
        bad += strchr(s, 'x') != NULL;
        bad += strrchr(s, 'k') != (n ? s + n - 1 : NULL);
        bad += memchr(end - n, 'x', n) != NULL;
        bad += memcmp(end - n, end - n, n) != 0;
        bad += strcmp(s, s) != 0;
        s[n] = 'k';
    }
    printf("page-boundary reads done\n");

    printf("mismatches against reference: %d\n", bad);
    CHECK(bad == 0);
    return guest_finish();
}
