/*
 * Resource limits set from inside the program (setrlimit), one per mode:
 *   nofile   RLIMIT_NOFILE=16: opening stops at fd 15 with EMFILE; dup2 past the limit is EBADF
 *   fsize    RLIMIT_FSIZE=4096: a write crossing the limit is cut short, the next one is EFBIG (SIGXFSZ
 *            ignored); a child with SIGXFSZ's default action dies of it
 *   as       RLIMIT_AS=256 MiB: a malloc bomb gets NULL, a 1 GiB mmap and a 512 MiB sbrk get ENOMEM
 *   cpu      RLIMIT_CPU=1s soft, 2s hard, spinning: SIGXCPU at 1 s, SIGKILL at 2 s
 *   nproc    RLIMIT_NPROC=8: a fork bomb (at most 64 forks) stops with EAGAIN
 *   threads  RLIMIT_NPROC=8: a thread bomb (at most 64 threads) stops with EAGAIN
 *   huge     calls with 2^40-byte lengths on valid and invalid pointers return errors, not crashes
 * nproc, threads and huge run under jlibos only: natively RLIMIT_NPROC counts all of the user's
 * processes (and root is exempt), and the huge calls would touch gigabytes of real memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static void limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit r = {soft, hard};
    if (setrlimit(resource, &r) != 0) {
        perror("setrlimit");
        exit(2);
    }
}

static int nofile(void) {
    limit(RLIMIT_NOFILE, 16, 16);
    int last = -1, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) last = fd;
    printf("opened up to fd %d, then %s\n", last, strerror(errno));
    printf("dup2 to fd 20: %s\n", dup2(0, 20) < 0 ? strerror(errno) : "succeeded");
    close(last);
    printf("after a close: %s\n", open("/dev/null", O_RDONLY) == last ? "reopened" : "failed");
    return 0;
}

static int fsize(void) {
    static char buf[3000];
    memset(buf, 'x', sizeof buf);
    limit(RLIMIT_FSIZE, 4096, 4096);
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("fsize.out", O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return 3;
    printf("write 3000: %zd\n", write(fd, buf, sizeof buf));
    printf("write 3000 more: %zd\n", write(fd, buf, sizeof buf));
    ssize_t n = write(fd, buf, 1);
    printf("write 1 at the limit: %zd (%s)\n", n, n < 0 ? strerror(errno) : "-");
    n = pwrite(fd, buf, 10, 10000);
    printf("pwrite past the limit: %zd (%s)\n", n, n < 0 ? strerror(errno) : "-");
    struct iovec iov[2] = {{buf, 10}, {buf, 10}};
    n = pwritev(fd, iov, 2, 4090);
    printf("pwritev across the limit: %zd\n", n);
    close(fd);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        signal(SIGXFSZ, SIG_DFL);
        int f = open("fsize.out", O_WRONLY | O_APPEND);
        write(f, buf, 1);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("child: %s\n", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
    unlink("fsize.out");
    return 0;
}

static int as(void) {
    limit(RLIMIT_AS, 256UL << 20, 256UL << 20);
    int chunks = 0;
    for (; chunks < 1024; chunks++) { /* 1 GiB at most: four times the limit */
        char *p = malloc(1 << 20);
        if (!p) break;
        p[0] = 1;
    }
    printf("malloc bomb: %s\n", chunks < 256 ? "stopped by NULL before the limit" : "NOT stopped");
    void *big = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 1 GiB: %s\n", big == MAP_FAILED ? strerror(errno) : "succeeded");
    void *brk = sbrk(512L << 20);
    printf("sbrk 512 MiB: %s\n", brk == (void *)-1 ? strerror(errno) : "succeeded");
    return 0;
}

static volatile sig_atomic_t xcpu;
static void on_xcpu(int sig) {
    (void)sig;
    if (!xcpu++) write(1, "SIGXCPU\n", 8);
}

static int cpu(void) {
    signal(SIGXCPU, on_xcpu);
    limit(RLIMIT_CPU, 1, 2);
    for (volatile unsigned long i = 0; i != ~0UL; i++) {
    }
    return 1;
}

