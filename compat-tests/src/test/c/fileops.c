/*
 * The less common file calls glibc and coreutils use: openat2 and its checks, copy_file_range,
 * fallocate, extended attributes on a file the test owns, close_range, and the file-handle calls
 * (ENOSYS under jlibos, so only their presence is printed).
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

struct how {
    uint64_t flags, mode, resolve;
};

static long openat2_(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve, size_t size) {
    char buf[64] = {0};
    struct how h = {flags, mode, resolve};
    memcpy(buf, &h, sizeof h);
    return syscall(SYS_openat2, dirfd, path, buf, size);
}

int main(void) {
    CHECK(mkdir("root", 0755) == 0);
    CHECK(mkdir("root/sub", 0755) == 0);
    int fd = open("root/sub/data", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0 && write(fd, "0123456789abcdef", 16) == 16);
    close(fd);
    CHECK(symlink("/etc", "root/abs") == 0);
    CHECK(symlink("../..", "root/sub/up") == 0);

    /* openat2: plain opens, strict argument checks, resolution limits. */
    int root = open("root", O_RDONLY | O_DIRECTORY);
    CHECK(root >= 0);
    long r = openat2_(root, "sub/data", O_RDONLY, 0, 0, 24);
    CHECK(r >= 0);
    close((int)r);
    CHECK_ERRNO(openat2_(root, "sub/data", O_RDONLY, 0, 0, 16), EINVAL);
    CHECK_ERRNO(openat2_(root, "sub/data", O_RDONLY, 0644, 0, 24), EINVAL);
    CHECK_ERRNO(openat2_(root, "sub/data", O_RDONLY | (1ULL << 40), 0, 0, 24), EINVAL);
    CHECK_ERRNO(openat2_(root, "sub/data", O_RDONLY, 0, 0x1000, 24), EINVAL);
    CHECK_ERRNO(openat2_(root, "sub/data", O_RDONLY, 0, 0x08 | 0x10, 24), EINVAL);
    CHECK(openat2_(root, "sub/data", O_RDONLY, 0, 0, 32) >= 0); /* zero tail: accepted */
    CHECK_ERRNO(openat2_(root, "abs", O_RDONLY, 0, 0x04 /* NO_SYMLINKS */, 24), ELOOP);
    CHECK_ERRNO(openat2_(root, "sub/up/x", O_RDONLY, 0, 0x08 /* BENEATH */, 24), EXDEV);
    CHECK_ERRNO(openat2_(root, "/etc/hostname", O_RDONLY, 0, 0x08 /* BENEATH */, 24), EXDEV);
    CHECK_ERRNO(openat2_(root, "abs/hostname", O_RDONLY, 0, 0x10 /* IN_ROOT */, 24), ENOENT);
    r = openat2_(root, "/sub/data", O_RDONLY, 0, 0x10 /* IN_ROOT: "/" is root */, 24);
    CHECK(r >= 0);
    close((int)r);
    close(root);

    /* copy_file_range within and across files. */
    int in = open("root/sub/data", O_RDONLY);
    int out = open("copy", O_RDWR | O_CREAT | O_TRUNC, 0644);
    loff_t off_in = 4;
    CHECK(copy_file_range(in, &off_in, out, NULL, 6, 0) == 6);
    CHECK(off_in == 10);
    CHECK(lseek(in, 0, SEEK_CUR) == 0);
    CHECK(lseek(out, 0, SEEK_CUR) == 6);
    CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 16);
    CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 0);
    char buf[64] = {0};
    CHECK(pread(out, buf, sizeof buf, 0) == 22 && memcmp(buf, "4567890123456789abcdef", 22) == 0);
    CHECK_ERRNO(copy_file_range(in, NULL, out, NULL, 1, 1), EINVAL);
    loff_t a = 0, b = 2;
    CHECK_ERRNO(copy_file_range(out, &a, out, &b, 4, 0), EINVAL);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERRNO(copy_file_range(p[0], NULL, out, NULL, 1, 0), EINVAL);
    CHECK_ERRNO(copy_file_range(in, NULL, in, NULL, 1, 0), EBADF);

    /* fallocate. */
    CHECK(fallocate(out, 0, 0, 100000) == 0);
    struct stat st;
    CHECK(fstat(out, &st) == 0 && st.st_size == 100000);
    CHECK(fallocate(out, 1 /* KEEP_SIZE */, 0, 200000) == 0);
    CHECK(fstat(out, &st) == 0 && st.st_size == 100000);
    CHECK_ERRNO(fallocate(out, 0, -1, 10), EINVAL);
    CHECK_ERRNO(fallocate(out, 0, 0, 0), EINVAL);
    CHECK_ERRNO(fallocate(in, 0, 0, 10), EBADF);
    CHECK_ERRNO(fallocate(p[0], 0, 0, 10), EBADF);
    CHECK_ERRNO(fallocate(p[1], 0, 0, 10), ESPIPE);
    close(in);
    close(out);

    /* Extended attributes: whatever the filesystem supports, both sides must agree. */
    int rc = setxattr("copy", "user.jlibos", "v1", 2, 0);
    int err = errno;
    printf("setxattr user.*: %s\n", rc == 0 ? "ok" : strerror(err));
    if (rc == 0) {
        char v[16] = {0};
        CHECK(getxattr("copy", "user.jlibos", v, sizeof v) == 2 && memcmp(v, "v1", 2) == 0);
        CHECK_ERRNO(setxattr("copy", "user.jlibos", "v2", 2, XATTR_CREATE), EEXIST);
        CHECK_ERRNO(setxattr("copy", "user.other", "v2", 2, XATTR_REPLACE), ENODATA);
        CHECK(lsetxattr("copy", "user.second", "", 0, 0) == 0);
        CHECK(removexattr("copy", "user.jlibos") == 0);
        CHECK_ERRNO(removexattr("copy", "user.jlibos"), ENODATA);
        CHECK_ERRNO(getxattr("copy", "user.jlibos", v, sizeof v), ENODATA);
    }
    CHECK_ERRNO(setxattr("copy", "user.x", "v", 1, 4), EINVAL);
    CHECK_ERRNO(setxattr("missing", "user.x", "v", 1, 0), ENOENT);

    /* close_range closes a span and leaves the rest. */
    int d1 = dup(0), d2 = dup(0), d3 = dup(0);
    CHECK(syscall(SYS_close_range, d1, d2, 0) == 0);
    CHECK_ERRNO(fcntl(d1, F_GETFD), EBADF);
    CHECK(fcntl(d3, F_GETFD) >= 0);
    close(d3);
    /* truncate of a FIFO is EINVAL and must not wait for a reader (kfuzz, issue 17: jlibos hung in the host open). */
    CHECK(mkfifo("trunc-fifo", 0600) == 0);
    CHECK_ERRNO(truncate("trunc-fifo", 0), EINVAL);
    CHECK(unlink("trunc-fifo") == 0);
    return guest_finish();
}
