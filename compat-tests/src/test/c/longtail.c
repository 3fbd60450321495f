/*
 * The long tail of issue 16: one mode per family of calls, each compared with Linux line by line.
 *
 *   pidfd   pidfd_open (flags, ESRCH, poll and epoll readiness at exit and reap), pidfd_send_signal (probe,
 *           siginfo rules, scopes, zombie, reaped), pidfd_getfd (a shared description, errors), waitid(P_PIDFD)
 *   rwv2    preadv2/pwritev2: offset -1, RWF_* flags on files, pipes, sockets, eventfd, /proc, errors
 *   sched   sched_{get,set}{scheduler,param}, sched_get_priority_{max,min}, sched_rr_get_interval: per thread,
 *           inherited over fork and pthread_create, SCHED_RESET_ON_FORK, the unprivileged rules
 *   caps    capget/capset (version handshake, the sets of root and of a uid that left root, what capset may
 *           change), PR_CAPBSET_READ/DROP, PR_SET_KEEPCAPS, PR_CAP_AMBIENT, execve's recomputation
 *   vm      process_vm_readv/writev within the process and with a child: partial transfers, faults, errors
 *
 * Nothing printed depends on the machine beyond what the host decides for both runs alike: capability masks
 * are printed as the process has them (jlibos derives the guest's from its launcher's as execve would), and
 * results that depend on the host's settings (Yama's ptrace_scope, the RR time slice) are compared with what
 * the host's /proc says. Privileged parts run only as root, and only when root has the capability they need.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2
#define PIDFD_SIGNAL_PROCESS_GROUP 4

#undef RWF_HIPRI
#define RWF_HIPRI 0x01
#undef RWF_DSYNC
#define RWF_DSYNC 0x02
#undef RWF_SYNC
#define RWF_SYNC 0x04
#undef RWF_NOWAIT
#define RWF_NOWAIT 0x08
#undef RWF_APPEND
#define RWF_APPEND 0x10
#undef RWF_NOAPPEND
#define RWF_NOAPPEND 0x20
#undef RWF_ATOMIC
#define RWF_ATOMIC 0x40
#undef RWF_DONTCACHE
#define RWF_DONTCACHE 0x80
#undef RWF_NOSIGNAL
#define RWF_NOSIGNAL 0x100

#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#define SCHED_DEADLINE_ 6
#define RESET_ON_FORK 0x40000000

#define CAP_V1 0x19980330
#define CAP_V3 0x20080522
#define CAP_CHOWN 0
#define CAP_KILL 5
#define CAP_SETPCAP 8
#define CAP_SYS_NICE 23
#define FS_MASK 0x10800021fULL /* CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, LINUX_IMMUTABLE, MKNOD, MAC_OVERRIDE */
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* ---- shared helpers ------------------------------------------------------------------------------- */

static long pidfd_open_(int pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long pidfd_signal(int fd, int sig, void *info, unsigned flags) { return syscall(SYS_pidfd_send_signal, fd, sig, info, flags); }
static long pidfd_getfd_(int fd, int target, unsigned flags) { return syscall(SYS_pidfd_getfd, fd, target, flags); }
static long waitid_(int type, int id, siginfo_t *info, int options) { return syscall(SYS_waitid, type, id, info, options, NULL); }

/* A pid that certainly names nobody: a child that has been reaped. */
static pid_t dead_pid(void) {
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, NULL, 0);
    return p;
}

/* An fd number that is certainly closed. */
static int closed_fd(void) {
    int fd = dup(0);
    close(fd);
    return fd;
}

/* ==== pidfd ======================================================================================== */

static volatile int usr1_code, usr1_value, usr1_from_parent;

static void on_usr1(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    usr1_code = si->si_code;
    usr1_value = si->si_value.sival_int;
    usr1_from_parent = si->si_pid == 0 ? 0 : si->si_pid == getppid() ? 1 : -1;
}

/* A child that reports each SIGUSR1 it gets over a pipe and otherwise waits. */
static pid_t start_listener(int *report) {
    int p[2];
    if (pipe(p)) exit(3);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        struct sigaction sa = {0};
        sa.sa_sigaction = on_usr1;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t block, none;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &block, NULL); /* taken only in sigsuspend: no signal is missed */
        write(p[1], "r", 1);
        for (;;) {
            sigsuspend(&none);
            int msg[3] = {usr1_code, usr1_value, usr1_from_parent};
            write(p[1], msg, sizeof msg);
        }
    }
    close(p[1]);
    char b;
    read(p[0], &b, 1); /* ready: the handler is installed */
    *report = p[0];
    return c;
}

