/*
 * cpuid probe: for each feature CPUID reports, execute one instruction of that
 * extension under a SIGILL handler. glibc picks its string routines from these
 * bits (IFUNC), so a bit that is set but not executable breaks every program.
 * Exit status 1 if any reported feature faults or computes a wrong result.
 *
 * Which features are present differs between the host CPU and jlibos's
 * normalised CPUID, so the harness compares only the exit status here.
 */
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static void on_sigill(int sig) { (void)sig; siglongjmp(env, 1); }

static unsigned l1c, l1d, l7b, l81c;
static int os_avx; /* OSXSAVE set and XCR0 enables SSE and AVX state */

typedef int (*probe_fn)(void); /* returns 1 if the result is right */

static int p_sse3(void) {
    float in[4] __attribute__((aligned(16))) = {1, 2, 3, 4}, out[4] __attribute__((aligned(16)));
    __asm__ volatile("movaps %1, %%xmm0\n haddps %%xmm0, %%xmm0\n movaps %%xmm0, %0" : "=m"(out) : "m"(in) : "xmm0");
    return out[0] == 3 && out[1] == 7;
}
static int p_ssse3(void) {
    uint8_t src[16] __attribute__((aligned(16))), idx[16] __attribute__((aligned(16))), out[16] __attribute__((aligned(16)));
    for (int i = 0; i < 16; i++) { src[i] = (uint8_t)(i * 3); idx[i] = (uint8_t)(15 - i); }
    __asm__ volatile("movdqa %1, %%xmm0\n movdqa %2, %%xmm1\n pshufb %%xmm1, %%xmm0\n movdqa %%xmm0, %0"
                     : "=m"(out) : "m"(src), "m"(idx) : "xmm0", "xmm1");
    return out[0] == 45 && out[15] == 0;
}
static int p_sse41(void) {
    int32_t a[4] __attribute__((aligned(16))) = {5, -3, 8, 0}, b[4] __attribute__((aligned(16))) = {2, 4, -9, 0};
    __asm__ volatile("movdqa %0, %%xmm0\n movdqa %1, %%xmm1\n pminsd %%xmm1, %%xmm0\n movdqa %%xmm0, %0"
                     : "+m"(a) : "m"(b) : "xmm0", "xmm1");
    return a[0] == 2 && a[1] == -3 && a[2] == -9;
}
static int p_sse42(void) {
    uint32_t crc = 0xffffffff, v = 0x12345678;
    __asm__ volatile("crc32l %1, %0" : "+r"(crc) : "r"(v));
    return crc == 0x4dece20cu; /* CRC-32C (Castagnoli), no final inversion */
}
static int p_popcnt(void) {
    uint64_t v = 0xf0f0f0f0f0f0f0f1ULL, r;
    __asm__ volatile("popcnt %1, %0" : "=r"(r) : "r"(v));
    return r == 33;
}
static int p_aes(void) {
    uint8_t st[16] __attribute__((aligned(16))) = {0}, key[16] __attribute__((aligned(16))) = {0};
    __asm__ volatile("movdqa %0, %%xmm0\n movdqa %1, %%xmm1\n aesenc %%xmm1, %%xmm0\n movdqa %%xmm0, %0"
                     : "+m"(st) : "m"(key) : "xmm0", "xmm1");
    return st[0] == 0x63 && st[4] == 0x63; /* SubBytes(0)=0x63, MixColumns of equal bytes is identity */
}
static int p_pclmul(void) {
    uint64_t a[2] __attribute__((aligned(16))) = {3, 0}, b[2] __attribute__((aligned(16))) = {3, 0};
    __asm__ volatile("movdqa %0, %%xmm0\n movdqa %1, %%xmm1\n pclmulqdq $0, %%xmm1, %%xmm0\n movdqa %%xmm0, %0"
                     : "+m"(a) : "m"(b) : "xmm0", "xmm1");
    return a[0] == 5 && a[1] == 0; /* (x+1)^2 = x^2+1 carry-less */
}
static int p_movbe(void) {
    uint32_t m = 0x11223344, r;
    __asm__ volatile("movbe %1, %0" : "=r"(r) : "m"(m));
    return r == 0x44332211u;
}
static int p_avx(void) {
    float a[8] __attribute__((aligned(32))) = {1, 2, 3, 4, 5, 6, 7, 8}, out[8] __attribute__((aligned(32)));
    __asm__ volatile("vmovaps %1, %%ymm0\n vaddps %%ymm0, %%ymm0, %%ymm1\n vmovaps %%ymm1, %0\n vzeroupper"
                     : "=m"(out) : "m"(a) : "xmm0", "xmm1");
    return out[0] == 2 && out[7] == 16;
}
static int p_avx2(void) {
    int32_t a[8] __attribute__((aligned(32))) = {1, 2, 3, 4, 5, 6, 7, 8}, out[8] __attribute__((aligned(32)));
    __asm__ volatile("vmovdqa %1, %%ymm0\n vpaddd %%ymm0, %%ymm0, %%ymm1\n vmovdqa %%ymm1, %0\n vzeroupper"
                     : "=m"(out) : "m"(a) : "xmm0", "xmm1");
    return out[0] == 2 && out[7] == 16;
}
static int p_bmi1(void) {
    uint64_t a = 0xff00, b = 0xffff, r;
    __asm__ volatile("andn %2, %1, %0" : "=r"(r) : "r"(a), "r"(b)); /* r = ~a & b */
    uint64_t t, v = 0x50;
    __asm__ volatile("tzcnt %1, %0" : "=r"(t) : "r"(v));
    return r == 0xff && t == 4;
}
static int p_bmi2(void) {
    uint64_t src = 0x5, mask = 0xf0f0, r;
    __asm__ volatile("pdep %2, %1, %0" : "=r"(r) : "r"(src), "r"(mask));
    return r == 0x50;
}
static int p_adx(void) {
    uint64_t a = ~0ULL, b = 1;
    unsigned char cf;
    __asm__ volatile("clc\n adcx %2, %0\n setc %1" : "+r"(a), "=q"(cf) : "r"(b) : "cc");
    return a == 0 && cf == 1;
}
static int p_lzcnt(void) {
    uint64_t v = 0x00ffULL, r;
    __asm__ volatile("lzcnt %1, %0" : "=r"(r) : "r"(v));
    return r == 56; /* bsr (what pre-LZCNT CPUs execute) would give 7 */
}
static int p_rdrand(void) {
    for (int i = 0; i < 100; i++) {
        uint64_t r;
        unsigned char ok;
        __asm__ volatile("rdrand %0\n setc %1" : "=r"(r), "=q"(ok) : : "cc");
        if (ok) return 1;
    }
    return 0; /* never succeeding in 100 tries counts as broken */
}
static int p_xsave(void) {
    static uint8_t area[4096] __attribute__((aligned(64)));
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    memset(area, 0, sizeof area);
    __asm__ volatile("xsave %0" : "+m"(area) : "a"(3), "d"(0)); /* x87 + SSE state */
    return (lo & 3) == 3;
}

