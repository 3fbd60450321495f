/*
 * reclocks: POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) between a parent and forked children:
 * conflicts, F_GETLK's report (type, range, the holder's pid), splitting by a partial unlock, shared read
 * locks, release on close of any descriptor of the file, a blocking F_SETLKW woken by the release and one
 * interrupted by a signal. Children print their checks and exit before the parent goes on.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *path = "locks.dat";

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl = {0};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl);
}

static struct flock getlk(int fd, short type, off_t start, off_t len) {
    struct flock fl = {0};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    if (fcntl(fd, F_GETLK, &fl) != 0) fl.l_type = -1;
    return fl;
}

static void wait_child(pid_t pid) {
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789abcdefghij", 20) == 20);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 100) == 0);
    CHECK(lk(fd, F_SETLK, F_UNLCK, 40, 20) == 0); /* the parent now holds [0,40) and [60,100) */
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        CHECK_ERRNO(lk(fd, F_SETLK, F_RDLCK, 5, 1), EAGAIN);
        struct flock fl = getlk(fd, F_WRLCK, 0, 0);
        CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 40 && fl.l_pid == parent);
        fl = getlk(fd, F_RDLCK, 70, 5);
        CHECK(fl.l_type == F_WRLCK && fl.l_start == 60 && fl.l_len == 40 && fl.l_pid == getppid());
        fl = getlk(fd, F_WRLCK, 40, 20);
        CHECK(fl.l_type == F_UNLCK);
        CHECK(lk(fd, F_SETLK, F_WRLCK, 40, 20) == 0);
        CHECK(lk(fd, F_SETLK, F_WRLCK, 100, 0) == 0); /* to end of file, past the parent's */
        exit(guest_failures);
    }
    wait_child(pid);
    /* The child's locks went with it. */
    CHECK(getlk(fd, F_WRLCK, 0, 0).l_type == F_UNLCK);
    /* Read locks are shared, a write lock is not. */
    CHECK(lk(fd, F_SETLK, F_RDLCK, 0, 100) == 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        CHECK(lk(fd, F_SETLK, F_RDLCK, 10, 10) == 0);
        CHECK_ERRNO(lk(fd, F_SETLK, F_WRLCK, 10, 10), EAGAIN);
        struct flock fl = getlk(fd, F_WRLCK, 0, 0);
        CHECK(fl.l_type == F_RDLCK && fl.l_pid == getppid());
        exit(guest_failures);
    }
    wait_child(pid);
    /* Closing another descriptor of the file drops the process's locks; a blocked F_SETLKW then goes on. */
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
    int other = open(path, O_RDONLY);
    CHECK(other >= 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int cfd = open(path, O_RDWR);
        CHECK(lk(cfd, F_SETLKW, F_WRLCK, 0, 0) == 0);
        exit(guest_failures);
    }
    sleep_ms(200);
    CHECK(close(other) == 0);
    wait_child(pid);
    /* A signal interrupts F_SETLKW with EINTR. */
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct sigaction sa = {0};
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, 0);
        alarm(1);
        CHECK_ERRNO(lk(fd, F_SETLKW, F_WRLCK, 0, 0), EINTR);
        exit(guest_failures);
    }
    wait_child(pid);
    /* Bad arguments. */
    int ro = open(path, O_RDONLY);
    CHECK_ERRNO(lk(ro, F_SETLK, F_WRLCK, 0, 1), EBADF);
    CHECK_ERRNO(lk(fd, F_SETLK, 7, 0, 1), EINVAL);
    CHECK_ERRNO(lk(fd, F_SETLK, F_RDLCK, -5, 1), EINVAL);
    close(ro);
    close(fd);
    unlink(path);
    return guest_finish();
}
