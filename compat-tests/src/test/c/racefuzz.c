/*
 * The race fuzzer (issue 17): threads that race served calls against each other. Each round is a process
 * forked by the supervisor; in it 2-4 threads (and the main thread) pick, from a stream seeded with
 * (seed, round, thread), either a call that reads or writes a shared buffer or blocks on a shared fd
 * (read, write, readv, pread, recv, recvmsg, getdents64, poll, select, epoll_wait, futex, accept,
 * sigtimedwait...), or a disruption of what the others use: munmap, mprotect, mremap, madvise or a
 * MAP_FIXED remap (anonymous, or a shared file mapping that ftruncate then cuts) of the buffer; close,
 * dup2 or a new object over an fd; shutdown; a signal to a thread (handlers with and without SA_RESTART);
 * and rarely fork, execve, a fatal signal to the process or exit_group from a thread. After 20-100 ms a
 * thread of its own calls exit_group while the others (the main thread too) are mid-call.
 *
 * Usage: racefuzz SEED ROUNDS. Shrinking the file while it is mapped MAP_SHARED took the whole JVM down
 * with SIGBUS until jlibos replaced the pages past the new end (README Robustness); it is always on now,
 * and "notruncate" as a third argument leaves it out. The timing is the host's, so the outcome of a round is not reproducible,
 * only its choices are: a finding is replayed by running its seed again (or more rounds of it).
 * Prints one line: "racefuzz: seed S, R rounds: E exited, K killed (SIG n...), H hangs, U unexpected", then
 * one "unexpected ..." line per round that ended otherwise than by exit 0 or a signal the round sent itself.
 * A round that does not end within 10 s is a hang (killed); one that SIGKILL does not end is "unkillable".
 *
 * It makes calls only on objects it created and writes only below its working directory; the test runs
 * it in a jlibos sandbox, natively it is harmless but proves nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L
#define REGION_PAGES 16
#define REGION (REGION_PAGES * PAGE)
#define SLOTS 10
#define MAX_THREADS 4
#define HANG_MS 10000
#define FUTEX_WAIT 0 /* linux/futex.h is not in every libc's headers */

/* ---- randomness: a splitmix64 stream per (seed, round, thread) ---- */
struct rng {
    uint64_t s;
};
static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint64_t next(struct rng *r) { return mix(r->s += 0x9E3779B97F4A7C15ULL); }
static uint64_t below(struct rng *r, uint64_t n) { return n ? next(r) % n : 0; }

static uint64_t seed;
static long round_no;
static int truncate_mapped; /* shrink the file while it is mapped shared (off with argv[3] "notruncate") */

/* ---- what the threads share (set up by each round's process) ---- */
static char *region;               /* REGION bytes between two PROT_NONE guard pages */
static int slots[SLOTS];           /* fds the calls use and the disruptions replace */
static int file_fd, dir_fd, listen_fd, epoll_fd;
static volatile pid_t tids[MAX_THREADS + 1];
static int nthreads;
#define REPORT_FD 1000             /* a byte here tells the supervisor the round may die of its own signal */

static long sys(long n, long a, long b, long c, long d, long e, long f) {
    long r = syscall(n, a, b, c, d, e, f);
    return r < 0 ? -errno : r;
}

/*
 * Before a signal whose default action ends the process (SIGTERM, SIGKILL, SIGPIPE, or after execve the
 * signals the threads send each other): the supervisor then accepts the death.
 */
