/* stdio: printf conversions, puts, fwrite to both streams, setvbuf, large output. */
#include "guest.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static char linebuf[256];

int main(void) {
    /* setvbuf must precede any other operation on the stream. */
    CHECK(setvbuf(stdout, linebuf, _IOLBF, sizeof linebuf) == 0);

    printf("ints: %d %i %u %x %X %o %ld %lld %hhd %hd\n", -42, 7, 4000000000u, 0xbeef, 0xbeef,
           8, -1234567890123L, 9223372036854775807LL, (char)300, (short)70000);
    printf("widths: [%05d] [%-5d] [%+d] [% d] [%#x] [%#o] [%*d] [%.3d]\n", 42, 42, 42, 42, 255, 8, 6, 7, 5);
    printf("floats: %f %.3f %e %E %g %g %G %10.4f %-10.2f|\n", 3.14159265, 2.0 / 3.0, 12345.678,
           0.000123, 1e-10, 123456789.0, 1e300, -1.5, 0.125);
    printf("special: %f %f %f %.0f %.0f\n", 1.0 / 0.0, -1.0 / 0.0, 0.0 * -1.0, 0.5, 1.5);
    printf("hexfloat: %a %a\n", 1.0, -0.1);
    printf("strings: [%s] [%10s] [%-10s] [%.3s] [%c] [%%]\n", "abc", "right", "left", "truncate", 'Z');
    printf("pointer-free: %zu %td %jd\n", sizeof(long), (ptrdiff_t)-3, (intmax_t)99);

    char small[8];
    const char *ten = getenv("STDIO_TEN");
    if (!ten) ten = "0123456789";
    int n = snprintf(small, sizeof small, "%s", ten);
    printf("snprintf returned %d, kept [%s]\n", n, small);

    CHECK(puts("puts line") >= 0);
    CHECK(fwrite("fwrite to stdout\n", 1, 17, stdout) == 17);
    CHECK(fwrite("fwrite to stderr\n", 1, 17, stderr) == 17);
    fprintf(stderr, "fprintf to stderr %d\n", 123);
    CHECK(fputc('x', stdout) == 'x');
    CHECK(fputc('\n', stdout) == '\n');

    /* Output much larger than any buffer: 2000 numbered lines. */
    unsigned long long h = 0;
    for (int i = 0; i < 2000; i++) {
        char line[64];
        int len = snprintf(line, sizeof line, "line %04d %s\n", i, (i % 3) ? "fizz" : "buzz");
        h = fnv1a(line, (size_t)len, h);
        fputs(line, stdout);
    }
    printf("checksum of 2000 lines: %016llx\n", h);

    /* A single write bigger than the buffer goes straight through. */
    char *big = malloc(100000);
    for (int i = 0; i < 99999; i++) big[i] = (char)('a' + i % 26);
    big[99999] = '\n';
    CHECK(fwrite(big, 1, 100000, stdout) == 100000);
    free(big);

    CHECK(fflush(stdout) == 0);
    return guest_finish();
}
