/* files: open/read/write/lseek/pread/pwrite, fstat, rename, link, symlink, chmod, truncate, dup, errors. */
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, const char *buf, ssize_t n) {
    printf("%s: %zd bytes [%.*s]\n", what, n, n > 0 ? (int)n : 0, buf);
}

int main(void) {
    char buf[256];
    int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world\n", 12) == 12);
    CHECK(close(fd) == 0);

    fd = open("a.txt", O_RDWR);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf);
    show("read", buf, n);
    CHECK(read(fd, buf, sizeof buf) == 0);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    n = read(fd, buf, 5);
    show("read at 6", buf, n);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK(lseek(fd, -2, SEEK_END) == 10);
    CHECK_ERRNO(lseek(fd, -100, SEEK_SET), EINVAL);

    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* pwrite leaves the offset alone */
    n = pread(fd, buf, 12, 0);
    show("pread at 0", buf, n);

    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("fstat: size=%lld regular=%d mode=%04o nlink=%lu\n", (long long)st.st_size,
           S_ISREG(st.st_mode), st.st_mode & 07777, (unsigned long)st.st_nlink);

    /* Writing past the end leaves a hole of zeros. */
    CHECK(pwrite(fd, "Z", 1, 20) == 1);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 21);
    n = pread(fd, buf, 21, 0);
    int zeros = 0;
    for (int i = 12; i < 20; i++) zeros += buf[i] == 0;
    printf("hole: %d zero bytes\n", zeros);
    CHECK(ftruncate(fd, 12) == 0);
    CHECK(close(fd) == 0);

    /* O_APPEND writes at the end whatever the offset. */
    fd = open("a.txt", O_WRONLY | O_APPEND);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "tail\n", 5) == 5);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 17);
    CHECK(close(fd) == 0);

    /* dup shares the offset; dup2 replaces a descriptor, including stdout. */
    fd = open("a.txt", O_RDONLY);
    int fd2 = dup(fd);
    CHECK(fd2 > fd);
    CHECK(read(fd, buf, 6) == 6);
    CHECK(lseek(fd2, 0, SEEK_CUR) == 6);
    CHECK(dup2(fd, 50) == 50);
    CHECK(lseek(50, 0, SEEK_CUR) == 6);
    CHECK(fcntl(50, F_GETFD) == 0);
    CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 60) >= 60);
    CHECK(close(50) == 0 && close(fd2) == 0 && close(fd) == 0);
    CHECK_ERRNO(close(50), EBADF);
    CHECK_ERRNO(read(50, buf, 1), EBADF);

    fflush(stdout);
    int saved = dup(1);
    int out = open("via_dup2.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(dup2(out, 1) == 1);
    printf("this line went to via_dup2.txt\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(out);
    printf("stdout restored\n");

    CHECK_ERRNO(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    CHECK_ERRNO(open("missing.txt", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("a.txt/inside", O_RDONLY), ENOTDIR);
    CHECK(mkdir("dir", 0755) == 0);
    CHECK_ERRNO(open("dir", O_WRONLY), EISDIR);
    CHECK_ERRNO(unlink("dir"), EISDIR);
    CHECK_ERRNO(open("missing_dir/x", O_CREAT | O_WRONLY, 0644), ENOENT);

    CHECK(rename("a.txt", "b.txt") == 0);
    CHECK_ERRNO(access("a.txt", F_OK), ENOENT);
    CHECK(access("b.txt", R_OK | W_OK) == 0);
    CHECK_ERRNO(rename("missing.txt", "c.txt"), ENOENT);

    CHECK(link("b.txt", "c.txt") == 0);
    CHECK(stat("b.txt", &st) == 0 && st.st_nlink == 2);
    CHECK_ERRNO(link("b.txt", "c.txt"), EEXIST);
    CHECK(unlink("c.txt") == 0);
    CHECK(stat("b.txt", &st) == 0 && st.st_nlink == 1);

    CHECK(symlink("b.txt", "s.lnk") == 0);
    memset(buf, 0, sizeof buf);
    n = readlink("s.lnk", buf, sizeof buf);
    show("readlink", buf, n);
    CHECK(lstat("s.lnk", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("s.lnk", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 17);
    CHECK_ERRNO(readlink("b.txt", buf, sizeof buf), EINVAL);
    CHECK(symlink("nowhere", "dangling.lnk") == 0);
    CHECK_ERRNO(stat("dangling.lnk", &st), ENOENT);

    CHECK(chmod("b.txt", 0600) == 0);
    CHECK(stat("b.txt", &st) == 0);
    printf("after chmod: mode=%04o\n", st.st_mode & 07777);
    CHECK(chmod("b.txt", 0640) == 0);

    CHECK(truncate("b.txt", 5) == 0);
    CHECK(stat("b.txt", &st) == 0 && st.st_size == 5);
    CHECK_ERRNO(truncate("missing.txt", 5), ENOENT);

    fd = open("b.txt", O_RDONLY);
    n = read(fd, buf, sizeof buf);
    show("after truncate", buf, n);
    close(fd);

    /* A file the harness compares after the run. */
    fd = open("final.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    for (int i = 0; i < 1000; i++) dprintf(fd, "record %d\n", i);
    close(fd);
    CHECK(unlink("final.txt") == 0);
    CHECK_ERRNO(access("final.txt", F_OK), ENOENT);
    fd = open("final.txt", O_CREAT | O_WRONLY | O_TRUNC, 0640);
    for (int i = 0; i < 1000; i++) dprintf(fd, "record %d\n", i);
    close(fd);
    return guest_finish();
}
