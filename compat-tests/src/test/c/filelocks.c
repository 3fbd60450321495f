/*
 * filelocks: flock(2), and every blocking lock call against signals (issue 16 item 8).
 *   flock      flock between descriptions of one file: exclusive and shared, LOCK_NB's EWOULDBLOCK, dup and
 *              fork sharing a description's lock, conversion, LOCK_UN, a lock freed by closing the last
 *              descriptor, a blocked flock woken by the holder's unlock, bad operations.
 *   interrupt  a child holds the lock while the parent blocks in flock(LOCK_EX), fcntl F_SETLKW and
 *              fcntl F_OFD_SETLKW: alarm(1) with a handler without SA_RESTART gives EINTR; with SA_RESTART
 *              the call goes on and succeeds once the child lets go; a 5 ms periodic timer with SA_RESTART
 *              interrupts it many times and it still succeeds.
 * Output is the conditions checked, never times or pids.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path = "filelocks.dat";
static volatile sig_atomic_t ticks;

static void on_signal(int s) {
    (void)s;
    ticks++;
}

static void handle(int sig, int flags) {
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void wait_child(pid_t pid) {
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int lockw(int fd, int cmd) {
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return fcntl(fd, cmd, &fl);
}

static void flock_semantics(void) {
    int a = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), b = open(path, O_RDWR);
    CHECK(flock(a, LOCK_EX) == 0);
    CHECK_ERRNO(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERRNO(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    int a2 = dup(a);
    CHECK(flock(a2, LOCK_EX | LOCK_NB) == 0); /* the same description: already its lock */
    pid_t pid = fork();
    if (pid == 0) {
        CHECK(flock(a, LOCK_EX | LOCK_NB) == 0); /* fork shares the description, and its lock */
        int c = open(path, O_RDWR);
        CHECK_ERRNO(flock(c, LOCK_SH | LOCK_NB), EWOULDBLOCK);
        close(a); /* the parent still has the description open: the lock stays */
        CHECK_ERRNO(flock(c, LOCK_SH | LOCK_NB), EWOULDBLOCK);
        _exit(guest_failures ? 1 : 0);
    }
    wait_child(pid);
    CHECK(flock(a, LOCK_SH) == 0); /* conversion to shared */
    CHECK(flock(b, LOCK_SH | LOCK_NB) == 0);
    CHECK_ERRNO(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK); /* b's shared lock is in the way */
    CHECK(flock(b, LOCK_UN) == 0);
    CHECK(flock(b, LOCK_UN) == 0); /* unlocking without a lock succeeds */
    close(a);
    close(a2); /* last descriptor of a's description: its lock goes */
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);
    CHECK_ERRNO(flock(b, 0), EINVAL);
    CHECK_ERRNO(flock(b, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERRNO(flock(b, LOCK_NB), EINVAL);
    CHECK_ERRNO(flock(1000, LOCK_SH), EBADF);

    /* A blocked flock is woken by the holder's unlock. */
    int ready[2];
    pipe(ready);
    pid = fork();
    if (pid == 0) {
        int c = open(path, O_RDWR);
        write(ready[1], "x", 1);
        /* Waits for the parent's unlock; says how it went by its status only, as a line printed here would
         * race with the parent's. */
        _exit(flock(c, LOCK_EX) == 0 ? 0 : 1);
    }
    char x;
    read(ready[0], &x, 1);
    usleep(100 * 1000);
    CHECK(flock(b, LOCK_UN) == 0);
    wait_child(pid);
    close(b);
}

/* Blocks in lock(fd) while a child holds the file (through its own description) for hold_ms. */
static int contended(int (*lock)(int), int (*hold)(int), int hold_ms) {
    int ready[2];
    pipe(ready);
    pid_t pid = fork();
    if (pid == 0) {
        int c = open(path, O_RDWR);
        hold(c);
        write(ready[1], "x", 1);
        usleep(hold_ms * 1000);
        _exit(0);
    }
    char x;
    read(ready[0], &x, 1);
    close(ready[0]);
    close(ready[1]);
    int fd = open(path, O_RDWR);
    errno = 0;
    int rc = lock(fd);
    int err = errno;
    int st;
    waitpid(pid, &st, 0);
    close(fd);
    errno = err;
    return rc;
}

static int flock_ex(int fd) { return flock(fd, LOCK_EX); }
static int setlkw(int fd) { return lockw(fd, F_SETLKW); }
static int ofd_setlkw(int fd) { return lockw(fd, F_OFD_SETLKW); }
static int setlk(int fd) { return lockw(fd, F_SETLK); }
static int ofd_setlk(int fd) { return lockw(fd, F_OFD_SETLK); }

static void interrupted(const char *name, int (*lock)(int), int (*hold)(int)) {
    int rc;
    handle(SIGALRM, 0);
    alarm(1);
    rc = contended(lock, hold, 2000);
    printf("%s, alarm without SA_RESTART: rc=%d %s\n", name, rc, rc ? strerror(errno) : "");
    alarm(0);

    handle(SIGALRM, SA_RESTART);
    ticks = 0;
    alarm(1);
    rc = contended(lock, hold, 1500);
    printf("%s, alarm with SA_RESTART: rc=%d, handler ran: %s\n", name, rc, ticks ? "yes" : "no");

    ticks = 0;
    struct itimerval every5ms = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every5ms, NULL);
    rc = contended(lock, hold, 300);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("%s, 5 ms timer with SA_RESTART: rc=%d, handler ran many times: %s\n", name, rc, ticks > 5 ? "yes" : "no");
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "flock";
    setvbuf(stdout, NULL, _IONBF, 0);
    close(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));
    if (strcmp(mode, "flock") == 0) {
        flock_semantics();
    } else if (strcmp(mode, "interrupt") == 0) {
        interrupted("flock", flock_ex, flock_ex);
        interrupted("F_SETLKW", setlkw, setlk);
        interrupted("F_OFD_SETLKW", ofd_setlkw, ofd_setlk);
    } else {
        printf("unknown mode %s\n", mode);
        return 2;
    }
    unlink(path);
    return guest_failures ? 1 : 0;
}
