/* One kind of guest call, N times: `./jlibos bench --host-calls` counts the host syscalls the JVM makes
 * for each (strace -f -c of a run with N and of one with 2N: (calls(2N) - calls(N)) / N, so the JVM's
 * start-up and its own threads cancel out).
 * Usage: hostcalls KIND N [FILE]   (FILE: a regular file for the file kinds; default /etc/passwd)
 * Each kind does its set-up before the loop, so only the loop grows with N. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int open_or_die(const char *path, int flags) {
    int fd = open(path, flags);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: hostcalls KIND N [FILE]\n");
        return 2;
    }
    const char *kind = argv[1], *file = argc > 3 ? argv[3] : "/etc/passwd";
    long n = atol(argv[2]), ok = 0;
    char buf[64] = {0};
    if (!strcmp(kind, "getppid")) {
        for (long i = 0; i < n; i++) ok += syscall(SYS_getppid) > 0;
    } else if (!strcmp(kind, "identity")) { /* getuid, getgid, gettid, getpid */
        for (long i = 0; i < n; i++)
            ok += syscall(SYS_getuid) >= 0 && syscall(SYS_getgid) >= 0 && syscall(SYS_gettid) > 0 && syscall(SYS_getpid) > 0;
        n *= 4, ok *= 4;
    } else if (!strcmp(kind, "clock")) { /* the syscall, not the vDSO */
        struct timespec ts;
        for (long i = 0; i < n; i++) ok += syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == 0;
    } else if (!strcmp(kind, "dev-zero") || !strcmp(kind, "dev-urandom") || !strcmp(kind, "dev-random")) {
        int fd = open_or_die(!strcmp(kind, "dev-zero") ? "/dev/zero" : !strcmp(kind, "dev-random") ? "/dev/random" : "/dev/urandom", O_RDONLY);
        for (long i = 0; i < n; i++) ok += read(fd, buf, 16) == 16;
    } else if (!strcmp(kind, "dev-null")) {
        int fd = open_or_die("/dev/null", O_WRONLY);
        for (long i = 0; i < n; i++) ok += write(fd, buf, 16) == 16;
    } else if (!strcmp(kind, "dev-full")) {
        int fd = open_or_die("/dev/full", O_WRONLY);
        for (long i = 0; i < n; i++) ok += write(fd, buf, 16) < 0;
    } else if (!strcmp(kind, "getrandom")) {
        for (long i = 0; i < n; i++) ok += getrandom(buf, 16, 0) == 16;
    } else if (!strcmp(kind, "pipe")) { /* a byte there and back through one pipe, no blocking */
        int p[2];
        if (pipe(p)) return 2;
        for (long i = 0; i < n; i++) ok += write(p[1], buf, 1) == 1 && read(p[0], buf, 1) == 1;
        n *= 2, ok *= 2;
    } else if (!strcmp(kind, "eventfd")) {
        int fd = eventfd(0, 0);
        unsigned long long v = 1;
        for (long i = 0; i < n; i++) ok += write(fd, &v, 8) == 8 && read(fd, &v, 8) == 8;
        n *= 2, ok *= 2;
    } else if (!strcmp(kind, "timerfd")) { /* an expired periodic timer: every read returns at once */
        int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
        struct itimerspec its = {{0, 1000}, {0, 1000}};
        unsigned long long v;
        timerfd_settime(fd, 0, &its, NULL);
        for (long i = 0; i < n; i++) {
            if (read(fd, &v, 8) == 8) ok++;
            else ok += 1, v = 0; /* EAGAIN between two expiries is a served call too */
        }
    } else if (!strcmp(kind, "signal")) { /* sigprocmask, and a blocked signal raised and taken back */
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        for (long i = 0; i < n; i++) {
            int sig;
            ok += sigprocmask(SIG_BLOCK, &set, &old) == 0 && kill(getpid(), SIGUSR1) == 0 && sigwait(&set, &sig) == 0
                    && sigprocmask(SIG_SETMASK, &old, NULL) == 0;
        }
        n *= 5, ok *= 5; /* getpid is one of them */
    } else if (!strcmp(kind, "futex")) { /* wake without waiters; wait on a changed value */
        static int word = 1;
        for (long i = 0; i < n; i++)
            ok += syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0
                    && syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == -1;
        n *= 2, ok *= 2;
    } else if (!strcmp(kind, "mprotect")) { /* guest memory calls that do not change the host mapping */
        char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (long i = 0; i < n; i++)
            ok += mprotect(p, 4096, PROT_READ) == 0 && mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0;
        n *= 2, ok *= 2;
    } else if (!strcmp(kind, "mmap")) { /* anonymous map + unmap */
        for (long i = 0; i < n; i++) {
            char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            ok += p != MAP_FAILED && munmap(p, 1 << 16) == 0;
        }
        n *= 2, ok *= 2;
    } else if (!strcmp(kind, "file-read")) { /* 16 bytes at a time, rewinding at the end */
        int fd = open_or_die(file, O_RDONLY);
        for (long i = 0; i < n; i++) {
            ssize_t r = read(fd, buf, 16);
            if (r == 0) lseek(fd, 0, SEEK_SET);
            ok += r >= 0;
        }
    } else if (!strcmp(kind, "file-pread")) {
        int fd = open_or_die(file, O_RDONLY);
        for (long i = 0; i < n; i++) ok += pread(fd, buf, 16, (i * 16) % 256) >= 0;
    } else if (!strcmp(kind, "file-pwrite")) { /* FILE is scratch: overwritten */
        int fd = open_or_die(file, O_RDWR);
        for (long i = 0; i < n; i++) ok += pwrite(fd, buf, 16, (i * 16) % 256) == 16;
    } else if (!strcmp(kind, "file-lseek")) {
        int fd = open_or_die(file, O_RDONLY);
        for (long i = 0; i < n; i++) ok += lseek(fd, i % 256, SEEK_SET) == i % 256;
    } else if (!strcmp(kind, "file-fstat")) {
        int fd = open_or_die(file, O_RDONLY);
        struct stat st;
        for (long i = 0; i < n; i++) ok += fstat(fd, &st) == 0;
    } else {
        fprintf(stderr, "hostcalls: unknown kind %s\n", kind);
        return 2;
    }
    printf("%s %ld of %ld calls as expected\n", kind, ok, n);
    return ok == n ? 0 : 1;
}