static void pidfd_basics(pid_t dead) {
    printf("-- pidfd_open\n");
    CHECK_ERRNO(pidfd_open_(getpid(), 1), EINVAL);
    CHECK_ERRNO(pidfd_open_(getpid(), O_CREAT), EINVAL);
    CHECK_ERRNO(pidfd_open_(0, 0), EINVAL);
    CHECK_ERRNO(pidfd_open_(-1, 0), EINVAL);
    CHECK_ERRNO(pidfd_open_(dead, 0), ESRCH);
    int self = (int)pidfd_open_(getpid(), 0);
    CHECK(self >= 0);
    CHECK(fcntl(self, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(self, F_GETFL) == O_RDWR);
    int nb = (int)pidfd_open_(getpid(), PIDFD_NONBLOCK);
    CHECK(fcntl(nb, F_GETFL) == (O_RDWR | O_NONBLOCK));
    char link[64], target[64] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", self);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n > 0) target[n] = 0;
    CHECK(strcmp(target, "anon_inode:[pidfd]") == 0);
    char b[8];
    CHECK_ERRNO(read(self, b, sizeof b), EINVAL);
    CHECK_ERRNO(write(self, b, sizeof b), EINVAL);
    CHECK_ERRNO(lseek(self, 0, SEEK_SET), ESPIPE);
    struct pollfd pf = {self, POLLIN, 0};
    CHECK(poll(&pf, 1, 0) == 0 && pf.revents == 0); /* a live process: not readable */
    siginfo_t wi;
    CHECK_ERRNO(waitid_(P_PIDFD, self, &wi, WEXITED | WNOHANG), ECHILD); /* not a child */
    CHECK_ERRNO(waitid_(P_PIDFD, 0, &wi, WEXITED), EBADF);
    CHECK_ERRNO(waitid_(P_PIDFD, -1, &wi, WEXITED), EINVAL);
    CHECK_ERRNO(waitid_(P_PIDFD, closed_fd(), &wi, WEXITED), EBADF);
    CHECK_ERRNO(waitid_(P_PIDFD, self, &wi, 0), EINVAL);
    close(nb);
    close(self);
}

static void pidfd_signals(void) {
    printf("-- pidfd_send_signal\n");
    int report;
    pid_t c = start_listener(&report);
    int cfd = (int)pidfd_open_(c, 0);
    int cnb = (int)pidfd_open_(c, PIDFD_NONBLOCK);
    CHECK(cfd >= 0 && cnb >= 0);
    CHECK(pidfd_signal(cfd, 0, NULL, 0) == 0);
    CHECK(pidfd_signal(cfd, 0, NULL, PIDFD_SIGNAL_THREAD) == 0);
    CHECK(pidfd_signal(cfd, 0, NULL, PIDFD_SIGNAL_THREAD_GROUP) == 0);
    CHECK_ERRNO(pidfd_signal(cfd, 0, NULL, 8), EINVAL);
    CHECK_ERRNO(pidfd_signal(cfd, 0, NULL, PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP), EINVAL);
    CHECK_ERRNO(pidfd_signal(cfd, 100, NULL, 0), EINVAL);
    CHECK_ERRNO(pidfd_signal(cfd, -1, NULL, 0), EINVAL);
    CHECK_ERRNO(pidfd_signal(0, 0, NULL, 0), EBADF);
    CHECK_ERRNO(pidfd_signal(closed_fd(), 0, NULL, 0), EBADF);
    CHECK_ERRNO(pidfd_signal(cfd, SIGUSR1, (void *)8, 0), EFAULT);
    /* The child is not in a group of its own: PIDFD_SIGNAL_PROCESS_GROUP finds no group named after it. */
    CHECK_ERRNO(pidfd_signal(cfd, 0, NULL, PIDFD_SIGNAL_PROCESS_GROUP), ESRCH);

    /* A caller's siginfo: the same signal, and only SI_QUEUE-like codes to another process. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 77;
    CHECK_ERRNO(pidfd_signal(cfd, SIGUSR2, &si, 0), EINVAL);
    si.si_code = SI_USER;
    CHECK_ERRNO(pidfd_signal(cfd, SIGUSR1, &si, 0), EPERM);
    si.si_code = SI_TKILL;
    CHECK_ERRNO(pidfd_signal(cfd, SIGUSR1, &si, 0), EPERM);
    si.si_code = 1;
    CHECK_ERRNO(pidfd_signal(cfd, SIGUSR1, &si, 0), EPERM);
    si.si_code = SI_QUEUE;
    CHECK(pidfd_signal(cfd, SIGUSR1, &si, 0) == 0);
    int msg[3];
    CHECK(read(report, msg, sizeof msg) == sizeof msg);
    CHECK(msg[0] == SI_QUEUE && msg[1] == 77 && msg[2] == 0); /* the caller's siginfo as it is: si_pid 0 */
    CHECK(pidfd_signal(cfd, SIGUSR1, NULL, 0) == 0);
    CHECK(read(report, msg, sizeof msg) == sizeof msg);
    CHECK(msg[0] == SI_USER && msg[2] == 1);
    CHECK(pidfd_signal(cfd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD) == 0);
    CHECK(read(report, msg, sizeof msg) == sizeof msg);
    CHECK(msg[0] == SI_TKILL && msg[2] == 1);

    /* Waiting on it: a non-blocking pidfd says EAGAIN instead of waiting. */
    siginfo_t wi;
    memset(&wi, 0x55, sizeof wi);
    CHECK_ERRNO(waitid_(P_PIDFD, cnb, &wi, WEXITED), EAGAIN);
    CHECK(wi.si_pid == 0 && wi.si_signo == 0);
    memset(&wi, 0x55, sizeof wi);
    CHECK(waitid_(P_PIDFD, cnb, &wi, WEXITED | WNOHANG) == 0 && wi.si_pid == 0);

    /* Its end: readable, still signalable (a zombie), its fds gone; then reaped: hung up, ESRCH. */
    CHECK(pidfd_signal(cfd, SIGTERM, NULL, 0) == 0);
    struct pollfd pf = {cfd, POLLIN, 0};
    CHECK(poll(&pf, 1, 10000) == 1 && pf.revents == POLLIN);
    pf.events = 0;
    CHECK(poll(&pf, 1, 0) == 0); /* no POLLHUP before the reap */
    CHECK(pidfd_signal(cfd, 0, NULL, 0) == 0);
    CHECK(pidfd_signal(cfd, SIGKILL, NULL, 0) == 0);
    CHECK_ERRNO(pidfd_getfd_(cfd, 0, 0), ESRCH);
    int again = (int)pidfd_open_(c, 0);
    CHECK(again >= 0);
    close(again);
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, cfd, &wi, WEXITED | WNOWAIT) == 0);
    CHECK(wi.si_code == CLD_KILLED && wi.si_status == SIGTERM && wi.si_pid == c);
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, cnb, &wi, WEXITED) == 0);
    CHECK(wi.si_code == CLD_KILLED && wi.si_status == SIGTERM && wi.si_pid == c);
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLIN | POLLHUP));
    CHECK_ERRNO(pidfd_signal(cfd, 0, NULL, 0), ESRCH);
    CHECK_ERRNO(pidfd_getfd_(cfd, 0, 0), ESRCH);
    CHECK_ERRNO(pidfd_open_(c, 0), ESRCH);
    CHECK_ERRNO(waitid_(P_PIDFD, cfd, &wi, WEXITED), ECHILD);
    close(cfd);
    close(cnb);
    close(report);

    /* Its own process group: PIDFD_SIGNAL_PROCESS_GROUP reaches it. */
    int self = (int)pidfd_open_(getpid(), 0);
    CHECK(pidfd_signal(self, 0, NULL, PIDFD_SIGNAL_PROCESS_GROUP) == 0); /* main made itself a group leader */
    signal(SIGUSR2, SIG_IGN);
    CHECK(pidfd_signal(self, SIGUSR2, NULL, PIDFD_SIGNAL_PROCESS_GROUP) == 0);
    /* Its own siginfo with any code goes to itself (the thread is the pidfd's pid). */
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR2;
    si.si_code = SI_USER;
    CHECK(pidfd_signal(self, SIGUSR2, &si, 0) == 0);
    CHECK_ERRNO(pidfd_signal(self, SIGUSR2, &si, PIDFD_SIGNAL_PROCESS_GROUP), EPERM);
    close(self);
}

static void pidfd_epoll(void) {
    printf("-- pidfd and epoll\n");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    int cfd = (int)pidfd_open_(c, 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev) == 0);
    CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
    CHECK(pidfd_signal(cfd, SIGKILL, NULL, 0) == 0);
    memset(&ev, 0, sizeof ev);
    CHECK(epoll_wait(ep, &ev, 1, 10000) == 1 && ev.events == EPOLLIN && ev.data.u64 == 7);
    siginfo_t wi;
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, cfd, &wi, WEXITED) == 0 && wi.si_code == CLD_KILLED && wi.si_status == SIGKILL);
    memset(&ev, 0, sizeof ev);
    CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.events == (EPOLLIN | EPOLLHUP));
    close(ep);
    close(cfd);

    /* A blocking poll wakes up when the child exits by itself. */
    int p[2];
    pipe(p);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        char b;
        read(p[0], &b, 1);
        _exit(3);
    }
    cfd = (int)pidfd_open_(c, 0);
    write(p[1], "x", 1);
    struct pollfd pf = {cfd, POLLIN, 0};
    CHECK(poll(&pf, 1, 10000) == 1 && pf.revents == POLLIN);
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, cfd, &wi, WEXITED) == 0 && wi.si_code == CLD_EXITED && wi.si_status == 3);
    close(cfd);
    close(p[0]);
    close(p[1]);
}

static void pidfd_fds(void) {
    printf("-- pidfd_getfd\n");
    int up[2], down[2];
    pipe(up);
    pipe(down);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int fd = open("fixture.txt", O_RDONLY);
        dup2(fd, 42);
        close(fd);
        write(up[1], "r", 1);
        char b[4] = "";
        read(down[0], b, 1);           /* the parent has read through its duplicate */
        read(42, b, 3);                /* the shared offset goes on where the parent stopped */
        write(up[1], b, 3);
        read(down[0], b, 1);
        _exit(0);
    }
    char b[16] = "";
    read(up[0], b, 1);
    int cfd = (int)pidfd_open_(c, 0);
    int g = (int)pidfd_getfd_(cfd, 42, 0);
    CHECK(g >= 0);
    CHECK(fcntl(g, F_GETFD) == FD_CLOEXEC);
    CHECK(read(g, b, 7) == 7 && memcmp(b, "created", 7) == 0);
    write(down[1], "x", 1);
    memset(b, 0, sizeof b);
    CHECK(read(up[0], b, 3) == 3 && memcmp(b, " by", 3) == 0);
    CHECK(lseek(g, 0, SEEK_CUR) == 10);
    CHECK_ERRNO(pidfd_getfd_(cfd, 42, 1), EINVAL);
    CHECK_ERRNO(pidfd_getfd_(cfd, 43, 0), EBADF);
    CHECK_ERRNO(pidfd_getfd_(cfd, -1, 0), EBADF);
    CHECK_ERRNO(pidfd_getfd_(up[0], 42, 0), EBADF);
    CHECK_ERRNO(pidfd_getfd_(closed_fd(), 42, 0), EBADF);
    int self = (int)pidfd_open_(getpid(), 0);
    int mine = (int)pidfd_getfd_(self, up[0], 0);
    CHECK(mine >= 0 && mine != up[0] && fcntl(mine, F_GETFD) == FD_CLOEXEC);
    close(mine);
    write(down[1], "x", 1);
    waitpid(c, NULL, 0);
    close(g);
    close(cfd);
    close(self);
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);
}

