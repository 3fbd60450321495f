/*
 * Path resolution and its errors, in the current directory: symlinks (relative, chained, looping,
 * dangling), "..", trailing slashes, dirfds, and the errno of every failing case. Run natively,
 * under jlibos with the host tree passed through, and in a sandbox with the directory mounted.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* musl has no renameat2() wrapper: call the syscall. */
static int rename2(const char *from, const char *to, unsigned flags) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

static void put(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

static int same(const char *path, const char *text) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) return 0;
    buf[n] = 0;
    return strcmp(buf, text) == 0;
}

static const char *basename_of(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int main(void) {
    CHECK(mkdir("t", 0755) == 0);
    CHECK(mkdir("t/sub", 0755) == 0);
    CHECK(mkdir("t/sub/deep", 0755) == 0);
    put("t/file", "top\n");
    put("t/sub/inner", "inner\n");

    /* Symlinks resolved relative to their own directory, chained, and to directories. */
    CHECK(symlink("sub/inner", "t/rel") == 0);
    CHECK(same("t/rel", "inner\n"));
    CHECK(symlink("../file", "t/sub/up") == 0);
    CHECK(same("t/sub/up", "top\n"));
    CHECK(symlink("rel", "t/chain") == 0);
    CHECK(same("t/chain", "inner\n"));
    CHECK(symlink("sub", "t/dirlink") == 0);
    CHECK(same("t/dirlink/inner", "inner\n"));
    CHECK(same("t/dirlink/../file", "top\n")); /* ".." after a symlink is the target's parent */
    CHECK(same("t/sub/deep/../../file", "top\n"));
    CHECK(same("t/./sub/./inner", "inner\n"));
    CHECK(same("t//sub///inner", "inner\n"));

    /* Trailing slashes. */
    struct stat st;
    CHECK(stat("t/dirlink/", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(lstat("t/dirlink", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(lstat("t/dirlink/", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_ERRNO(stat("t/file/", &st), ENOTDIR);
    CHECK_ERRNO(open("t/file/", O_RDONLY), ENOTDIR);
    CHECK(mkdir("t/newdir/", 0755) == 0);
    CHECK(rmdir("t/newdir/") == 0);

    /* The errors of the issue, each from its natural cause. */
    CHECK_ERRNO(open("t/missing", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("t/missing/x", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("t/file/x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("t/sub", O_WRONLY), EISDIR);
    CHECK_ERRNO(mkdir("t/sub", 0755), EEXIST);
    CHECK_ERRNO(mkdir("t/rel", 0755), EEXIST);
    CHECK_ERRNO(rmdir("t/sub"), ENOTEMPTY);
    CHECK_ERRNO(unlink("t/sub"), EISDIR);
    CHECK_ERRNO(rmdir("t/file"), ENOTDIR);
    CHECK_ERRNO(rename("t/sub", "t/sub/deep/x"), EINVAL);
    CHECK_ERRNO(readlink("t/file", (char[16]){0}, 16), EINVAL);
    CHECK(symlink("loop2", "t/loop1") == 0);
    CHECK(symlink("loop1", "t/loop2") == 0);
    CHECK_ERRNO(open("t/loop1", O_RDONLY), ELOOP);
    CHECK_ERRNO(stat("t/loop1/x", &st), ELOOP);
    CHECK(lstat("t/loop1", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_ERRNO(open("t/rel", O_RDONLY | O_NOFOLLOW), ELOOP);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_ERRNO(open(longname, O_RDONLY), ENAMETOOLONG);
    CHECK_ERRNO(mkdir(longname, 0755), ENAMETOOLONG);
    char *huge = malloc(PATH_MAX + 10);
    memset(huge, 'a', PATH_MAX + 9);
    huge[PATH_MAX + 9] = 0;
    for (int i = 100; i < PATH_MAX; i += 100) huge[i] = '/';
    CHECK_ERRNO(open(huge, O_RDONLY), ENAMETOOLONG);
    free(huge);

    /* Dangling symlinks: O_CREAT creates the target, O_EXCL refuses the link itself. */
    CHECK(symlink("created-through-link", "t/dangling") == 0);
    CHECK_ERRNO(open("t/dangling", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("t/dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    int fd = open("t/dangling", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK(access("t/created-through-link", F_OK) == 0);

    /* dirfds and the working directory. */
    int dir = open("t/sub", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK(faccessat(dir, "inner", R_OK, 0) == 0);
    CHECK(faccessat(dir, "../file", R_OK, 0) == 0);
    CHECK_ERRNO(faccessat(dir, "nothing", F_OK, 0), ENOENT);
    int filefd = open("t/file", O_RDONLY);
    CHECK_ERRNO(openat(filefd, "x", O_RDONLY), ENOTDIR);
    close(filefd);
    char before[PATH_MAX], after[PATH_MAX];
    CHECK(getcwd(before, sizeof before) != NULL);
    CHECK(chdir("t/dirlink") == 0); /* getcwd names the directory, not the link */
    CHECK(getcwd(after, sizeof after) != NULL);
    CHECK(strcmp(basename_of(after), "sub") == 0);
    CHECK(same("inner", "inner\n"));
    CHECK(same("../file", "top\n"));
    CHECK(fchdir(dir) == 0);
    CHECK(same("up", "top\n"));
    CHECK(chdir("..") == 0);
    CHECK(same("file", "top\n"));
    CHECK_ERRNO(chdir("file"), ENOTDIR);
    CHECK_ERRNO(chdir("missing"), ENOENT);
    CHECK(chdir(before) == 0);
    close(dir);

    /* rename and link within one directory tree. */
    CHECK(rename("t/file", "t/sub/moved") == 0);
    CHECK(same("t/sub/up", "") == 0); /* the relative link now dangles */
    CHECK(link("t/sub/moved", "t/hard") == 0);
    CHECK(stat("t/hard", &st) == 0 && st.st_nlink == 2);
    CHECK(rename2("t/hard", "t/sub/moved", 1 /* RENAME_NOREPLACE */) == -1 && errno == EEXIST);
    CHECK(rename2("t/chain", "t/sub", 2 /* RENAME_EXCHANGE */) == 0);
    CHECK(lstat("t/sub", &st) == 0 && S_ISLNK(st.st_mode));
    return guest_finish();
}
