/* Deterministic mode (Machine.Builder.deterministic): prints what would differ between two runs on
 * Linux -- clocks, random bytes from getrandom, /dev/urandom and AT_RANDOM, identity, and the order in
 * which 3 threads take a mutex -- so DeterminismTest can compare two runs byte for byte. Natively only the
 * exit status is compared. "sleep" sleeps a virtual minute. "procs" forks 3 children, each with 2
 * threads, that send a line in small pieces through pipes the parent polls: how the pieces arrive, when
 * SIGCHLD comes between them, and the clocks are what host timing would change. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/time.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <poll.h>
#include <signal.h>
#include <errno.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char logbuf[4096];
static int loglen;

static void *worker(void *arg) {
    long id = (long) arg;
    for (int i = 0; i < 8; i++) {
        pthread_mutex_lock(&lock);
        loglen += snprintf(logbuf + loglen, sizeof logbuf - loglen, "%ld", id);
        pthread_mutex_unlock(&lock);
        if ((i + id) % 2) sched_yield();
        volatile long spin = 0;
        for (long k = 0; k < 1000 * (id + 1); k++) spin += k;
    }
    return NULL;
}

static volatile sig_atomic_t chld_seen;

static void on_chld(int sig) {
    (void) sig;
    chld_seen++;
}

/* A child: two threads take the mutex in turns, then the line goes out 7 bytes per write. */
static void child(int index, int out) {
    loglen = 0;
    logbuf[0] = 0;
    pthread_t t[2];
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *) i);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    unsigned char r[4] = {0};
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, r, sizeof r) != sizeof r) _exit(100);
    close(fd);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char line[256];
    int n = snprintf(line, sizeof line, "child %d pid %d log %s urandom %02x%02x%02x%02x mono %lld.%09ld\n", index,
                     getpid(), logbuf, r[0], r[1], r[2], r[3], (long long) ts.tv_sec, ts.tv_nsec);
    for (int off = 0; off < n; off += 7) {
        int len = n - off < 7 ? n - off : 7;
        if (write(out, line + off, len) != len) _exit(101);
        volatile long spin = 0;
        for (long k = 0; k < 2000L * (index + 1); k++) spin += k;
    }
    _exit(index + 1);
}

static int procs(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    struct pollfd p[3];
    for (int c = 0; c < 3; c++) {
        int fds[2];
        if (pipe(fds) != 0) return 1;
        pid_t pid = fork();
        if (pid < 0) return 2;
        if (pid == 0) {
            close(fds[0]);
            child(c, fds[1]);
        }
        close(fds[1]);
        p[c].fd = fds[0];
        p[c].events = POLLIN;
    }
    /* How the pieces arrive and how many SIGCHLDs came before each read. */
    static char events[16384], lines[3][512];
    int elen = 0, llen[3] = {0}, open_pipes = 3;
    while (open_pipes > 0) {
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR) continue;
            return 3;
        }
        for (int c = 0; c < 3; c++) {
            if (p[c].fd < 0 || p[c].revents == 0) continue;
            ssize_t n = read(p[c].fd, lines[c] + llen[c], sizeof lines[c] - 1 - llen[c]);
            if (n > 0) {
                llen[c] += n;
                elen += snprintf(events + elen, sizeof events - elen, "%d:%zd/%d ", c, n, (int) chld_seen);
            } else {
                elen += snprintf(events + elen, sizeof events - elen, "%d:eof/%d ", c, (int) chld_seen);
                close(p[c].fd);
                p[c].fd = -1;
                open_pipes--;
            }
        }
    }
    int polls = 0, reaped = 0, statuses = 0;
    while (reaped < 3) {
        int st;
        pid_t w = waitpid(-1, &st, WNOHANG);
        if (w > 0) {
            reaped++;
            statuses = statuses * 10 + WEXITSTATUS(st);
        } else if (w == 0) {
            polls++;
            sched_yield();
        } else {
            return 4;
        }
    }
    for (int c = 0; c < 3; c++) {
        lines[c][llen[c]] = 0;
        printf("%s", lines[c]);
    }
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("events %s\nreaped %d statuses %d polls %d sigchld %d\nend %lld.%09ld\n", events, reaped, statuses, polls,
           (int) chld_seen, (long long) rt.tv_sec, rt.tv_nsec);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "procs") == 0) return procs();
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        time_t start = time(NULL);
        sleep(60);
        printf("slept %lld s\n", (long long) (time(NULL) - start));
        return 0;
    }
    struct timespec rt, mono, cpu;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("realtime %lld.%09ld monotonic %lld.%09ld cpu %lld.%09ld\n", (long long) rt.tv_sec, rt.tv_nsec,
           (long long) mono.tv_sec, mono.tv_nsec, (long long) cpu.tv_sec, cpu.tv_nsec);
    printf("gettimeofday %lld.%06ld time %lld\n", (long long) tv.tv_sec, (long) tv.tv_usec, (long long) time(NULL));
    struct timespec nap = {0, 250000000}, before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long slept = (after.tv_sec - before.tv_sec) * 1000000000L + (after.tv_nsec - before.tv_nsec);
    printf("slept at least 250 ms: %s\n", slept >= 250000000L ? "yes" : "no");

    unsigned char r[16];
    getrandom(r, sizeof r, 0);
    printf("getrandom ");
    for (int i = 0; i < 16; i++) printf("%02x", r[i]);
    int fd = open("/dev/urandom", O_RDONLY);
    read(fd, r, sizeof r);
    close(fd);
    printf("\nurandom ");
    for (int i = 0; i < 16; i++) printf("%02x", r[i]);
    unsigned char *at = (unsigned char *) getauxval(AT_RANDOM);
    printf("\nat_random ");
    for (int i = 0; i < 16; i++) printf("%02x", at[i]);
    srand(time(NULL));
    printf("\nrand %d\n", rand());

    struct utsname u;
    uname(&u);
    char host[64];
    gethostname(host, sizeof host);
    printf("pid %d uid %d gid %d host %s release %s\n", getpid(), getuid(), getgid(), host, u.release);

    pthread_t t[3];
    for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, (void *) i);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    printf("log %s\n", logbuf);
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("end %lld.%09ld\n", (long long) rt.tv_sec, rt.tv_nsec);
    return 0;
}
