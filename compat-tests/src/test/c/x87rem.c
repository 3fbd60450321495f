/*
 * The x87 partial-remainder instructions, FPREM (fmodl) and FPREM1 (remainderl), exactly as the CPU
 * computes them. Unicorn computes both through host doubles, which loses the low 11 bits of a long
 * double and gets large exponent differences wrong; jlibos replaces them with an exact emulation.
 * musl's strtod family uses fmodl, so libc-test's strtod/strtof/strtold depend on this too.
 *
 * Results are printed as raw bits (sign+exponent, 64-bit significand), so glibc and musl print alike.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

static void bits(const char *what, long double x) {
    unsigned char b[16] = {0};
    memcpy(b, &x, 10);
    uint64_t mant;
    uint16_t se;
    memcpy(&mant, b, 8);
    memcpy(&se, b + 8, 2);
    printf("%-28s %04x %016llx\n", what, se, (unsigned long long)mant);
}

/* One FPREM or FPREM1 step: the result and the condition codes C0 C1 C2 C3 as the CPU leaves them. */
static long double step(long double x, long double y, int ieee, unsigned *status) {
    unsigned short sw;
    if (ieee) {
        __asm__ volatile("fprem1\n\tfnstsw %1" : "+t"(x), "=a"(sw) : "u"(y));
    } else {
        __asm__ volatile("fprem\n\tfnstsw %1" : "+t"(x), "=a"(sw) : "u"(y));
    }
    *status = sw & 0x4700;
    return x;
}

int main(void) {
    static const long double xs[] = {
        10.0L, -10.0L, 7.5L, 1e20L, 1e300L, 3.141592653589793238462643383279L, 1e4000L, -1e4000L,
        0x1.fffffffffffffffep+63L, 123456789.123456789L, 1e-4000L, 0.75L, 2.5L, 3.5L,
    };
    static const long double ys[] = {
        3.0L, 3.0L, 2.0L, 7.0L, 0.1L, 1.0L, 3.0L, 1e-10L, 0x1.0000000000000002p+0L, 1e-4900L, 1.0L, 1.0L,
        2.0L,
    };
    char what[64];
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        for (size_t j = 0; j < sizeof ys / sizeof ys[0]; j++) {
            snprintf(what, sizeof what, "fmodl %zu %zu", i, j);
            bits(what, fmodl(xs[i], ys[j]));
            snprintf(what, sizeof what, "remainderl %zu %zu", i, j);
            bits(what, remainderl(xs[i], ys[j]));
        }
    }
    /* Single steps: quotient bits in C0 C3 C1 when complete, C2 set when the reduction is partial. */
    static const long double sx[] = {10.0L, 11.0L, 12.0L, 13.0L, 15.5L, -14.0L, 2.5L, 3.5L, 1e30L, 1e4000L};
    static const long double sy[] = {3.0L, 3.0L, 3.0L, 3.0L, 2.0L, 4.0L, 1.0L, 1.0L, 7.0L, 3.0L};
    for (size_t i = 0; i < sizeof sx / sizeof sx[0]; i++) {
        for (int ieee = 0; ieee <= 1; ieee++) {
            unsigned status;
            long double r = step(sx[i], sy[i], ieee, &status);
            int partial = (status & 0x400) != 0;
            snprintf(what, sizeof what, "%s %zu C2=%d", ieee ? "fprem1" : "fprem", i, partial);
            if (partial) {
                printf("%s\n", what); /* a partial result depends on the CPU's reduction step */
            } else {
                printf("%s C0=%d C1=%d C3=%d ", what, !!(status & 0x100), !!(status & 0x200), !!(status & 0x4000));
                bits("", r);
            }
        }
    }
    /* The strtod path that fails without an exact FPREM: musl rounds through fmodl. */
    const char *inputs[] = {"1e23", "8.5e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
                            "0.1000000000000000055511151231257827", "123456789012345678901234567890e-20"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        double d = strtod(inputs[i], NULL);
        uint64_t u;
        memcpy(&u, &d, 8);
        printf("strtod %s %016llx\n", inputs[i], (unsigned long long)u);
        float f = strtof(inputs[i], NULL);
        uint32_t v;
        memcpy(&v, &f, 4);
        printf("strtof %s %08x\n", inputs[i], v);
        bits("strtold", strtold(inputs[i], NULL));
    }
    return guest_failures ? 1 : 0;
}