static void may_die_of_own_signal(void) {
    write(REPORT_FD, "x", 1);
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static void on_signal(int s) {
    (void)s;
    syscall(SYS_getpid); /* a call inside the handler, on top of the interrupted one */
}

/* A pointer into the region (or just before or past it, into a guard page) and a length that fits mostly. */
static char *somewhere(struct rng *r, long *len) {
    long off = below(r, 8) == 0 ? -(long)below(r, 64) : (long)below(r, REGION);
    long room = REGION - off;
    *len = below(r, 4) == 0 ? room + (long)below(r, 2 * PAGE) : 1 + (long)below(r, room < 9000 ? room : 9000);
    return region + off;
}

static int slot(struct rng *r) { return slots[below(r, SLOTS)]; }

/* A new object in slot k: a pipe end, a socket, a file, a directory or an eventfd. */
static void new_object(struct rng *r, int k) {
    int p[2], fd = -1;
    switch (below(r, 6)) {
    case 0: if (pipe2(p, below(r, 2) ? O_NONBLOCK : 0) == 0) { fd = p[below(r, 2)]; close(p[fd == p[0]]); } break;
    case 1: if (socketpair(AF_UNIX, below(r, 2) ? SOCK_STREAM : SOCK_DGRAM, 0, p) == 0) { fd = p[0]; close(p[1]); } break;
    case 2: fd = open("f", O_RDWR | O_CREAT, 0644); break;
    case 3: fd = open(".", O_RDONLY | O_DIRECTORY); break;
    case 4: fd = eventfd(below(r, 2), 0); break;
    default: fd = dup(file_fd); break;
    }
    if (fd < 0) return;
    if (dup2(fd, slots[k]) >= 0) close(fd);
}

/* One call that uses the region or an fd, possibly blocking until data, a signal or the round's end. */
static void use(struct rng *r) {
    long len;
    char *p = somewhere(r, &len);
    int fd = slot(r);
    struct iovec iov[4];
    for (int i = 0; i < 4; i++) { long l; iov[i].iov_base = somewhere(r, &l); iov[i].iov_len = l; }
    struct timespec short_wait = {0, 1000000L * (1 + (long)below(r, 30))};
    switch (below(r, 24)) {
    case 0: sys(SYS_read, fd, (long)p, len, 0, 0, 0); break;
    case 1: sys(SYS_write, fd, (long)p, len, 0, 0, 0); break;
    case 2: sys(SYS_readv, fd, below(r, 4) ? (long)iov : (long)p, 1 + below(r, 4), 0, 0, 0); break;
    case 3: sys(SYS_writev, fd, below(r, 4) ? (long)iov : (long)p, 1 + below(r, 4), 0, 0, 0); break;
    case 4: sys(SYS_pread64, below(r, 2) ? file_fd : fd, (long)p, len, below(r, 8192), 0, 0); break;
    case 5: sys(SYS_pwrite64, below(r, 2) ? file_fd : fd, (long)p, len, below(r, 8192), 0, 0); break;
    case 6: sys(SYS_recvfrom, fd, (long)p, len, below(r, 2) ? MSG_DONTWAIT : 0, 0, 0); break;
    case 7: sys(SYS_sendto, fd, (long)p, len, MSG_NOSIGNAL | (below(r, 2) ? MSG_DONTWAIT : 0), 0, 0); break;
    case 8: {
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = 1 + below(r, 4)};
        sys(SYS_recvmsg, fd, below(r, 4) ? (long)&m : (long)p, 0, 0, 0, 0);
        break;
    }
    case 9: sys(SYS_getdents64, below(r, 2) ? dir_fd : fd, (long)p, len, 0, 0, 0); break;
    case 10: {
        struct pollfd pf[3] = {{slot(r), POLLIN, 0}, {slot(r), POLLOUT, 0}, {fd, POLLIN | POLLPRI, 0}};
        sys(SYS_poll, below(r, 4) ? (long)pf : (long)p, 1 + below(r, 3), 1 + below(r, 30), 0, 0, 0);
        break;
    }
    case 11: {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(fd, &rd);
        struct timeval tv = {0, 1000 * (1 + (long)below(r, 30))};
        sys(SYS_select, fd + 1, below(r, 4) ? (long)&rd : (long)p, 0, 0, (long)&tv, 0);
        break;
    }
    case 12: sys(SYS_epoll_wait, epoll_fd, (long)p, 1 + below(r, 8), 1 + below(r, 30), 0, 0); break;
    case 13: sys(SYS_futex, (long)p & ~3L, FUTEX_WAIT, below(r, 2) ? 0 : (long)next(r), (long)&short_wait, 0, 0); break;
    case 14: sys(SYS_accept4, listen_fd, below(r, 2) ? (long)p : 0, below(r, 2) ? (long)(p + 8) : 0, 0, 0, 0); break;
    case 15: sys(SYS_fstat, fd, (long)p, 0, 0, 0, 0); break;
    case 16: sys(SYS_getcwd, (long)p, len, 0, 0, 0, 0); break;
    case 17: {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR2);
        sys(SYS_rt_sigtimedwait, (long)&set, (long)p, (long)&short_wait, 8, 0, 0);
        break;
    }
    case 18: sys(SYS_readlink, (long)"/proc/self/exe", (long)p, len, 0, 0, 0); break;
    case 19: sys(SYS_ioctl, fd, FIONREAD, (long)p, 0, 0, 0); break;
    case 20: sys(SYS_getrandom, (long)p, len, 0, 0, 0, 0); break;
    case 21: sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&short_wait, (long)p, 0, 0); break;
    case 22: sys(SYS_sendfile, fd, file_fd, below(r, 2) ? (long)p : 0, len, 0, 0); break;
    default: sys(SYS_wait4, -1, (long)p, below(r, 2) ? WNOHANG : 0, 0, 0, 0); break;
    }
}