/* As another user: the parent (root's) cannot be signalled, looked into or waited for. */
static void pidfd_unprivileged(void) {
    printf("-- pidfd unprivileged\n");
    if (getuid() != 0) {
        printf("not root: skipped\n");
        return;
    }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        guest_failures = 0;
        int parent = (int)pidfd_open_(getppid(), 0);
        if (setuid(65534) != 0) {
            printf("setuid: %s\n", strerror(errno));
            _exit(0);
        }
        CHECK(parent >= 0);
        CHECK_ERRNO(pidfd_signal(parent, 0, NULL, 0), EPERM);
        CHECK_ERRNO(pidfd_signal(parent, SIGUSR1, NULL, 0), EPERM);
        CHECK(pidfd_signal(parent, SIGCONT, NULL, 0) == 0); /* the same session */
        CHECK_ERRNO(pidfd_getfd_(parent, 0, 0), EPERM);
        siginfo_t wi;
        CHECK_ERRNO(waitid_(P_PIDFD, parent, &wi, WEXITED | WNOHANG), ECHILD);
        int self = (int)pidfd_open_(getpid(), 0);
        int mine = (int)pidfd_getfd_(self, parent, 0);
        CHECK(mine >= 0);
        _exit(guest_failures ? 1 : 0);
    }
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * clone(CLONE_VFORK | CLONE_VM | CLONE_PIDFD) with no exit signal, as Go checks pidfd support: the child
 * exits at once in assembly (it shares the parent's stack until then).
 */
static long clone_vfork_pidfd(int *pidfd) {
    long ret;
    register long r10 __asm__("r10") = 0;
    register long r8 __asm__("r8") = 0;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t" /* exit(7) */
                     "mov $7, %%edi\n\t"
                     "syscall\n\t"
                     "1:\n\t"
                     : "=a"(ret)
                     : "a"((long)SYS_clone), "D"((long)(CLONE_VFORK | CLONE_VM | CLONE_PIDFD)), "S"(0L), "d"(pidfd),
                       "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static void pidfd_clone(void) {
    printf("-- CLONE_PIDFD\n");
    int pidfd = -1;
    fflush(stdout);
    long c = syscall(SYS_clone, SIGCHLD | CLONE_PIDFD, NULL, &pidfd, NULL, NULL);
    if (c == 0) _exit(5);
    CHECK(c > 0 && pidfd >= 0);
    CHECK(fcntl(pidfd, F_GETFD) == FD_CLOEXEC && fcntl(pidfd, F_GETFL) == O_RDWR);
    siginfo_t wi;
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, pidfd, &wi, WEXITED) == 0 && wi.si_pid == c && wi.si_code == CLD_EXITED && wi.si_status == 5);
    close(pidfd);
    CHECK_ERRNO(syscall(SYS_clone, SIGCHLD | CLONE_PIDFD | CLONE_PARENT_SETTID, NULL, &pidfd, NULL, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_clone, SIGCHLD | CLONE_PIDFD, NULL, (void *)8, NULL, NULL), EFAULT);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD); /* no child was made */
    pidfd = -1;
    c = clone_vfork_pidfd(&pidfd);
    CHECK(c > 0 && pidfd >= 0);
    memset(&wi, 0, sizeof wi);
    CHECK(waitid_(P_PIDFD, pidfd, &wi, WEXITED | __WCLONE) == 0 && wi.si_code == CLD_EXITED && wi.si_status == 7);
    close(pidfd);
}

static void mode_pidfd(void) {
    pid_t dead = dead_pid();
    pidfd_basics(dead);
    pidfd_signals();
    pidfd_epoll();
    pidfd_fds();
    pidfd_clone();
    pidfd_unprivileged();
}

/* ==== preadv2 / pwritev2 ============================================================================ */

static long preadv2_(int fd, const struct iovec *v, long n, long off, int flags) {
    return syscall(SYS_preadv2, fd, v, n, off, 0L, flags);
}
static long pwritev2_(int fd, const struct iovec *v, long n, long off, int flags) {
    return syscall(SYS_pwritev2, fd, v, n, off, 0L, flags);
}

static volatile int sigpipes;
static void on_sigpipe(int sig) {
    (void)sig;
    sigpipes++;
}

