/* lmbench-style micro benchmarks for `./jlibos bench` (after lmbench's lat_syscall, lat_pipe, lat_proc).
 * Each mode times N operations with CLOCK_MONOTONIC around the loop, so start-up is excluded.
 * Usage: lmbench MODE N [FILE]   prints "ns_per_op <value>"
 *   null       getppid()                                  (lat_syscall null)
 *   read       read 1 byte from /dev/zero                 (lat_syscall read)
 *   write      write 1 byte to /dev/null                  (lat_syscall write)
 *   openclose  open(FILE) + close                         (lat_syscall open)
 *   stat       stat(FILE)                                 (lat_syscall stat)
 *   pipe       one byte there and back between two processes over two pipes (lat_pipe)
 *   fork       fork + _exit + waitpid                     (lat_proc fork) */
#include <fcntl.h>
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
        return sum == 0;
    } else if (!strcmp(mode, "fork")) {
        start = now_ns();
        for (long i = 0; i < n; i++) {
            pid_t p = fork();
            if (p == 0) _exit(0);
            sum += waitpid(p, NULL, 0) == p;
        }
    } else {
        fprintf(stderr, "lmbench: unknown mode %s\n", mode);
        return 2;
    }
    elapsed = now_ns() - start;
    printf("ns_per_op %.1f\n", n > 0 ? (double) elapsed / n : 0.0);
    return sum == 0; /* keeps the loops from being optimised away */
}