/* One disruption of what the other threads' calls use. */
static void disrupt(struct rng *r) {
    long first = below(r, REGION_PAGES), pages = 1 + below(r, REGION_PAGES - first);
    char *at = region + first * PAGE;
    long len = pages * PAGE;
    switch (below(r, 18)) {
    case 0: case 1: munmap(at, len); break;
    case 2: mprotect(at, len, (int)below(r, 8)); break;
    case 3: case 4: mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); break;
    case 5: /* a shared mapping of the file, which a later ftruncate can leave beyond the end of the file */
        if (truncate_mapped) ftruncate(file_fd, len); /* else the file keeps REGION bytes (setup) */
        mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, file_fd, 0);
        break;
    case 6: /* shrinking the file under a shared mapping (it used to crash the JVM with SIGBUS) */
        if (truncate_mapped) ftruncate(file_fd, (off_t)below(r, 3 * PAGE));
        break;
    case 7: madvise(at, len, below(r, 2) ? MADV_DONTNEED : MADV_FREE); break;
    case 8: if (pages > 1) mremap(at, len, len - PAGE * (1 + (long)below(r, pages - 1)), 0); break;
    case 9: close(slot(r)); break;
    case 10: dup2(slot(r), slot(r)); break;
    case 11: new_object(r, (int)below(r, SLOTS)); break;
    case 12: shutdown(slot(r), (int)below(r, 3)); break;
    case 13: { /* wake readers: a few bytes to a pipe or socket, an eventfd count, a connection */
        uint64_t one = 1;
        write(slot(r), &one, 8);
        break;
    }
    case 14: {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT};
        int fd = slot(r);
        ev.data.fd = fd;
        epoll_ctl(epoll_fd, below(r, 2) ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev);
        break;
    }
    case 15: fcntl(slot(r), F_SETFL, below(r, 2) ? O_NONBLOCK : 0); break;
    case 16: case 17: { /* a signal to a thread: handlers with and without SA_RESTART, one ignored */
        static const int sigs[] = {SIGUSR1, SIGUSR2, SIGALRM, SIGURG, SIGCHLD};
        pid_t t = tids[below(r, nthreads + 1)];
        if (t) syscall(SYS_tgkill, getpid(), t, sigs[below(r, 5)]);
        break;
    }
    }
}

/* Rare: what ends or replaces the process while the other threads are mid-call. */
static void rare(struct rng *r) {
    switch (below(r, 5)) {
    case 0: { pid_t c = fork(); if (c == 0) syscall(SYS_exit_group, 0); break; }
    case 1: {
        char *argv[] = {"racefuzz", NULL};
        /* The new image exits 0 at once, unless a signal another thread sent just before meets its default
         * handlers first (as on Linux). */
        may_die_of_own_signal();
        execve("/proc/self/exe", argv, NULL);
        break;
    }
    case 2: may_die_of_own_signal(); kill(getpid(), below(r, 2) ? SIGTERM : SIGKILL); break;
    default: syscall(SYS_exit_group, 0); break;
    }
}

struct thread_arg {
    int index;
    struct rng r;
};

static void *thread_main(void *v) {
    struct thread_arg *a = v;
    tids[a->index] = (pid_t)syscall(SYS_gettid);
    for (;;) {
        uint64_t what = below(&a->r, 1000);
        if (what < 2) rare(&a->r);
        else if (what < 300) disrupt(&a->r);
        else use(&a->r);
    }
    return NULL;
}

static void setup(struct rng *r) {
    char *m = mmap(NULL, REGION + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) syscall(SYS_exit_group, 3);
    region = m + PAGE;
    mprotect(region, REGION, PROT_READ | PROT_WRITE);
    memset(region, 'r', REGION);
    file_fd = open("f", O_RDWR | O_CREAT, 0644);
    ftruncate(file_fd, REGION);
    dir_fd = open(".", O_RDONLY | O_DIRECTORY);
    listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un u = {.sun_family = AF_UNIX};
    snprintf(u.sun_path, sizeof u.sun_path, "s%d", (int)getpid());
    bind(listen_fd, (struct sockaddr *)&u, sizeof u);
    listen(listen_fd, 4);
    epoll_fd = epoll_create1(0);
    int p[2];
    for (int k = 0; k < SLOTS; k++) slots[k] = -1;
    if (pipe(p) == 0) { slots[0] = p[0]; slots[1] = p[1]; }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0) { slots[2] = p[0]; slots[3] = p[1]; }
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, p) == 0) { slots[4] = p[0]; slots[5] = p[1]; }
    slots[6] = eventfd(0, 0);
    slots[7] = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(slots[7], (struct sockaddr *)&u, sizeof u); /* a pending connection for accept */
    slots[8] = dup(file_fd);
    slots[9] = dup(dir_fd);
    for (int k = 0; k < SLOTS; k++) {
        if (slots[k] < 0) slots[k] = open("/dev/null", O_RDWR);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = slots[k]};
        if (below(r, 2)) epoll_ctl(epoll_fd, EPOLL_CTL_ADD, slots[k], &ev);
    }
    unlink(u.sun_path);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    if (below(r, 4)) sigaction(SIGPIPE, &sa, NULL);
    else may_die_of_own_signal(); /* a write to a pipe without readers may kill it, as on Linux */
}