static void rwv2_files(void) {
    printf("-- regular file\n");
    int fd = open("rwv2.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char a[] = "hello ", w[] = "world\n";
    struct iovec out[2] = {{a, 6}, {w, 6}};
    CHECK(pwritev2_(fd, out, 2, -1, 0) == 12);
    CHECK(lseek(fd, 0, SEEK_CUR) == 12);
    CHECK(pwritev2_(fd, out, 2, 12, 0) == 12);
    CHECK(lseek(fd, 0, SEEK_CUR) == 12); /* a positioned write leaves the position */
    char r1[4], r2[32];
    struct iovec in[2] = {{r1, 4}, {r2, 32}};
    memset(r2, 0, sizeof r2);
    CHECK(preadv2_(fd, in, 2, 2, 0) == 22 && memcmp(r1, "llo ", 4) == 0 && memcmp(r2, "world\nhello world\n", 18) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 12);
    lseek(fd, 3, SEEK_SET);
    CHECK(preadv2_(fd, in, 2, -1, 0) == 21);
    CHECK(lseek(fd, 0, SEEK_CUR) == 24);
    CHECK(preadv2_(fd, in, 2, -1, 0) == 0); /* at the end */
    for (int f = RWF_HIPRI; f <= RWF_SYNC; f <<= 1) {
        printf("flag %#x\n", f);
        CHECK(preadv2_(fd, in, 2, 0, f) == 24);
        CHECK(pwritev2_(fd, out, 2, 0, f) == 12);
    }
    CHECK_ERRNO(preadv2_(fd, in, 2, 0, 0x200), EOPNOTSUPP);
    CHECK_ERRNO(pwritev2_(fd, out, 2, 0, (int)0x80000000), EOPNOTSUPP);
    CHECK_ERRNO(pwritev2_(fd, out, 2, 0, RWF_APPEND | RWF_NOAPPEND), EINVAL);
    CHECK_ERRNO(preadv2_(fd, in, 2, 0, RWF_ATOMIC), EOPNOTSUPP); /* atomic reads do not exist */
    /* RWF_NOWAIT on a regular file depends on its file system (the host's answer, in both runs). */
    errno = 0;
    long nw = preadv2_(fd, in, 2, 0, RWF_NOWAIT);
    CHECK(nw == 24 || errno == EOPNOTSUPP || errno == EAGAIN);

    /* RWF_APPEND writes at the end whatever the offset; with -1 the position follows. */
    CHECK(pwritev2_(fd, out, 1, 0, RWF_APPEND) == 6);
    CHECK(lseek(fd, 0, SEEK_END) == 30);
    lseek(fd, 0, SEEK_SET);
    CHECK(pwritev2_(fd, out, 1, -1, RWF_APPEND) == 6);
    CHECK(lseek(fd, 0, SEEK_CUR) == 36);
    /* O_APPEND: a positioned write appends, unless RWF_NOAPPEND. */
    int ap = open("rwv2.tmp", O_RDWR | O_APPEND);
    CHECK(pwritev2_(ap, out + 1, 1, 0, RWF_NOAPPEND) == 6);
    CHECK(lseek(fd, 0, SEEK_END) == 36);
    CHECK(pwritev2_(ap, out + 1, 1, 0, 0) == 6);
    CHECK(lseek(fd, 0, SEEK_END) == 42);
    char all[64] = "";
    CHECK(pread(fd, all, sizeof all, 0) == 42);
    CHECK(memcmp(all, "world\n", 6) == 0 && memcmp(all + 30, "hello world\n", 12) == 0);
    printf("checksum %llx\n", fnv1a(all, 42, 0));

    /* Errors, in Linux's order. */
    CHECK_ERRNO(preadv2_(fd, in, 2, -2, 0), EINVAL);
    CHECK_ERRNO(preadv2_(closed_fd(), in, 2, -2, 0), EINVAL); /* the offset is checked first */
    CHECK_ERRNO(preadv2_(closed_fd(), in, 2, 0, 0), EBADF);
    CHECK_ERRNO(preadv2_(closed_fd(), in, 2, -1, 0x1000), EBADF);
    int ro = open("rwv2.tmp", O_RDONLY);
    CHECK_ERRNO(pwritev2_(ro, out, 1, 0, 0), EBADF);
    CHECK_ERRNO(pwritev2_(ro, out, 1, 0, 0x1000), EBADF);
    CHECK_ERRNO(preadv2_(fd, in, 1025, 0, 0), EINVAL);
    CHECK_ERRNO(preadv2_(fd, in, -1, 0, 0), EINVAL);
    CHECK_ERRNO(preadv2_(fd, (void *)8, 2, 0, 0), EFAULT);
    struct iovec neg = {r1, (size_t)-1};
    CHECK_ERRNO(preadv2_(fd, &neg, 1, 0, 0), EINVAL);
    struct iovec none[2] = {{r1, 0}, {r2, 0}};
    CHECK(preadv2_(fd, none, 2, 0, 0x1000) == 0); /* nothing to move: the flags are not looked at */
    CHECK(preadv2_(fd, in, 0, 0, 0x1000) == 0);
    CHECK_ERRNO(preadv2_(fd, in, 2, 0x7fffffffffffffffL, 0), EINVAL);
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO(preadv2_(dir, in, 2, 0, 0), EISDIR);
    close(dir);
    close(ro);
    close(ap);
    close(fd);
    unlink("rwv2.tmp");

    /* A /proc file has only a plain read: nothing but RWF_HIPRI. */
    int st = open("/proc/self/stat", O_RDONLY);
    CHECK(preadv2_(st, in, 2, 0, RWF_HIPRI) > 0);
    CHECK_ERRNO(preadv2_(st, in, 2, 0, RWF_NOWAIT), EOPNOTSUPP);
    CHECK_ERRNO(preadv2_(st, in, 2, 0, RWF_DSYNC), EOPNOTSUPP);
    close(st);
    int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
    if (null >= 0 && zero >= 0) {
        CHECK(preadv2_(null, in, 2, -1, RWF_NOWAIT) == 0);
        CHECK(pwritev2_(null, out, 2, -1, RWF_NOWAIT | RWF_DSYNC) == 12);
        CHECK(preadv2_(zero, in, 2, -1, RWF_NOWAIT) == 36 && r1[0] == 0 && r2[31] == 0);
    } else {
        printf("/dev/null or /dev/zero cannot be opened: skipped\n");
    }
    close(null);
    close(zero);
}

static void rwv2_streams(void) {
    printf("-- pipe\n");
    int p[2];
    pipe(p);
    char r1[4], r2[32];
    struct iovec in[2] = {{r1, 4}, {r2, 32}};
    char a[] = "hello ", w[] = "world\n";
    struct iovec out[2] = {{a, 6}, {w, 6}};
    CHECK_ERRNO(preadv2_(p[0], in, 2, -1, RWF_NOWAIT), EAGAIN); /* empty, yet a blocking fd */
    CHECK_ERRNO(preadv2_(p[0], in, 2, 0, 0), ESPIPE);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, 0, RWF_NOWAIT), ESPIPE);
    CHECK_ERRNO(preadv2_(p[1], in, 2, -1, 0), EBADF);
    CHECK_ERRNO(pwritev2_(p[0], out, 2, -1, 0), EBADF);
    CHECK_ERRNO(preadv2_(p[0], in, 2, -1, RWF_ATOMIC), EOPNOTSUPP);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, RWF_ATOMIC), EOPNOTSUPP);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, RWF_DONTCACHE), EOPNOTSUPP);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, RWF_APPEND | RWF_NOAPPEND), EINVAL);
    CHECK(pwritev2_(p[1], out, 2, -1, RWF_NOWAIT) == 12);
    CHECK(pwritev2_(p[1], out, 2, -1, RWF_APPEND | RWF_DSYNC | RWF_HIPRI) == 12);
    memset(r2, 0, sizeof r2);
    CHECK(preadv2_(p[0], in, 2, -1, RWF_NOWAIT) == 24 && memcmp(r1, "hell", 4) == 0 && memcmp(r2, "o world\nhello world\n", 20) == 0);
    /* A full pipe: RWF_NOWAIT gives EAGAIN instead of waiting. */
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char big[4096];
    while (write(p[1], big, sizeof big) > 0) {}
    while (write(p[1], big, 1) > 0) {}
    fcntl(p[1], F_SETFL, 0);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, RWF_NOWAIT), EAGAIN);
    /* No reader: EPIPE, with SIGPIPE unless RWF_NOSIGNAL. */
    signal(SIGPIPE, on_sigpipe);
    close(p[0]);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, RWF_NOSIGNAL), EPIPE);
    CHECK(sigpipes == 0);
    CHECK_ERRNO(pwritev2_(p[1], out, 2, -1, 0), EPIPE);
    CHECK(sigpipes == 1);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);

    printf("-- socket\n");
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    CHECK_ERRNO(preadv2_(sv[0], in, 2, -1, RWF_NOWAIT), EAGAIN);
    CHECK(pwritev2_(sv[1], out, 2, -1, RWF_NOWAIT) == 12);
    CHECK(preadv2_(sv[0], in, 2, -1, RWF_NOWAIT | RWF_HIPRI) == 12);
    CHECK_ERRNO(preadv2_(sv[0], in, 2, 0, 0), ESPIPE);
    CHECK_ERRNO(preadv2_(sv[0], in, 2, -1, RWF_DONTCACHE), EOPNOTSUPP);
    close(sv[0]);
    close(sv[1]);

    printf("-- eventfd\n");
    int e = eventfd(0, 0);
    unsigned long long v = 1;
    struct iovec ev = {&v, 8};
    CHECK_ERRNO(preadv2_(e, &ev, 1, -1, RWF_NOWAIT), EAGAIN);
    CHECK_ERRNO(pwritev2_(e, &ev, 1, -1, RWF_NOWAIT), EOPNOTSUPP); /* a plain write: RWF_HIPRI only */
    CHECK_ERRNO(pwritev2_(e, &ev, 1, -1, RWF_DSYNC), EOPNOTSUPP);
    CHECK(pwritev2_(e, &ev, 1, -1, RWF_HIPRI) == 8);
    v = 0;
    CHECK(preadv2_(e, &ev, 1, -1, RWF_NOWAIT) == 8 && v == 1);
    close(e);
    int ep = epoll_create1(0);
    CHECK_ERRNO(preadv2_(ep, &ev, 1, -1, RWF_NOWAIT), EINVAL); /* cannot be read at all */
    close(ep);
}

static void mode_rwv2(void) {
    rwv2_files();
    rwv2_streams();
}

/* ==== scheduling policies ============================================================================ */

static long getsched(int pid) { return syscall(SYS_sched_getscheduler, pid); }
static long setsched(int pid, int policy, int prio) {
    struct sched_param p = {.sched_priority = prio};
    return syscall(SYS_sched_setscheduler, pid, policy, &p);
}
static long setparam(int pid, int prio) {
    struct sched_param p = {.sched_priority = prio};
    return syscall(SYS_sched_setparam, pid, &p);
}
static int getprio(int pid) {
    struct sched_param p = {.sched_priority = -1};
    if (syscall(SYS_sched_getparam, pid, &p) != 0) return -2;
    return p.sched_priority;
}

/* A forked child's view, over a pipe: its policy and priority, and its nice value. */
static void child_view(int *policy, int *prio, int *nice) {
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int v[3] = {(int)getsched(0), getprio(0), getpriority(PRIO_PROCESS, 0)};
        write(p[1], v, sizeof v);
        _exit(0);
    }
    int v[3] = {-9, -9, -9};
    read(p[0], v, sizeof v);
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    *policy = v[0];
    *prio = v[1];
    *nice = v[2];
}

static volatile int th_policy_seen, th_prio_seen;
static volatile pid_t th_tid;
static volatile int th_exit;

static void *sched_thread(void *arg) {
    int set = (int)(intptr_t)arg;
    th_policy_seen = (int)getsched(0);
    th_prio_seen = getprio(0);
    if (set >= 0) setsched(0, set, 0);
    th_tid = (pid_t)syscall(SYS_gettid);
    while (!th_exit) usleep(1000);
    return NULL;
}

static pthread_t start_sched_thread(int set) {
    th_tid = 0;
    th_exit = 0;
    pthread_t th;
    pthread_create(&th, NULL, sched_thread, (void *)(intptr_t)set);
    while (!th_tid) usleep(1000);
    return th;
}

