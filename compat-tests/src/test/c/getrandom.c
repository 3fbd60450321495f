/* getrandom: returns the requested length; two draws differ; /dev/urandom works too. */
#include "guest.h"
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

int main(void) {
    static unsigned char buf[1 << 16];
    const size_t sizes[] = {1, 7, 16, 255, 256, 4096, 65536};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ssize_t n = getrandom(buf, sizes[i], 0);
        printf("getrandom(%zu) returned the requested length: %s\n", sizes[i], n == (ssize_t)sizes[i] ? "yes" : "no");
    }
    CHECK(getrandom(buf, 0, 0) == 0);
    CHECK(getrandom(buf, 32, GRND_NONBLOCK) == 32);
    unsigned char a[32], b[32];
    CHECK(getrandom(a, 32, 0) == 32 && getrandom(b, 32, 0) == 32);
    CHECK(memcmp(a, b, 32) != 0);
    CHECK_ERRNO(getrandom(buf, 16, 0x4000), EINVAL);

    int fd = open("/dev/urandom", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, a, 32) == 32);
    close(fd);
    /* A byte histogram of 64 KiB of random data: every value appears. */
    CHECK(getrandom(buf, sizeof buf, 0) == (ssize_t)sizeof buf);
    int seen[256] = {0}, missing = 0;
    for (size_t i = 0; i < sizeof buf; i++) seen[buf[i]] = 1;
    for (int i = 0; i < 256; i++) missing += !seen[i];
    CHECK(missing == 0);
    return guest_finish();
}
