/* lmbench-style micro benchmarks for `./jlibos bench` (after lmbench's lat_syscall, lat_pipe, lat_proc).
 * Each mode times N operations with CLOCK_MONOTONIC around the loop, so start-up is excluded.
 * Usage: lmbench MODE N [FILE]   prints "ns_per_op <value>"
 *   null       getppid()                                  (lat_syscall null)
 *   read       read 1 byte from /dev/zero                 (lat_syscall read)
 *   write      write 1 byte to /dev/null                  (lat_syscall write)
 *   openclose  open(FILE) + close                         (lat_syscall open)
 *   stat       stat(FILE)                                 (lat_syscall stat)
 *   pipe       one byte there and back between two processes over two pipes (lat_pipe)
 *   fork       fork + _exit + waitpid                     (lat_proc fork)
 *   futex      a turn there and back between two threads over two futex words
 *   procself   open + read + close of /proc/self/stat
 *   fileread   read 16 bytes of FILE, rewinding at its end (a call the host must serve) */
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* futex ping-pong: each side waits until the shared turn counter is its own, then passes it on. */
static _Atomic int turn;
static long rounds;

static void futex_wait(_Atomic int *w, int v) {
    syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *w) {
    syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg) {
    (void) arg;
    for (long i = 0; i < rounds; i++) {
        int t;
        while ((t = atomic_load(&turn)) != 2 * i + 1) futex_wait(&turn, t);
        atomic_store(&turn, 2 * i + 2);
        futex_wake(&turn);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: lmbench MODE N [FILE]\n");
        return 2;
    }
    const char *mode = argv[1];
    long n = atol(argv[2]);
    const char *file = argc > 3 ? argv[3] : "/etc/passwd";
    long sum = 0;
    char c = 0;
    long long start = 0, elapsed;
    if (!strcmp(mode, "null")) {
        start = now_ns();
        for (long i = 0; i < n; i++) sum += syscall(SYS_getppid);
    } else if (!strcmp(mode, "read")) {
        int fd = open("/dev/zero", O_RDONLY);
        start = now_ns();
        for (long i = 0; i < n; i++) sum += read(fd, &c, 1);
    } else if (!strcmp(mode, "write")) {
        int fd = open("/dev/null", O_WRONLY);
        start = now_ns();
        for (long i = 0; i < n; i++) sum += write(fd, &c, 1);
    } else if (!strcmp(mode, "openclose")) {
        start = now_ns();
        for (long i = 0; i < n; i++) {
            int fd = open(file, O_RDONLY);
            sum += fd;
            close(fd);
        }
    } else if (!strcmp(mode, "stat")) {
        struct stat st;
        start = now_ns();
        for (long i = 0; i < n; i++) sum += stat(file, &st) == 0;
    } else if (!strcmp(mode, "pipe")) {
        int there[2], back[2];
        if (pipe(there) || pipe(back)) return 1;
        pid_t child = fork();
        if (child == 0) {
            close(there[1]); /* else the loop below never sees EOF */
            close(back[0]);
            for (;;) {
                if (read(there[0], &c, 1) != 1) _exit(0);
                if (write(back[1], &c, 1) != 1) _exit(1);
            }
        }
        close(there[0]);
        close(back[1]);
        start = now_ns();
        for (long i = 0; i < n; i++) {
            if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) return 1;
            sum++;
        }
        elapsed = now_ns() - start;
        close(there[1]);
        waitpid(child, NULL, 0);
        printf("ns_per_op %.1f\n", n > 0 ? (double) elapsed / n : 0.0);
        return n > 0 && sum == 0;
    } else if (!strcmp(mode, "fork")) {
        start = now_ns();
        for (long i = 0; i < n; i++) {
            pid_t p = fork();
            if (p == 0) _exit(0);
            sum += waitpid(p, NULL, 0) == p;
        }
    } else if (!strcmp(mode, "futex")) {
        pthread_t partner;
        rounds = n;
        if (pthread_create(&partner, NULL, futex_partner, NULL)) return 1;
        start = now_ns();
        for (long i = 0; i < n; i++) {
            atomic_store(&turn, 2 * i + 1);
            futex_wake(&turn);
            int t;
            while ((t = atomic_load(&turn)) != 2 * i + 2) futex_wait(&turn, t);
            sum++;
        }
        elapsed = now_ns() - start;
        pthread_join(partner, NULL);
        printf("ns_per_op %.1f\n", n > 0 ? (double) elapsed / n : 0.0);
        return n > 0 && sum == 0;
    } else if (!strcmp(mode, "procself")) {
        char buf[512];
        start = now_ns();
        for (long i = 0; i < n; i++) {
            int fd = open("/proc/self/stat", O_RDONLY);
            sum += read(fd, buf, sizeof buf) > 0;
            close(fd);
        }
    } else if (!strcmp(mode, "fileread")) {
        char buf[16];
        int fd = open(file, O_RDONLY);
        if (fd < 0) return 1;
        start = now_ns();
        for (long i = 0; i < n; i++) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r == 0) lseek(fd, 0, SEEK_SET);
            sum += r >= 0;
        }
    } else {
        fprintf(stderr, "lmbench: unknown mode %s\n", mode);
        return 2;
    }
    elapsed = now_ns() - start;
    printf("ns_per_op %.1f\n", n > 0 ? (double) elapsed / n : 0.0);
    return n > 0 && sum == 0; /* keeps the loops from being optimised away */
}