static void sched_basics(pid_t dead) {
    printf("-- priorities\n");
    static const int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE_};
    for (unsigned i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        printf("policy %d: max %ld min %ld\n", policies[i], (long)syscall(SYS_sched_get_priority_max, policies[i]),
               (long)syscall(SYS_sched_get_priority_min, policies[i]));
    }
    CHECK_ERRNO(syscall(SYS_sched_get_priority_max, -1), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_get_priority_min, 4), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_get_priority_max, 8), EINVAL);

    printf("-- get\n");
    CHECK(getsched(0) == SCHED_OTHER);
    CHECK(getsched(getpid()) == SCHED_OTHER);
    CHECK_ERRNO(getsched(-1), EINVAL);
    CHECK_ERRNO(getsched(dead), ESRCH);
    CHECK(getprio(0) == 0);
    struct sched_param sp;
    CHECK_ERRNO(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_getparam, -1, &sp), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_getparam, 0, (void *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_sched_getparam, dead, &sp), ESRCH);
    struct timespec ts;
    CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0);
    CHECK_ERRNO(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_rr_get_interval, dead, &ts), ESRCH);
    CHECK_ERRNO(syscall(SYS_sched_rr_get_interval, 0, NULL), EFAULT);
    CHECK_ERRNO(syscall(SYS_sched_rr_get_interval, 0, (void *)8), EFAULT);

    printf("-- set\n");
    CHECK(setsched(0, SCHED_BATCH, 0) == 0 && getsched(0) == SCHED_BATCH);
    CHECK(setsched(0, SCHED_OTHER, 0) == 0 && getsched(0) == SCHED_OTHER);
    CHECK(setparam(0, 0) == 0);
    CHECK_ERRNO(setparam(0, 1), EINVAL);
    CHECK_ERRNO(setsched(0, SCHED_OTHER, 1), EINVAL);
    CHECK_ERRNO(setsched(0, SCHED_BATCH, -1), EINVAL);
    CHECK_ERRNO(setsched(0, -1, 0), EINVAL);
    CHECK_ERRNO(setsched(0, 4, 0), EINVAL);
    CHECK_ERRNO(setsched(0, SCHED_DEADLINE_, 0), EINVAL); /* needs sched_setattr's runtime */
    CHECK_ERRNO(setsched(0, 8, 0), EINVAL);
    CHECK_ERRNO(setsched(0, SCHED_OTHER | RESET_ON_FORK | 1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_sched_setparam, 0, NULL), EINVAL);
    CHECK_ERRNO(setsched(-1, SCHED_OTHER, 0), EINVAL);
    CHECK_ERRNO(setsched(dead, SCHED_OTHER, 0), ESRCH);
    CHECK_ERRNO(setsched(dead, 4, 0), ESRCH); /* the target is looked up before the policy */
    CHECK_ERRNO(setparam(dead, 0), ESRCH);

    printf("-- inheritance\n");
    int policy, prio, nice;
    CHECK(setsched(0, SCHED_BATCH, 0) == 0);
    child_view(&policy, &prio, &nice);
    CHECK(policy == SCHED_BATCH && prio == 0);
    /* Per thread: a new thread starts with its creator's policy and changes only its own. */
    pthread_t th = start_sched_thread(SCHED_OTHER);
    CHECK(th_policy_seen == SCHED_BATCH);
    CHECK(getsched(th_tid) == SCHED_OTHER);
    CHECK(getsched(0) == SCHED_BATCH);
    CHECK(setsched(th_tid, SCHED_IDLE, 0) == 0 && getsched(th_tid) == SCHED_IDLE);
    CHECK(getsched(0) == SCHED_BATCH);
    th_exit = 1;
    pthread_join(th, NULL);
    CHECK(setsched(0, SCHED_OTHER, 0) == 0);

    /* SCHED_RESET_ON_FORK, in a child: without privilege the flag cannot be cleared again. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        guest_failures = 0;
        CHECK(setsched(0, SCHED_OTHER | RESET_ON_FORK, 0) == 0);
        CHECK(getsched(0) == (SCHED_OTHER | RESET_ON_FORK));
        child_view(&policy, &prio, &nice);
        CHECK(policy == SCHED_OTHER); /* the child does not keep the flag */
        CHECK(setsched(0, SCHED_BATCH | RESET_ON_FORK, 0) == 0);
        child_view(&policy, &prio, &nice);
        CHECK(policy == SCHED_BATCH); /* a fair policy survives the reset */
        CHECK(setparam(0, 0) == 0 && getsched(0) == (SCHED_BATCH | RESET_ON_FORK)); /* setparam keeps both */
        th = start_sched_thread(-1);
        CHECK(th_policy_seen == SCHED_BATCH); /* a thread is reset too */
        th_exit = 1;
        pthread_join(th, NULL);
        _exit(guest_failures ? 1 : 0);
    }
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Real-time policies need CAP_SYS_NICE: root only, and only where root has it. */
static void sched_privileged(void) {
    printf("-- real-time\n");
    if (getuid() != 0) {
        printf("not root: skipped\n");
        return;
    }
    errno = 0;
    if (setsched(0, SCHED_FIFO, 10) != 0) {
        printf("SCHED_FIFO: %s: skipped\n", strerror(errno));
        return;
    }
    CHECK(getsched(0) == SCHED_FIFO && getprio(0) == 10);
    CHECK(setparam(0, 50) == 0 && getprio(0) == 50);
    CHECK_ERRNO(setparam(0, 0), EINVAL);
    CHECK_ERRNO(setparam(0, 100), EINVAL);
    struct timespec ts = {9, 9};
    CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0);
    CHECK(setsched(0, SCHED_RR, 99) == 0 && getsched(0) == SCHED_RR && getprio(0) == 99);
    CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0);
    long ms = -1;
    FILE *f = fopen("/proc/sys/kernel/sched_rr_timeslice_ms", "r");
    if (f) {
        if (fscanf(f, "%ld", &ms) != 1) ms = -1;
        fclose(f);
    }
    CHECK(ts.tv_sec * 1000 + ts.tv_nsec / 1000000 == ms && ts.tv_nsec % 1000000 == 0);
    CHECK_ERRNO(setsched(0, SCHED_RR, 0), EINVAL);
    CHECK_ERRNO(setsched(0, SCHED_RR, 100), EINVAL);
    int policy, prio, nice;
    CHECK(setsched(0, SCHED_FIFO, 5) == 0);
    child_view(&policy, &prio, &nice);
    CHECK(policy == SCHED_FIFO && prio == 5);
    CHECK(setsched(0, SCHED_FIFO | RESET_ON_FORK, 5) == 0);
    child_view(&policy, &prio, &nice);
    CHECK(policy == SCHED_OTHER && prio == 0);
    pthread_t th = start_sched_thread(-1);
    CHECK(th_prio_seen == 0 && (th_policy_seen & ~RESET_ON_FORK) == SCHED_OTHER);
    th_exit = 1;
    pthread_join(th, NULL);
    CHECK(setsched(0, SCHED_FIFO, 5) == 0); /* privileged: the flag may be cleared */
    th = start_sched_thread(-1);
    CHECK(th_policy_seen == SCHED_FIFO && th_prio_seen == 5);
    th_exit = 1;
    pthread_join(th, NULL);
    CHECK(setsched(0, SCHED_OTHER, 0) == 0 && getprio(0) == 0);
    /* A negative nice value is reset too. */
    int base = getpriority(PRIO_PROCESS, 0);
    if (setpriority(PRIO_PROCESS, 0, -5) == 0) {
        CHECK(setsched(0, SCHED_BATCH | RESET_ON_FORK, 0) == 0);
        child_view(&policy, &prio, &nice);
        CHECK(policy == SCHED_BATCH && nice == 0);
        CHECK(setsched(0, SCHED_OTHER, 0) == 0);
        setpriority(PRIO_PROCESS, 0, base);
    }
}

