/*
 * spawn: posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK); musl likewise with a pipe) and execveat.
 * Usage: spawn CASE. The programs run are /bin/busybox applets.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char **environ;
#define BUSYBOX "/bin/busybox"

static void case_posix_spawn(void) {
    pid_t pid;
    int status;
    char *true_argv[] = {"busybox", "true", NULL};
    CHECK(posix_spawn(&pid, BUSYBOX, NULL, NULL, true_argv, environ) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    char *false_argv[] = {"busybox", "false", NULL};
    CHECK(posix_spawn(&pid, BUSYBOX, NULL, NULL, false_argv, environ) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1);

    /* echo into a pipe set up by file actions; the read end is closed in the child. */
    int p[2];
    CHECK(pipe(p) == 0);
    posix_spawn_file_actions_t fa;
    CHECK(posix_spawn_file_actions_init(&fa) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&fa, p[1], 1) == 0);
    CHECK(posix_spawn_file_actions_addclose(&fa, p[0]) == 0);
    char *echo_argv[] = {"busybox", "echo", "hello", "from spawn", NULL};
    CHECK(posix_spawn(&pid, BUSYBOX, &fa, NULL, echo_argv, environ) == 0);
    close(p[1]);
    char buf[64] = {0};
    ssize_t n, total = 0;
    while ((n = read(p[0], buf + total, sizeof buf - 1 - (size_t)total)) > 0) total += n;
    printf("child said: %s", buf);
    close(p[0]);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    posix_spawn_file_actions_destroy(&fa);

    /* posix_spawnp searches PATH; attributes: a new process group. */
    posix_spawnattr_t attr;
    CHECK(posix_spawnattr_init(&attr) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) == 0);
    CHECK(posix_spawnattr_setpgroup(&attr, 0) == 0);
    char *sh_argv[] = {"busybox", "sh", "-c", "test $(cut -d' ' -f5 /proc/self/stat) = $$ && exit 4", NULL};
    char *env[] = {"PATH=/bin", NULL};
    CHECK(posix_spawnp(&pid, "busybox", NULL, &attr, sh_argv, env) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 4);
    posix_spawnattr_destroy(&attr);

    /* Many in a row: each child is reaped, none is left. */
    int spawned = 0;
    for (int i = 0; i < 20; i++) {
        if (posix_spawn(&pid, BUSYBOX, NULL, NULL, true_argv, environ) == 0 && waitpid(pid, &status, 0) == pid
            && status == 0) spawned++;
    }
    CHECK(spawned == 20);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
}

static void case_spawn_missing(void) {
    pid_t pid;
    int status;
    char *argv[] = {"nothing", NULL};
    /* Both libcs report the exec failure as posix_spawn's result. */
    int rc = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, argv, environ);
    CHECK(rc == ENOENT);
    if (rc == 0) waitpid(pid, &status, 0);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
}

static long sys_execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags) {
    return syscall(SYS_execveat, dirfd, path, argv, envp, flags);
}

/* Runs execveat in a child; returns the child's exit status (or 100 + errno if execveat failed). */
static int child_execveat(int dirfd, const char *path, char *const argv[], int flags) {
    pid_t c = fork();
    if (c == 0) {
        sys_execveat(dirfd, path, argv, environ, flags);
        _exit(100 + errno);
    }
    int status;
    if (waitpid(c, &status, 0) != c || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static void case_execveat(void) {
    char *echo_fd[] = {"busybox", "echo", "through an fd", NULL};
    char *echo_dir[] = {"busybox", "echo", "relative to a dirfd", NULL};
    int fd = open(BUSYBOX, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(child_execveat(fd, "", echo_fd, AT_EMPTY_PATH) == 0);
    int dir = open("/bin", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK(child_execveat(dir, "busybox", echo_dir, 0) == 0);
    char *echo_abs[] = {"busybox", "echo", "absolute path, dirfd ignored", NULL};
    CHECK(child_execveat(dir, BUSYBOX, echo_abs, 0) == 0);
    CHECK(child_execveat(AT_FDCWD, BUSYBOX, echo_abs, 0) == 0);
    /* Errors: an empty path without AT_EMPTY_PATH, unknown flags, a bad fd, a missing file. */
    CHECK(child_execveat(fd, "", echo_fd, 0) == 100 + ENOENT);
    CHECK(child_execveat(dir, "busybox", echo_dir, 0x40000) == 100 + EINVAL);
    CHECK(child_execveat(9999, "", echo_fd, AT_EMPTY_PATH) == 100 + EBADF);
    CHECK(child_execveat(dir, "no-such-program", echo_dir, 0) == 100 + ENOENT);
    close(fd);
    close(dir);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2) return 2;
    const char *c = argv[1];
    if (!strcmp(c, "posix-spawn")) case_posix_spawn();
    else if (!strcmp(c, "spawn-missing")) case_spawn_missing();
    else if (!strcmp(c, "execveat")) case_execveat();
    else return 2;
    return guest_failures != 0;
}
