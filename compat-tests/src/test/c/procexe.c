/*
 * procexe: /proc/self/exe and /proc/PID/exe name the executable itself, symlinks resolved, whatever path
 * it was started by (ld.so's $ORIGIN and the JDK's launcher depend on it). The program re-executes
 * itself through a symlink, a relative symlink in a subdirectory, a chain of two and a symlinked
 * directory, and each time compares what /proc says with the real file. Prints booleans only; removes
 * what it created.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The child: argv[2] is the real path of the executable, argv[3] the path it was started by. */
static int child(char **argv) {
    char self[PATH_MAX], bypid[PATH_MAX], proc[64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(n > 0);
    self[n > 0 ? n : 0] = 0;
    snprintf(proc, sizeof proc, "/proc/%d/exe", (int)getpid());
    ssize_t m = readlink(proc, bypid, sizeof bypid - 1);
    CHECK(m > 0);
    bypid[m > 0 ? m : 0] = 0;
    CHECK(self[0] == '/');
    CHECK(strcmp(self, argv[2]) == 0);
    CHECK(strcmp(bypid, argv[2]) == 0);
    CHECK(strcmp(self, argv[3]) != 0);
    CHECK(same_file(self, argv[3]));
    return guest_failures;
}

static void run_via(const char *path, const char *real) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(path, "procexe", "child", real, path, (char *)0);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("via %s: ", path);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(int argc, char **argv) {
    if (argc > 3 && strcmp(argv[1], "child") == 0) return child(argv);
    char real[PATH_MAX];
    CHECK(realpath("/proc/self/exe", real) != 0);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    CHECK(strcmp(self, real) == 0);

    CHECK(symlink(real, "exe-link") == 0);
    CHECK(mkdir("sub", 0755) == 0);
    CHECK(symlink(real, "sub/abs-link") == 0);
    CHECK(symlink("../exe-link", "sub/chain") == 0);
    CHECK(mkdir("dir", 0755) == 0);
    CHECK(symlink("dir", "dir-link") == 0);
    CHECK(link(real, "dir/hard") == 0 || errno == EXDEV || errno == EPERM);
    int hard = access("dir/hard", F_OK) == 0;

    run_via("./exe-link", real);
    run_via("sub/abs-link", real);
    run_via("./sub/chain", real);
    if (hard) {
        /* A hard link is a name of its own: /proc shows the path it was started by, resolved. */
        char dir[PATH_MAX], hardreal[PATH_MAX + 16];
        CHECK(realpath("dir", dir) != 0);
        snprintf(hardreal, sizeof hardreal, "%s/hard", dir);
        run_via("./dir-link/hard", hardreal);
    } else {
        printf("via ./dir-link/hard: ok   (no hard links here)\n");
    }

    unlink("dir/hard");
    unlink("dir-link");
    rmdir("dir");
    unlink("sub/chain");
    unlink("sub/abs-link");
    rmdir("sub");
    unlink("exe-link");
    return guest_finish();
}
