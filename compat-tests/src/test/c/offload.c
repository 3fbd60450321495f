/*
 * offload: calls the host kernel can serve for jlibos (--offload=auto|all), with results printed in full
 * so that native, served and forwarded runs can be compared line by line. argv[1] is a scratch directory.
 * Raw syscall() is used where libc would pick another call (stat -> newfstatat) so the table's entries
 * are the ones exercised.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void show_stat(const char *what, const struct stat *st) {
    printf("%s: ino=%llu mode=%o nlink=%lu uid=%u gid=%u size=%lld blocks=%lld mtime=%lld.%09ld\n", what,
           (unsigned long long)st->st_ino, st->st_mode, (unsigned long)st->st_nlink, st->st_uid, st->st_gid,
           (long long)st->st_size, (long long)st->st_blocks, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    CHECK(chdir(argv[1]) == 0);

    struct utsname u;
    CHECK(uname(&u) == 0);
    printf("uname: %s|%s|%s|%s|%s\n", u.sysname, u.nodename, u.release, u.machine, u.domainname);

    char rnd[300];
    printf("getrandom(300) = %ld\n", (long)syscall(SYS_getrandom, rnd, sizeof rnd, 0));
    printf("getrandom(0) = %ld\n", (long)syscall(SYS_getrandom, rnd, 0, 0));

    /* A file written through one call family and read back through the others. */
    int fd = syscall(SYS_open, "data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644); /* creating: always served */
    CHECK(fd >= 0);
    close(fd);
    fd = syscall(SYS_openat, AT_FDCWD, "data.txt", O_RDWR);
    CHECK(fd >= 0);
    printf("write = %ld\n", (long)write(fd, "hello, offload\n", 15));
    printf("pwrite = %ld\n", (long)pwrite(fd, "OFF", 3, 7));
    printf("lseek cur = %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek set = %ld\n", (long)lseek(fd, 2, SEEK_SET));
    char buf[64] = {0};
    printf("read = %ld '%.*s'\n", (long)read(fd, buf, 5), 5, buf);
    memset(buf, 0, sizeof buf);
    printf("pread = %ld '%.*s'\n", (long)pread(fd, buf, 40, 0), 15, buf);
    printf("read at eof = %ld\n", (long)read(fd, buf, 40 - 0) >= 0);
    CHECK(syscall(SYS_ftruncate, fd, 10) == 0);
    CHECK(syscall(SYS_fsync, fd) == 0);
    CHECK(syscall(SYS_fdatasync, fd) == 0);

    struct stat a, b, c;
    CHECK(syscall(SYS_fstat, fd, &a) == 0);
    CHECK(syscall(SYS_stat, "data.txt", &b) == 0);
    CHECK(syscall(SYS_newfstatat, AT_FDCWD, "data.txt", &c, 0) == 0);
    printf("fstat: mode=%o nlink=%lu size=%lld blocks=%lld\n", a.st_mode, (unsigned long)a.st_nlink,
           (long long)a.st_size, (long long)a.st_blocks);
    CHECK(memcmp(&a, &b, sizeof a) == 0 && memcmp(&b, &c, sizeof b) == 0);
    CHECK(a.st_ino == b.st_ino && b.st_ino == c.st_ino && a.st_size == 10);
    CHECK(syscall(SYS_stat, "/etc/passwd", &b) == 0);
    show_stat("stat /etc/passwd", &b);
    CHECK_ERRNO(syscall(SYS_stat, "missing", &b), ENOENT);
    CHECK_ERRNO(syscall(SYS_fstat, 999, &b), EBADF);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK_ERRNO(syscall(SYS_read, fd, (void *)8, 4), EFAULT);
    CHECK_ERRNO(syscall(SYS_access, "missing", F_OK), ENOENT);
    CHECK(syscall(SYS_access, "data.txt", R_OK | W_OK) == 0);

    CHECK(symlink("data.txt", "link") == 0);
    memset(buf, 0, sizeof buf);
    printf("readlink = %ld '%s'\n", (long)syscall(SYS_readlink, "link", buf, sizeof buf), buf);
    CHECK(syscall(SYS_lstat, "link", &b) == 0 && S_ISLNK(b.st_mode));
    CHECK(syscall(SYS_rename, "link", "link2") == 0);
    CHECK(syscall(SYS_unlink, "link2") == 0);
    CHECK_ERRNO(syscall(SYS_unlink, "link2"), ENOENT);

    /* Unimplemented in jlibos: forwarded by --offload=auto (the default), ENOSYS with --offload=none. */
    printf("flock = %d\n", flock(fd, LOCK_EX) == 0 ? 0 : errno);
    printf("syncfs = %d\n", syncfs(fd) == 0 ? 0 : errno);
    printf("sched_get_priority_max(SCHED_FIFO) = %d\n", sched_get_priority_max(SCHED_FIFO));
    int mfd = syscall(SYS_memfd_create, "jlibos", 0);
    if (mfd >= 0) {
        printf("memfd write = %ld\n", (long)write(mfd, "in memory", 9));
        memset(buf, 0, sizeof buf);
        printf("memfd pread = %ld '%s'\n", (long)pread(mfd, buf, sizeof buf, 3), buf);
        close(mfd);
    } else {
        printf("memfd_create: %s\n", strerror(errno));
    }
    close(fd);

    /* /dev/zero and /dev/null: character devices the host never blocks on. */
    int z = open("/dev/zero", O_RDONLY), n = open("/dev/null", O_WRONLY);
    buf[0] = 1;
    long got = read(z, buf, 1);
    printf("read /dev/zero = %ld byte=%d\n", got, buf[0]);
    printf("write /dev/null = %ld\n", (long)write(n, "x", 1));
    close(z);
    close(n);
    CHECK(unlink("data.txt") == 0);
    return guest_finish();
}
