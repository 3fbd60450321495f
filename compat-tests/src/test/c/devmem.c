/*
 * The memory devices /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom, which jlibos answers
 * without a host call once it has recognised them: reads, writes, pread/pwrite, their errors, poll, and
 * what fstat, lseek and /proc/self/fd say about them (still the host's device). Random bytes are checked
 * by what any good generator's output shows: two reads differ and 4 KiB cover most byte values.
 */
#include "guest.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void device(const char *path, int minor_expected) {
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
    printf("%s is %u:%u\n", path, major(st.st_rdev), minor(st.st_rdev));
    CHECK(major(st.st_rdev) == 1 && (int)minor(st.st_rdev) == minor_expected);
    char buf[300];
    memset(buf, 'x', sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    int zeros = 0;
    for (int i = 0; i < (int)sizeof buf; i++) zeros += buf[i] == 0;
    printf("%s: read %zd, zero bytes %d\n", path, n, zeros);
    memset(buf, 'y', sizeof buf);
    n = pread(fd, buf, 17, 1000);
    printf("%s: pread %zd, first byte %d\n", path, n, buf[0]);
    errno = 0;
    n = write(fd, "hello", 5);
    printf("%s: write %zd errno %s\n", path, n, n < 0 ? strerror(errno) : "-");
    errno = 0;
    n = pwrite(fd, "hello", 5, 4096);
    printf("%s: pwrite %zd errno %s\n", path, n, n < 0 ? strerror(errno) : "-");
    printf("%s: lseek %lld\n", path, (long long)lseek(fd, 100, SEEK_SET));
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("%s: fd link %s\n", path, target);
    close(fd);

    int ro = open(path, O_RDONLY);
    errno = 0;
    n = write(ro, "x", 1);
    printf("%s: write on O_RDONLY %zd errno %s\n", path, n, strerror(errno));
    close(ro);
    int wo = open(path, O_WRONLY);
    errno = 0;
    n = read(wo, buf, 1);
    printf("%s: read on O_WRONLY %zd errno %s\n", path, n, strerror(errno));
    close(wo);
}

static void random_device(const char *path, int minor_expected) {
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
    printf("%s is %u:%u\n", path, major(st.st_rdev), minor(st.st_rdev));
    CHECK(major(st.st_rdev) == 1 && (int)minor(st.st_rdev) == minor_expected);
    static unsigned char a[4096], b[4096];
    ssize_t na = read(fd, a, sizeof a), nb = pread(fd, b, sizeof b, 12345);
    int seen[256] = {0}, distinct = 0;
    for (int i = 0; i < (int)sizeof a; i++) distinct += !seen[a[i]]++;
    printf("%s: read %zd, pread %zd, reads differ %s, most byte values seen %s\n", path, na, nb,
           memcmp(a, b, sizeof a) ? "yes" : "no", distinct > 230 ? "yes" : "no");
    printf("%s: write %zd\n", path, write(fd, "more entropy", 12));
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    int ready = poll(&p, 1, 0);
    printf("%s: poll %d revents in %d out %d\n", path, ready, !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
    close(fd);
    int ro = open(path, O_RDONLY);
    errno = 0;
    ssize_t n = write(ro, "x", 1);
    printf("%s: write on O_RDONLY %zd errno %s\n", path, n, strerror(errno));
    close(ro);
}

int main(void) {
    device("/dev/null", 3);
    device("/dev/zero", 5);
    device("/dev/full", 7);
    random_device("/dev/random", 8);
    random_device("/dev/urandom", 9);
    return guest_finish();
}