/* Without CAP_SYS_NICE: fair policies and SCHED_IDLE only, no way back from SCHED_IDLE, no clearing the flag. */
static void sched_unprivileged(void) {
    printf("-- unprivileged\n");
    if (getuid() != 0) {
        printf("not root: skipped\n");
        return;
    }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        guest_failures = 0;
        struct rlimit zero = {0, 0};
        setrlimit(RLIMIT_RTPRIO, &zero); /* lowering needs no privilege */
        setrlimit(RLIMIT_NICE, &zero);
        if (setuid(65534) != 0) {
            printf("setuid: %s\n", strerror(errno));
            _exit(0);
        }
        CHECK(setsched(0, SCHED_BATCH, 0) == 0 && getsched(0) == SCHED_BATCH);
        CHECK(setsched(0, SCHED_OTHER, 0) == 0);
        CHECK_ERRNO(setsched(0, SCHED_FIFO, 1), EPERM);
        CHECK_ERRNO(setsched(0, SCHED_RR, 1), EPERM);
        CHECK_ERRNO(setsched(0, SCHED_FIFO, 0), EINVAL); /* the priority is checked first */
        CHECK(setsched(0, SCHED_OTHER | RESET_ON_FORK, 0) == 0);
        CHECK_ERRNO(setsched(0, SCHED_OTHER, 0), EPERM); /* the flag may not be cleared */
        CHECK(setparam(0, 0) == 0);                       /* setparam keeps it */
        CHECK(getsched(0) == (SCHED_OTHER | RESET_ON_FORK));
        CHECK(setsched(0, SCHED_IDLE | RESET_ON_FORK, 0) == 0);
        CHECK_ERRNO(setsched(0, SCHED_OTHER | RESET_ON_FORK, 0), EPERM); /* no way out of SCHED_IDLE */
        CHECK_ERRNO(setsched(0, SCHED_BATCH | RESET_ON_FORK, 0), EPERM);
        CHECK(setsched(0, SCHED_IDLE | RESET_ON_FORK, 0) == 0);
        CHECK(getsched(0) == (SCHED_IDLE | RESET_ON_FORK));
        CHECK(getsched(getppid()) == SCHED_OTHER);
        CHECK_ERRNO(setsched(getppid(), SCHED_BATCH, 0), EPERM); /* root's process */
        _exit(guest_failures ? 1 : 0);
    }
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void mode_sched(void) {
    pid_t dead = dead_pid();
    sched_basics(dead);
    sched_privileged();
    sched_unprivileged();
}

/* ==== capabilities ===================================================================================== */

struct capdata {
    uint32_t effective, permitted, inheritable;
};
struct caphdr {
    uint32_t version;
    int pid;
};
struct caps {
    unsigned long long eff, prm, inh;
};

static long capget_(struct caphdr *h, struct capdata *d) { return syscall(SYS_capget, h, d); }
static long capset_(struct caphdr *h, struct capdata *d) { return syscall(SYS_capset, h, d); }

static struct caps caps_of(int pid) {
    struct caphdr h = {CAP_V3, pid};
    struct capdata d[2];
    memset(d, 0, sizeof d);
    struct caps c = {~0ULL, ~0ULL, ~0ULL};
    if (capget_(&h, d) != 0) return c;
    c.eff = d[0].effective | (unsigned long long)d[1].effective << 32;
    c.prm = d[0].permitted | (unsigned long long)d[1].permitted << 32;
    c.inh = d[0].inheritable | (unsigned long long)d[1].inheritable << 32;
    return c;
}

static long set_caps(unsigned long long eff, unsigned long long prm, unsigned long long inh) {
    struct caphdr h = {CAP_V3, 0};
    struct capdata d[2] = {{(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
                           {(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)}};
    return capset_(&h, d);
}

static void show_caps(const char *what) {
    struct caps c = caps_of(0);
    printf("%s: eff %llx prm %llx inh %llx\n", what, c.eff, c.prm, c.inh);
}

static int last_cap(void) {
    int last = -1;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
    if (f) {
        if (fscanf(f, "%d", &last) != 1) last = -1;
        fclose(f);
    }
    return last;
}

static unsigned long long bounding(void) {
    unsigned long long b = 0;
    for (int c = 0; c < 64; c++) {
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) b |= 1ULL << c;
    }
    return b;
}

/* CapInh, CapPrm, CapEff, CapBnd, CapAmb from /proc/self/status; 0 if some are missing. */
static int status_caps(unsigned long long v[5]) {
    static const char *names[] = {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        for (int i = 0; i < 5; i++) {
            size_t n = strlen(names[i]);
            if (strncmp(line, names[i], n) == 0 && sscanf(line + n, "%llx", &v[i]) == 1) found++;
        }
    }
    fclose(f);
    return found == 5;
}

/* /proc/self/status agrees with capget and the bounding set. */
static int status_agrees(void) {
    unsigned long long v[5];
    struct caps c = caps_of(0);
    return status_caps(v) && v[0] == c.inh && v[1] == c.prm && v[2] == c.eff && v[3] == bounding() && v[4] == 0;
}

static void caps_api(pid_t dead) {
    printf("-- capget\n");
    struct caphdr h = {0, 0};
    struct capdata d[2];
    memset(d, 0x55, sizeof d);
    CHECK_ERRNO(capget_(&h, d), EINVAL);
    CHECK(h.version == CAP_V3 && d[0].effective == 0x55555555); /* the kernel's version written back */
    h.version = 0x12345678;
    CHECK(capget_(&h, NULL) == 0 && h.version == CAP_V3); /* a NULL data pointer only asks */
    CHECK(capget_(&h, NULL) == 0);
    h.version = CAP_V1;
    CHECK(capget_(&h, d) == 0 && d[1].effective == 0x55555555); /* v1: one 32-bit set */
    h.version = CAP_V3;
    h.pid = -1;
    CHECK_ERRNO(capget_(&h, d), EINVAL);
    h.pid = dead;
    CHECK_ERRNO(capget_(&h, d), ESRCH);
    h.pid = getpid();
    CHECK(capget_(&h, d) == 0);
    h.pid = 0;
    CHECK_ERRNO(capget_((void *)8, d), EFAULT);
    CHECK_ERRNO(capget_(&h, (void *)8), EFAULT);
    struct caps self = caps_of(0), mine = caps_of(getpid());
    CHECK(self.eff == mine.eff && self.prm == mine.prm && self.inh == mine.inh);
    show_caps("start");
    int last = last_cap();
    unsigned long long b = bounding();
    printf("bounding %llx\n", b);
    CHECK(last > 0 && (b >> (last + 1)) == 0);
    CHECK(status_agrees());
    CHECK_ERRNO(prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_CAPBSET_READ, -1, 0, 0, 0), EINVAL);
    if (getuid() == 0) CHECK(self.eff == self.prm && (self.prm & ~b) == 0);
    else CHECK(self.eff == 0 && self.prm == 0);
    CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) == 0);
    CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, last + 1, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 1, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_CAP_AMBIENT, 9, CAP_CHOWN, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0);

    printf("-- capset\n");
    CHECK(set_caps(self.eff, self.prm, self.inh) == 0);
    struct caphdr s = {CAP_V3, (int)getppid()};
    struct capdata cur[2] = {{(uint32_t)self.eff, (uint32_t)self.prm, (uint32_t)self.inh},
                             {(uint32_t)(self.eff >> 32), (uint32_t)(self.prm >> 32), (uint32_t)(self.inh >> 32)}};
    CHECK_ERRNO(capset_(&s, cur), EPERM); /* only the caller's own */
    s.pid = dead;
    CHECK_ERRNO(capset_(&s, cur), EPERM);
    s.pid = getpid();
    CHECK(capset_(&s, cur) == 0);
    s.version = 0x1234;
    CHECK_ERRNO(capset_(&s, cur), EINVAL);
    CHECK(s.version == CAP_V3);
    s.pid = 0;
    CHECK_ERRNO(capset_(&s, (void *)8), EFAULT);
    CHECK(set_caps(self.eff, self.prm | 1ULL << 63, self.inh) == 0); /* bits past the last capability are dropped */
    if (self.prm != b) CHECK_ERRNO(set_caps(self.eff, self.prm | b, self.inh), EPERM); /* permitted cannot grow */
}

static void caps_exec_report(void) {
    /* In the new image of a root process that had given up CAP_SYS_NICE: execve restores it. */
    struct caps c = caps_of(0);
    CHECK((c.prm >> CAP_SYS_NICE & 1) == 1 && c.eff == c.prm);
    CHECK(c.prm == bounding());
    CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
}

