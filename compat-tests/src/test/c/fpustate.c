/*
 * fpustate: FXSAVE/FXRSTOR must cover the SSE state (MXCSR and XMM0-15), as
 * on Linux, which sets CR4.OSFXSR. Without it QEMU's FXSAVE writes only the
 * x87 part of the image and FXRSTOR leaves the XMM registers untouched.
 *
 * glibc's ld.so preserves the argument registers across lazy PLT binding with
 * FXSAVE/FXRSTOR when CPUID reports no XSAVE (_dl_runtime_resolve_fxsave), so
 * this broke the first call of every lazily bound function taking a double:
 * python3's first log(10.0) returned -inf and int('7') raised "Exceeds the
 * limit (4300 digits) for integer string conversion" (jlibos before the fix).
 * The last check mimics that trampoline.
 */
#include <stdint.h>
#include <string.h>

#include "guest.h"

struct fxarea {
    uint8_t b[512];
} __attribute__((aligned(16)));

static struct fxarea area, area32;
static uint8_t xin[16][16] __attribute__((aligned(16)));
static uint8_t xout[16][16] __attribute__((aligned(16)));
static uint8_t zeros[16][16] __attribute__((aligned(16)));

/* Inside one asm statement each, so that no compiler-generated SSE code (memset, printf) runs between. */
#define LOAD_ALL(reg)                                                                             \
    "movdqa 0(" reg "), %%xmm0\n movdqa 16(" reg "), %%xmm1\n movdqa 32(" reg "), %%xmm2\n"       \
    "movdqa 48(" reg "), %%xmm3\n movdqa 64(" reg "), %%xmm4\n movdqa 80(" reg "), %%xmm5\n"      \
    "movdqa 96(" reg "), %%xmm6\n movdqa 112(" reg "), %%xmm7\n movdqa 128(" reg "), %%xmm8\n"    \
    "movdqa 144(" reg "), %%xmm9\n movdqa 160(" reg "), %%xmm10\n movdqa 176(" reg "), %%xmm11\n" \
    "movdqa 192(" reg "), %%xmm12\n movdqa 208(" reg "), %%xmm13\n movdqa 224(" reg "), %%xmm14\n" \
    "movdqa 240(" reg "), %%xmm15\n"

#define STORE_ALL(reg)                                                                            \
    "movdqa %%xmm0, 0(" reg ")\n movdqa %%xmm1, 16(" reg ")\n movdqa %%xmm2, 32(" reg ")\n"       \
    "movdqa %%xmm3, 48(" reg ")\n movdqa %%xmm4, 64(" reg ")\n movdqa %%xmm5, 80(" reg ")\n"      \
    "movdqa %%xmm6, 96(" reg ")\n movdqa %%xmm7, 112(" reg ")\n movdqa %%xmm8, 128(" reg ")\n"    \
    "movdqa %%xmm9, 144(" reg ")\n movdqa %%xmm10, 160(" reg ")\n movdqa %%xmm11, 176(" reg ")\n" \
    "movdqa %%xmm12, 192(" reg ")\n movdqa %%xmm13, 208(" reg ")\n movdqa %%xmm14, 224(" reg ")\n" \
    "movdqa %%xmm15, 240(" reg ")\n"

#define ALL_XMM "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
    "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static uint32_t u32(const struct fxarea *a, int off) {
    uint32_t v;
    memcpy(&v, a->b + off, 4);
    return v;
}

static int image_has_xmm(const struct fxarea *a) {
    for (int i = 0; i < 16; i++) {
        if (memcmp(a->b + 160 + 16 * i, xin[i], 16) != 0) return 0;
    }
    return 1;
}

static uint32_t get_mxcsr(void) {
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_mxcsr(uint32_t m) {
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

/* The shape of glibc's _dl_runtime_resolve_fxsave: save, run code that clobbers XMM, restore. */
static __attribute__((noinline)) double through_trampoline(double x) {
    static struct fxarea save;
    double out;
    __asm__ volatile("movsd %2, %%xmm0\n"
                     "fxsave64 %1\n"
                     "pxor %%xmm0, %%xmm0\n pcmpeqd %%xmm1, %%xmm1\n"
                     "fxrstor64 %1\n"
                     "movsd %%xmm0, %0\n"
                     : "=m"(out), "+m"(save) : "m"(x) : "xmm0", "xmm1", "memory");
    return out;
}

int main(void) {
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 16; j++) xin[i][j] = (uint8_t)(0x11 * (i + 1) + j * 7 + 3);
    }

    /* The state Linux gives a process. */
    CHECK(get_mxcsr() == 0x1f80);

    /* FXSAVE64 writes FCW, MXCSR and all sixteen XMM registers; legacy FXSAVE (no REX.W) in
     * 64-bit mode saves XMM0-15 as well. */
    memset(&area, 0xa5, sizeof area);
    memset(&area32, 0xa5, sizeof area32);
    __asm__ volatile(LOAD_ALL("%2") "fxsave64 %0\n fxsave %1\n"
                     : "=m"(area), "=m"(area32) : "r"(xin) : "memory", ALL_XMM);
    CHECK((u32(&area, 0) & 0xffff) == 0x37f);
    CHECK(u32(&area, 24) == 0x1f80);
    CHECK(image_has_xmm(&area));
    CHECK(u32(&area32, 24) == 0x1f80);
    CHECK(image_has_xmm(&area32));

    /* FXRSTOR64 restores MXCSR and every XMM register. */
    uint32_t rz = 0x7f80, restored_mxcsr; /* round toward zero */
    __asm__ volatile(LOAD_ALL("%2") "ldmxcsr %3\n fxrstor64 %4\n stmxcsr %0\n" STORE_ALL("%1")
                     : "=m"(restored_mxcsr) : "r"(xout), "r"(zeros), "m"(rz), "m"(area) : "memory", ALL_XMM);
    CHECK(restored_mxcsr == 0x1f80);
    int all = 1;
    for (int i = 0; i < 16; i++) {
        if (memcmp(xout[i], xin[i], 16) != 0) {
            printf("FAIL xmm%d not restored by fxrstor64\n", i);
            all = 0;
            guest_failures++;
        }
    }
    CHECK(all);

    /* A double argument survives an FXSAVE/FXRSTOR trampoline. */
    CHECK(through_trampoline(10.0) == 10.0);
    CHECK(through_trampoline(-2.5) == -2.5);

    set_mxcsr(0x1f80);
    return guest_failures != 0;
}