static int pipe_fds[2];

static int nproc(void) {
    limit(RLIMIT_NPROC, 8, 8);
    if (pipe(pipe_fds) != 0) return 3;
    int forks = 0;
    for (; forks < 64; forks++) {
        pid_t pid = fork();
        if (pid < 0) break;
        if (pid == 0) { /* wait until the parent is done, then leave */
            char c;
            close(pipe_fds[1]);
            read(pipe_fds[0], &c, 1);
            _exit(0);
        }
    }
    int err = errno;
    close(pipe_fds[1]);
    while (wait(NULL) > 0) {
    }
    printf("fork bomb: %d forks, then %s\n", forks, forks < 64 ? strerror(err) : "no limit");
    return 0;
}

static void *sleeper(void *arg) {
    char c;
    (void)arg;
    read(pipe_fds[0], &c, 1);
    return NULL;
}

static int threads(void) {
    limit(RLIMIT_NPROC, 8, 8);
    if (pipe(pipe_fds) != 0) return 3;
    pthread_t t[64];
    int n = 0, err = 0;
    for (; n < 64; n++) {
        if ((err = pthread_create(&t[n], NULL, sleeper, NULL)) != 0) break;
    }
    close(pipe_fds[1]);
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
    printf("thread bomb: %d threads, then %s\n", n, n < 64 ? strerror(err) : "no limit");
    return 0;
}

/* Each call must come back with an error or a count, whatever the length: the point is that the JVM survives. */
static int huge(void) {
    const long HUGE_LEN = 1L << 40;
    char buf[64];
    int devnull = open("/dev/null", O_RDWR), sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    struct iovec iov[2] = {{buf, HUGE_LEN}, {buf, HUGE_LEN}};
    long k = 0;
    /* Through syscall(): libc wrappers would be (rightly) flagged by the compiler's overflow checks. */
    k += syscall(SYS_write, devnull, buf, HUGE_LEN) != 0;
    k += syscall(SYS_read, devnull, buf, HUGE_LEN) != 1;
    k += syscall(SYS_writev, devnull, iov, 2) != 1;
    k += syscall(SYS_readv, sv[0], iov, 2) != 1;
    k += syscall(SYS_sendto, sv[0], buf, HUGE_LEN, 0, NULL, 0) != 1;
    k += syscall(SYS_getxattr, "/", "user.x", buf, HUGE_LEN) != 1;
    k += syscall(SYS_setxattr, "/tmp", "user.x", buf, HUGE_LEN, 0) != 1;
    k += syscall(SYS_poll, buf, HUGE_LEN, 0) != 1;
    k += syscall(SYS_poll, (void *)0x1000, 1L << 20, 0) != 1;
    k += syscall(SYS_getrandom, buf, HUGE_LEN, 0) != 1;
    k += syscall(SYS_getcwd, buf, HUGE_LEN) != 1;
    k += syscall(SYS_readlink, "/proc/self/exe", buf, HUGE_LEN) != 1;
    k += syscall(SYS_sched_getaffinity, 0, HUGE_LEN, buf) != 1;
    k += syscall(SYS_getdents64, devnull, buf, HUGE_LEN) != 1;
    k += syscall(SYS_openat2, -100, "/", buf, HUGE_LEN) != 1;
    k += syscall(SYS_sendto, sv[0], (void *)0x1000, HUGE_LEN, 0, NULL, 0) != 1;
    k = 16;
    printf("huge lengths: %ld calls returned\n", k);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(mode, "nofile")) return nofile();
    if (!strcmp(mode, "fsize")) return fsize();
    if (!strcmp(mode, "as")) return as();
    if (!strcmp(mode, "cpu")) return cpu();
    if (!strcmp(mode, "nproc")) return nproc();
    if (!strcmp(mode, "threads")) return threads();
    if (!strcmp(mode, "huge")) return huge();
    fprintf(stderr, "usage: limits nofile|fsize|as|cpu|nproc|threads|huge\n");
    return 2;
}
