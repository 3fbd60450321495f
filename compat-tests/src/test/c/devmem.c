/*
 * The memory devices /dev/null, /dev/zero and /dev/full, which jlibos answers without a host call once it
 * has recognised them: reads, writes, pread/pwrite, their errors, and what fstat, lseek and /proc/self/fd
 * say about them (still the host's device).
 */
#include "guest.h"
#include <fcntl.h>
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

int main(void) {
    device("/dev/null", 3);
    device("/dev/zero", 5);
    device("/dev/full", 7);
    return guest_finish();
}