static void caps_root(void) {
    printf("-- root's capabilities\n");
    if (getuid() != 0 || !(caps_of(0).prm >> CAP_SETPCAP & 1) || !(caps_of(0).prm >> CAP_SYS_NICE & 1)) {
        printf("not root with CAP_SETPCAP and CAP_SYS_NICE: skipped\n");
        return;
    }
    int status;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        guest_failures = 0;
        struct rlimit zero = {0, 0};
        setrlimit(RLIMIT_NICE, &zero);
        struct caps s = caps_of(0);
        unsigned long long nice = 1ULL << CAP_SYS_NICE;
        CHECK(set_caps(s.eff & ~nice, s.prm, s.inh) == 0);
        show_caps("no effective CAP_SYS_NICE");
        CHECK_ERRNO(setpriority(PRIO_PROCESS, 0, -1), EACCES);
        CHECK(set_caps(s.eff, s.prm, s.inh) == 0); /* back from permitted */
        CHECK(setpriority(PRIO_PROCESS, 0, -1) == 0);
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, s.inh) == 0);
        show_caps("no CAP_SYS_NICE");
        CHECK_ERRNO(set_caps(s.eff, s.prm & ~nice, s.inh), EPERM); /* effective must be permitted */
        CHECK_ERRNO(set_caps(s.eff & ~nice, s.prm, s.inh), EPERM); /* permitted cannot grow */
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, s.inh | nice) == 0); /* CAP_SETPCAP: any inheritable */
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, 1ULL << CAP_CHOWN) == 0);
        show_caps("inheritable CAP_CHOWN");
        CHECK(status_agrees());
        /* Ambient: only what is permitted and inheritable. */
        CHECK_ERRNO(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0), EPERM);
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0) == 0);
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) == 1);
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_CHOWN, 0, 0) == 0);
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) == 0);
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0) == 0);
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, 0) == 0); /* leaving inheritable drops it from ambient */
        CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) == 0);
        /* The bounding set: dropping needs CAP_SETPCAP; what it lacks cannot become inheritable. */
        CHECK(prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0) == 0);
        CHECK(prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0) == 0);
        CHECK_ERRNO(prctl(PR_CAPBSET_DROP, 99, 0, 0, 0), EINVAL);
        CHECK_ERRNO(set_caps(s.eff & ~nice, s.prm & ~nice, 1ULL << CAP_CHOWN), EPERM);
        CHECK(set_caps(s.eff & ~nice & ~(1ULL << CAP_SETPCAP), s.prm & ~nice, 0) == 0);
        CHECK_ERRNO(prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0), EPERM);
        CHECK_ERRNO(set_caps(s.eff & ~nice, s.prm & ~nice, nice), EPERM); /* now only from inheritable or permitted */
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, 1ULL << CAP_KILL) == 0);
        CHECK(set_caps(s.eff & ~nice, s.prm & ~nice, 0) == 0);
        printf("bounding %llx\n", bounding());
        /* execve as root: permitted is the bounding set again. */
        fflush(stdout);
        char *argv[] = {"longtail", "caps-exec", NULL};
        execv("/proc/self/exe", argv);
        printf("execv: %s\n", strerror(errno));
        _exit(1);
    }
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Leaving uid 0. */
    struct caps root = caps_of(0);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        guest_failures = 0;
        CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
        CHECK(seteuid(1000) == 0);
        struct caps e = caps_of(0);
        CHECK(e.eff == 0 && e.prm == root.prm);
        CHECK(seteuid(0) == 0);
        e = caps_of(0);
        CHECK(e.eff == root.prm);
        CHECK(syscall(SYS_setfsuid, 1000) == 0);
        e = caps_of(0);
        CHECK(e.eff == (root.prm & ~FS_MASK) && e.prm == root.prm);
        CHECK(syscall(SYS_setfsuid, 0) == 1000);
        CHECK(caps_of(0).eff == root.prm);
        printf("dumpable after the changes: %d\n", (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        CHECK(setresuid(1000, 1000, 0) == 0);
        e = caps_of(0);
        CHECK(e.eff == 0 && e.prm == root.prm); /* the saved uid is still 0 */
        CHECK(setresuid(-1, 0, -1) == 0 && caps_of(0).eff == root.prm);
        CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
        CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 1);
        CHECK(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) == 0x10);
        CHECK_ERRNO(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
        CHECK(setresuid(1000, 1000, 1000) == 0);
        e = caps_of(0);
        CHECK(e.eff == 0 && e.prm == root.prm); /* kept */
        CHECK(status_agrees());
        CHECK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == 0);
        CHECK(set_caps(0, 0, 0) == 0);
        CHECK_ERRNO(set_caps(0, 1, 0), EPERM);
        CHECK_ERRNO(setresuid(0, 0, 0), EPERM);
        _exit(guest_failures ? 1 : 0);
    }
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    fflush(stdout);
    c = fork();
    if (c == 0) {
        guest_failures = 0;
        CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) == 0);
        CHECK(setresuid(0, 0, 0) == 0); /* no change: it stays */
        int sig = -1;
        CHECK(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == SIGUSR1);
        CHECK(setresuid(1000, 1000, 1000) == 0);
        CHECK(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 && sig == 0); /* a change of credentials clears it */
        printf("dumpable as uid 1000: %d\n", (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        struct caps e = caps_of(0);
        CHECK(e.eff == 0 && e.prm == 0 && e.inh == 0);
        CHECK(status_agrees());
        CHECK(prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0) == (long)(root.prm & 1));
        CHECK_ERRNO(prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0), EPERM);
        CHECK(caps_of(getppid()).eff == root.eff);
        _exit(guest_failures ? 1 : 0);
    }
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void mode_caps(void) {
    pid_t dead = dead_pid();
    caps_api(dead);
    caps_root();
}

/* ==== process_vm_readv / process_vm_writev ================================================================ */

static long vm_read(int pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn, unsigned long f) {
    return syscall(SYS_process_vm_readv, pid, l, ln, r, rn, f);
}
static long vm_write(int pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn, unsigned long f) {
    return syscall(SYS_process_vm_writev, pid, l, ln, r, rn, f);
}