/* After the round's time, exit_group with every other thread mid-call (the main one too). */
static void *end_round(void *ms) {
    struct timespec t = {0, *(long *)ms * 1000000L};
    nanosleep(&t, NULL);
    syscall(SYS_exit_group, 0);
    return NULL;
}

static void run_round(void) {
    struct rng r = {mix(seed * 0x9E3779B97F4A7C15ULL + (uint64_t)round_no)};
    setup(&r);
    tids[0] = (pid_t)syscall(SYS_gettid);
    nthreads = 2 + (int)below(&r, MAX_THREADS - 1);
    static struct thread_arg args[MAX_THREADS + 1];
    for (int t = 1; t <= nthreads; t++) {
        args[t].index = t;
        args[t].r.s = mix(r.s ^ (uint64_t)t * 0xD1B54A32D192ED03ULL);
        pthread_t th;
        if (pthread_create(&th, NULL, thread_main, &args[t]) != 0) break;
    }
    /* The main thread races too (and may block for good); a thread of its own ends the round. */
    static long round_ms;
    round_ms = 20 + (long)below(&r, 80);
    pthread_t ender;
    if (pthread_create(&ender, NULL, end_round, &round_ms) != 0) syscall(SYS_exit_group, 4);
    for (;;) {
        if (below(&r, 3) == 0) disrupt(&r);
        else use(&r);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) return 0; /* exec'd by a round: exit at once */
    seed = strtoull(argv[1], NULL, 0);
    truncate_mapped = !(argc > 3 && strcmp(argv[3], "notruncate") == 0);
    long rounds = atol(argv[2]), exited = 0, killed = 0, hangs = 0, unexpected = 0;
    long by_signal[65] = {0};
    static char lines[64][120];
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    for (round_no = 0; round_no < rounds; round_no++) {
        /* Whether the round may die of a signal it sent itself (SIGTERM, SIGKILL, SIGPIPE) is known to the
         * round only: a pipe tells the supervisor, as a byte written before the signal. */
        int report[2];
        if (pipe2(report, O_CLOEXEC) != 0) return 3;
        pid_t pid = fork();
        if (pid < 0) { perror("racefuzz: fork"); return 3; }
        if (pid == 0) {
            close(report[0]);
            fcntl(report[1], F_SETFD, 0);
            dup2(report[1], REPORT_FD);
            close(report[1]);
            run_round();
        }
        close(report[1]);
        long start = now_ms();
        int status = 0, hung = 0;
        for (;;) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid) break;
            if (now_ms() - start > HANG_MS && !hung) {
                hung = 1;
                hangs++;
                kill(pid, SIGKILL);
                start = now_ms();
            } else if (hung && now_ms() - start > HANG_MS) {
                printf("racefuzz: seed %llu round %ld: unkillable\n", (unsigned long long)seed, round_no);
                return 1;
            }
            struct timespec t = {0, 2000000};
            nanosleep(&t, NULL);
        }
        char flag = 0;
        int may_die = 0;
        fcntl(report[0], F_SETFL, O_NONBLOCK);
        while (read(report[0], &flag, 1) == 1) may_die = 1;
        close(report[0]);
        const char *why = NULL;
        if (hung) why = "hang (killed after 10 s)";
        else if (WIFEXITED(status)) {
            exited++;
            if (WEXITSTATUS(status) != 0) why = "exit status not 0";
        } else if (WIFSIGNALED(status)) {
            int s = WTERMSIG(status);
            killed++;
            by_signal[s & 63]++;
            if (!may_die || (s != SIGTERM && s != SIGKILL && s != SIGPIPE && s != SIGUSR1 && s != SIGUSR2 && s != SIGALRM)) why = "death by a signal it did not send itself";
        }
        if (why) {
            if (unexpected < 64)
                snprintf(lines[unexpected], sizeof lines[0], "unexpected: seed %llu round %ld: %s (status 0x%x)",
                         (unsigned long long)seed, round_no, why, status);
            unexpected++;
        }
    }
    printf("racefuzz: seed %llu, %ld rounds: %ld exited, %ld killed (", (unsigned long long)seed, rounds, exited, killed);
    for (int s = 1; s < 65; s++) if (by_signal[s]) printf(" SIG%d %ld", s, by_signal[s]);
    printf(" ), %ld hangs, %ld unexpected\n", hangs, unexpected);
    for (long i = 0; i < unexpected && i < 64; i++) printf("%s\n", lines[i]);
    return 0;
}
