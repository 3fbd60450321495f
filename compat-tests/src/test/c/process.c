/* process: fork, exit statuses through waitpid, pipes between processes, execve, system(), SIGCHLD. */
#define _GNU_SOURCE
#include "guest.h"
#include <sched.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int chld_seen;
static void on_chld(int sig) { (void)sig; chld_seen = 1; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0); /* children share stdout: no duplicated buffers */
    int status;

    pid_t c = fork();
    if (c == 0) _exit(42);
    CHECK(c > 0);
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);

    c = fork();
    if (c == 0) { raise(SIGTERM); _exit(0); }
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    /* The child sees its own pid and its parent's. */
    pid_t parent = getpid();
    int p[2];
    CHECK(pipe(p) == 0);
    c = fork();
    if (c == 0) {
        close(p[0]);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "%d", getppid() == parent && getpid() != parent);
        write(p[1], msg, (size_t)n);
        _exit(0);
    }
    close(p[1]);
    char buf[64] = {0};
    CHECK(read(p[0], buf, sizeof buf - 1) == 1 && buf[0] == '1');
    CHECK(read(p[0], buf, sizeof buf) == 0); /* EOF once the child's end is closed */
    close(p[0]);
    CHECK(waitpid(c, &status, 0) == c && WEXITSTATUS(status) == 0);

    /* Memory is copied: the child's writes stay in the child. */
    static int shared_value = 1;
    c = fork();
    if (c == 0) { shared_value = 99; _exit(shared_value == 99 ? 0 : 1); }
    CHECK(waitpid(c, &status, 0) == c && WEXITSTATUS(status) == 0);
    CHECK(shared_value == 1);

    /* waitid: WNOWAIT leaves the zombie for a second wait. */
    c = fork();
    if (c == 0) _exit(5);
    siginfo_t si;
    CHECK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 5);
    CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == c);

    CHECK_ERRNO(waitpid(-1, &status, 0), ECHILD);
    CHECK(waitpid(-1, &status, WNOHANG) == -1);

    /* SIGCHLD reaches a handler. */
    struct sigaction sa = {0};
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    c = fork();
    if (c == 0) _exit(0);
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(chld_seen == 1);

    /* execve replaces the image; a missing program fails with ENOENT in the caller. */
    c = fork();
    if (c == 0) {
        char *argv[] = {"busybox", "echo", "exec works", NULL};
        char *envp[] = {NULL};
        execve("/bin/busybox", argv, envp);
        _exit(127);
    }
    CHECK(waitpid(c, &status, 0) == c && WEXITSTATUS(status) == 0);
    char *none[] = {"x", NULL};
    CHECK_ERRNO(execve("/nonexistent/program", none, none), ENOENT);

    /* system() goes through the shell: fork (or clone(CLONE_VFORK)), exec, wait. */
    status = system("exit 3");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);

    /* Unwritable CLONE_PARENT_SETTID / CLONE_CHILD_SETTID pointers do not fail the clone: Linux ignores
     * the fault (jlibos failed it with EFAULT and leaked the child's copied fd table; kfuzz found it). */
    long r = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0, (void *)8, (void *)16, 0);
    if (r == 0) _exit(5);
    CHECK(r > 0 && waitpid(r, &status, 0) == r && WEXITSTATUS(status) == 5);

    return guest_finish();
}