static void vm_self(pid_t dead) {
    printf("-- within the process\n");
    long pg = 4096;
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4 * pg; i++) m[i] = (char)(i * 7 + i / 4096);
    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *wo = mmap(NULL, pg, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 2 * pg, pg); /* a hole: page 2 */
    static char buf[3 * 4096];
    pid_t me = getpid();
    struct iovec l = {buf, sizeof buf}, r = {m, 100};
    CHECK(vm_read(me, &l, 1, &r, 1, 0) == 100 && memcmp(buf, m, 100) == 0);
    CHECK_ERRNO(vm_read(me, &l, 1, &r, 1, 1), EINVAL);
    CHECK_ERRNO(vm_read(0, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(vm_read(-1, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(vm_read(dead, &l, 1, &r, 1, 0), ESRCH);
    struct iovec r0 = {m, 0};
    CHECK(vm_read(dead, &l, 0, &r, 1, 0) == 0); /* nothing to move: the target is not looked up */
    CHECK(vm_read(dead, &l, 1, &r, 0, 0) == 0);
    CHECK(vm_read(dead, &l, 1, &r0, 1, 0) == 0);
    CHECK_ERRNO(vm_read(me, &l, 1025, &r, 1, 0), EINVAL);
    CHECK_ERRNO(vm_read(me, &l, 1, &r, 1025, 0), EINVAL);
    CHECK_ERRNO(vm_read(me, (void *)8, 1, &r, 1, 0), EFAULT);
    CHECK_ERRNO(vm_read(me, &l, 1, (void *)8, 1, 0), EFAULT);
    CHECK_ERRNO(vm_read(dead, &l, 1, (void *)8, 1, 0), EFAULT); /* the vectors before the target */
    struct iovec neg = {buf, (size_t)-1};
    CHECK_ERRNO(vm_read(me, &neg, 1, &r, 1, 0), EINVAL);
    struct iovec rneg = {m, (size_t)-1};
    CHECK_ERRNO(vm_read(me, &l, 1, &rneg, 1, 0), EINVAL);
    struct iovec kernel = {(void *)0xffff800000000000UL, 16};
    CHECK_ERRNO(vm_read(me, &kernel, 1, &r, 1, 0), EFAULT);

    /* Partial transfers stop at the first page that faults, and report what moved. */
    struct iovec r2 = {m + pg + 10, 2 * pg};
    CHECK(vm_read(me, &l, 1, &r2, 1, 0) == pg - 10);
    struct iovec r5[2] = {{m + pg, pg + 1}, {m, 10}};
    CHECK(vm_read(me, &l, 1, r5, 2, 0) == pg);
    struct iovec whole = {m, 4 * pg};
    CHECK(vm_read(me, &l, 1, &whole, 1, 0) == 2 * pg);
    struct iovec rh = {m + 2 * pg, 10};
    CHECK_ERRNO(vm_read(me, &l, 1, &rh, 1, 0), EFAULT);
    struct iovec rv[3] = {{m, 10}, {m + 2 * pg, 10}, {m + 3 * pg, 10}};
    CHECK(vm_read(me, &l, 1, rv, 3, 0) == 10);
    CHECK(vm_write(me, &l, 1, rv, 3, 0) == 10);
    /* Access rights of the target's pages are the areas' own: no implied read, no forced write. */
    struct iovec rro = {ro, 10}, rnone = {none, 10}, rwo = {wo, 10};
    CHECK(vm_read(me, &l, 1, &rro, 1, 0) == 10);
    CHECK_ERRNO(vm_write(me, &l, 1, &rro, 1, 0), EFAULT);
    CHECK_ERRNO(vm_read(me, &l, 1, &rnone, 1, 0), EFAULT);
    CHECK_ERRNO(vm_write(me, &l, 1, &rnone, 1, 0), EFAULT);
    CHECK_ERRNO(vm_read(me, &l, 1, &rwo, 1, 0), EFAULT);
    CHECK(vm_write(me, &l, 1, &rwo, 1, 0) == 10);
    /* The caller's own buffers: copied up to the byte that faults. */
    r.iov_base = m + 3 * pg;
    r.iov_len = 100;
    struct iovec ledge = {m + 2 * pg - 10, 100};
    CHECK(vm_read(me, &ledge, 1, &r, 1, 0) == 10);
    struct iovec lhole = {m + 2 * pg, 100};
    CHECK_ERRNO(vm_read(me, &lhole, 1, &r, 1, 0), EFAULT);
    CHECK_ERRNO(vm_write(me, &lhole, 1, &r, 1, 0), EFAULT);
    struct iovec lro = {ro, 100};
    CHECK_ERRNO(vm_read(me, &lro, 1, &r, 1, 0), EFAULT);
    CHECK(vm_write(me, &lro, 1, &r, 1, 0) == 100);
    struct iovec lwo = {wo, 100};
    CHECK(vm_write(me, &lwo, 1, &r, 1, 0) == 100); /* write-only memory is readable by the kernel (x86) */
    struct iovec lv[3] = {{buf, 10}, {(void *)8, 10}, {buf + 20, 10}};
    CHECK(vm_read(me, lv, 3, &r, 1, 0) == 10);
    CHECK(vm_write(me, lv, 3, &r, 1, 0) == 10);
    /* Either side may be the shorter one; the iovecs are walked independently. */
    struct iovec small = {buf, 5};
    CHECK(vm_read(me, &small, 1, &r, 1, 0) == 5);
    struct iovec lv2[2] = {{buf, 50}, {buf + 100, 50}};
    struct iovec rv2[3] = {{m, 30}, {m + 40, 30}, {m + 80, 60}};
    memset(buf, 0, 200);
    CHECK(vm_read(me, lv2, 2, rv2, 3, 0) == 100);
    CHECK(memcmp(buf, m, 30) == 0 && memcmp(buf + 30, m + 40, 20) == 0 && memcmp(buf + 100, m + 60, 10) == 0
          && memcmp(buf + 110, m + 80, 40) == 0);
    char src[20] = "abcdefghijklmnopqrs";
    struct iovec ls = {src, 20}, rd = {m + 5, 20};
    CHECK(vm_write(me, &ls, 1, &rd, 1, 0) == 20 && memcmp(m + 5, src, 20) == 0);
    printf("checksum %llx\n", fnv1a(m, 2 * pg, 0));
    munmap(m, 2 * pg);
    munmap(m + 3 * pg, pg);
    munmap(ro, pg);
    munmap(none, pg);
    munmap(wo, pg);
}

static char child_data[64] = "child-secret";

static void vm_child(void) {
    printf("-- another process\n");
    int up[2], down[2];
    pipe(up);
    pipe(down);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        write(up[1], "r", 1);
        char b;
        read(down[0], &b, 1);
        printf("child sees %s\n", child_data);
        fflush(stdout);
        _exit(0);
    }
    char b;
    read(up[0], &b, 1);
    char buf[64] = "";
    struct iovec l = {buf, sizeof buf}, r = {child_data, sizeof child_data};
    strcpy(child_data, "parent-copy");
    CHECK(vm_read(c, &l, 1, &r, 1, 0) == 64 && strcmp(buf, "child-secret") == 0);
    char news[] = "parent-wrote";
    struct iovec wl = {news, sizeof news}, wr = {child_data, sizeof news};
    CHECK(vm_write(c, &wl, 1, &wr, 1, 0) == sizeof news);
    CHECK(strcmp(child_data, "parent-copy") == 0);
    write(down[1], "x", 1);
    int status;
    waitpid(c, &status, 0);
    CHECK_ERRNO(vm_read(c, &l, 1, &r, 1, 0), ESRCH);
    /* A zombie has no memory to read. */
    fflush(stdout);
    c = fork();
    if (c == 0) _exit(0);
    siginfo_t wi;
    waitid(P_PID, c, &wi, WEXITED | WNOWAIT);
    CHECK_ERRNO(vm_read(c, &l, 1, &r, 1, 0), ESRCH);
    waitpid(c, NULL, 0);
    /* A child reading its parent: what the host's Yama ptrace_scope allows (1: descendants only). */
    int scope = 0;
    FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
    if (f) {
        if (fscanf(f, "%d", &scope) != 1) scope = 0;
        fclose(f);
    }
    fflush(stdout);
    c = fork();
    if (c == 0) {
        errno = 0;
        long n = vm_read(getppid(), &l, 1, &r, 1, 0);
        printf("child reads its parent (ptrace_scope %s): %s\n", scope == 0 ? "0" : "other",
               n == 64 ? "ok" : strerror(errno));
        fflush(stdout);
        if (getuid() == 0 && setuid(65534) == 0) {
            errno = 0;
            printf("as another user: %s\n", vm_read(getppid(), &l, 1, &r, 1, 0) == 64 ? "ok" : strerror(errno));
            struct iovec none = {buf, 0};
            printf("nothing to move: %ld\n", vm_read(getppid(), &none, 1, &r, 1, 0));
        }
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);
}

static void mode_vm(void) {
    pid_t dead = dead_pid();
    vm_self(dead);
    vm_child();
}

/* The value of one hex field ("SigIgn:") of /proc/self/status, or -1 when it is missing. */
static long long status_hex(const char *name) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long long v = -1;
    size_t n = strlen(name);
    while (fgets(line, sizeof line, f)) {
        unsigned long long x;
        if (strncmp(line, name, n) == 0 && sscanf(line + n, "%llx", &x) == 1) v = (long long) x;
    }
    fclose(f);
    return v;
}

static void on_signal(int sig) {
    (void) sig;
}

/* SigBlk, SigIgn and SigCgt of /proc/self/status follow sigprocmask and sigaction (only the signals set
 * here are shown: the ones a test harness leaves ignored differ between runners). */
static void mode_sigstatus(void) {
    const unsigned long long mine = (1ULL << (SIGHUP - 1)) | (1ULL << (SIGINT - 1)) | (1ULL << (SIGUSR1 - 1))
            | (1ULL << (SIGUSR2 - 1)) | (1ULL << (SIGTERM - 1));
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, SIG_IGN);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    printf("blk %llx ign %llx cgt %llx\n", status_hex("SigBlk:") & mine, status_hex("SigIgn:") & mine,
           status_hex("SigCgt:") & mine);
    pid_t child = fork();
    if (child == 0) { /* inherited by a fork child; handlers stay handlers until an exec */
        printf("child blk %llx ign %llx cgt %llx\n", status_hex("SigBlk:") & mine, status_hex("SigIgn:") & mine,
               status_hex("SigCgt:") & mine);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    printf("after ign %llx cgt %llx\n", status_hex("SigIgn:") & mine, status_hex("SigCgt:") & mine);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "caps-exec") == 0) {
        caps_exec_report();
        return guest_failures ? 1 : 0;
    }
    setpgid(0, 0); /* a group of its own */
    if (strcmp(mode, "pidfd") == 0) mode_pidfd();
    else if (strcmp(mode, "rwv2") == 0) mode_rwv2();
    else if (strcmp(mode, "sched") == 0) mode_sched();
    else if (strcmp(mode, "caps") == 0) mode_caps();
    else if (strcmp(mode, "vm") == 0) mode_vm();
    else if (strcmp(mode, "sigstatus") == 0) mode_sigstatus();
    else {
        printf("usage: longtail pidfd|rwv2|sched|caps|vm|sigstatus\n");
        return 2;
    }
    return guest_finish();
}