struct feature {
    const char *name;
    int reported;
    probe_fn probe;
};

int main(void) {
    unsigned a, b, c, d, max;
    __cpuid(0, max, b, c, d);
    __cpuid(1, a, b, l1c, l1d);
    if (max >= 7) __cpuid_count(7, 0, a, l7b, c, d);
    unsigned maxext;
    __cpuid(0x80000000, maxext, b, c, d);
    if (maxext >= 0x80000001) __cpuid(0x80000001, a, b, l81c, d);

    int osxsave = (l1c >> 27) & 1;
    if (osxsave) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        os_avx = (lo & 6) == 6;
    }
    printf("OSXSAVE=%d XCR0 enables AVX state=%d\n", osxsave, os_avx);

    /* AVX/AVX2 are only usable (and only used by glibc) when the OS enables the YMM state;
       XSAVE is only executable with CR4.OSXSAVE, which userspace sees as the OSXSAVE bit. */
    struct feature fs[] = {
        {"SSE3", (l1c >> 0) & 1, p_sse3},
        {"SSSE3", (l1c >> 9) & 1, p_ssse3},
        {"SSE4.1", (l1c >> 19) & 1, p_sse41},
        {"SSE4.2", (l1c >> 20) & 1, p_sse42},
        {"POPCNT", (l1c >> 23) & 1, p_popcnt},
        {"AES", (l1c >> 25) & 1, p_aes},
        {"PCLMUL", (l1c >> 1) & 1, p_pclmul},
        {"MOVBE", (l1c >> 22) & 1, p_movbe},
        {"AVX", ((l1c >> 28) & 1) && os_avx, p_avx},
        {"AVX2", ((l7b >> 5) & 1) && os_avx, p_avx2},
        {"BMI1", (l7b >> 3) & 1, p_bmi1},
        {"BMI2", (l7b >> 8) & 1, p_bmi2},
        {"ADX", (l7b >> 19) & 1, p_adx},
        {"LZCNT", (l81c >> 5) & 1, p_lzcnt},
        {"RDRAND", (l1c >> 30) & 1, p_rdrand},
        {"XSAVE", ((l1c >> 26) & 1) && osxsave, p_xsave},
    };
    if (((l1c >> 28) & 1) && !os_avx) printf("AVX: reported by CPUID but its state is not enabled in XCR0 (unusable, not probed)\n");

    struct sigaction sa = {0};
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);

    int bad = 0;
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        if (!fs[i].reported) {
            printf("%s not reported\n", fs[i].name);
            continue;
        }
        if (sigsetjmp(env, 1) == 0) {
            int right = fs[i].probe();
            printf("%s %s\n", fs[i].name, right ? "ok" : "REPORTED BUT WRONG RESULT");
            bad += !right;
        } else {
            printf("%s REPORTED BUT FAULTS\n", fs[i].name);
            bad++;
        }
    }
    printf("%s: %d broken feature(s)\n", bad ? "FAILED" : "PASSED", bad);
    return bad ? 1 : 0;
}
