/* Built with -march=x86-64-v2: glibc's start-up refuses to run it on a CPU (or an emulated CPUID) below
 * that level, and the compiler emits POPCNT, SSE4.2's CRC32 and SSSE3 shuffles directly. */
#include <nmmintrin.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    unsigned long long v = 0x123456789abcdefull, bits = 0;
    for (int i = 0; i < 1000; i++) bits += __builtin_popcountll(v * (unsigned long long)i);
    unsigned crc = 0;
    const char *text = "the quick brown fox jumps over the lazy dog";
    for (size_t i = 0; i < strlen(text); i++) crc = _mm_crc32_u8(crc, (unsigned char)text[i]);
    char buf[64];
    snprintf(buf, sizeof buf, "%s", text);
    printf("popcount sum %llu crc32c %08x len %zu\n", bits, crc, strlen(buf));
    return 0;
}
