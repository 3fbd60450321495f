/*
 * Scheduling attributes: nice values (getpriority/setpriority/nice), I/O priorities (ioprio_get/set)
 * and CPU affinity (sched_getaffinity/sched_setaffinity): values, clamping, errors, per-thread scope,
 * inheritance over fork and pthread_create, and the unprivileged rules (EACCES, RLIMIT_NICE, EPERM).
 *
 * Nothing printed depends on the machine: the starting nice value is only used relatively, masks are
 * compared with the CPU count sysconf reports, and the program first makes itself a process group of
 * its own so that PRIO_PGRP / IOPRIO_WHO_PGRP see only it and its children. A dead pid is a reaped
 * child's. The unprivileged part runs in a child that drops to uid 65534 (root only: as root, it relies
 * on nothing but CAP_SETUID); the rest never needs a privilege.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO(cls, data) (((cls) << 13) | (data))

static long ioprio_get(int which, int who) { return syscall(SYS_ioprio_get, which, who); }
static long ioprio_set(int which, int who, int prio) { return syscall(SYS_ioprio_set, which, who, prio); }
static long raw_getaffinity(int pid, unsigned len, void *mask) { return syscall(SYS_sched_getaffinity, pid, len, mask); }
static long raw_setaffinity(int pid, unsigned len, const void *mask) { return syscall(SYS_sched_setaffinity, pid, len, mask); }

static int nice_of(int who) {
    errno = 0;
    return getpriority(PRIO_PROCESS, who);
}

static int affinity_count(int pid) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(pid, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

static int affinity_is_cpu0(int pid) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(pid, sizeof set, &set) != 0) return 0;
    return CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set);
}

static void set_all_cpus(long ncpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c = 0; c < ncpu; c++) CPU_SET(c, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) perror("sched_setaffinity all");
}

/* A pid that certainly names nobody: a child that has been reaped. */
static pid_t dead_pid(void) {
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, NULL, 0);
    return p;
}

/* A child that reports its state over a pipe, then waits until told to exit. */
struct child {
    pid_t pid;
    int to_child, from_child;
};

static struct child start_child(void (*report)(int fd)) {
    int down[2], up[2];
    if (pipe(down) || pipe(up)) exit(3);
    fflush(stdout);
    struct child c = {fork(), down[1], up[0]};
    if (c.pid == 0) {
        close(down[1]);
        close(up[0]);
        report(up[1]);
        char b;
        read(down[0], &b, 1);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    return c;
}

static int child_says(struct child *c) {
    int v = -999;
    if (read(c->from_child, &v, sizeof v) != sizeof v) return -998;
    return v;
}

static void end_child(struct child *c) {
    write(c->to_child, "x", 1);
    int status;
    waitpid(c->pid, &status, 0);
    close(c->to_child);
    close(c->from_child);
}

/* ---- children's reports ---------------------------------------------------------------------- */

static void report_nice(int fd) {
    int v = nice_of(0);
    write(fd, &v, sizeof v);
    setpriority(PRIO_PROCESS, 0, v + 2);
    v = nice_of(0);
    write(fd, &v, sizeof v);
}

static void report_ioprio(int fd) {
    int v = (int)ioprio_get(IOPRIO_WHO_PROCESS, 0);
    write(fd, &v, sizeof v);
}

static void report_affinity(int fd) {
    int v = affinity_is_cpu0(0);
    write(fd, &v, sizeof v);
    v = affinity_count(0);
    write(fd, &v, sizeof v);
}

/* ---- threads --------------------------------------------------------------------------------- */

static int thread_nice_seen, thread_nice_after, thread_cpu0_seen, thread_ioprio_seen;
static long thread_ncpu;
static volatile pid_t thread_tid;
static volatile int thread_may_exit;

static void *thread_main(void *arg) {
    (void)arg;
    thread_nice_seen = nice_of(0);
    thread_cpu0_seen = affinity_is_cpu0(0);
    thread_ioprio_seen = (int)ioprio_get(IOPRIO_WHO_PROCESS, 0);
    setpriority(PRIO_PROCESS, 0, thread_nice_seen + 1); /* this thread only */
    thread_nice_after = nice_of(0);
    set_all_cpus(thread_ncpu);
    ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(IOPRIO_CLASS_IDLE, 0));
    thread_tid = (pid_t)syscall(SYS_gettid);
    while (!thread_may_exit) sched_yield();
    return NULL;
}

/* Starts thread_main and waits until it has recorded what it saw; stop_thread lets it end. */
static pthread_t start_thread(void) {
    thread_may_exit = 0;
    thread_tid = 0;
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_tid) sched_yield();
    return th;
}

static void stop_thread(pthread_t th) {
    thread_may_exit = 1;
    pthread_join(th, NULL);
}

/* ---- the sections ----------------------------------------------------------------------------- */

static void niceness(int base, pid_t dead) {
    printf("-- nice\n");
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20 - base);
    CHECK(nice(3) == base + 3);
    CHECK(nice_of(0) == base + 3 && errno == 0);
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 17 - base);
    CHECK(nice_of(getpid()) == base + 3);
    CHECK(getpriority(PRIO_PGRP, 0) == base + 3);
    CHECK(getpriority(PRIO_PGRP, getpgrp()) == base + 3);
    CHECK(getpriority(PRIO_USER, 0) <= base + 3);
    CHECK_ERRNO(getpriority(7, 0), EINVAL);
    CHECK_ERRNO(getpriority(-1, 0), EINVAL);
    CHECK_ERRNO(setpriority(3, 0, 0), EINVAL);
    CHECK_ERRNO(getpriority(PRIO_PROCESS, dead), ESRCH);
    CHECK_ERRNO(setpriority(PRIO_PROCESS, dead, 5), ESRCH);
    CHECK_ERRNO(getpriority(PRIO_PGRP, dead), ESRCH);
    CHECK_ERRNO(setpriority(PRIO_PGRP, dead, 5), ESRCH);
    CHECK_ERRNO(getpriority(PRIO_USER, 54321), ESRCH);

    /* Inherited over fork, then the child's own. */
    struct child c = start_child(report_nice);
    CHECK(child_says(&c) == base + 3);
    CHECK(child_says(&c) == base + 5);
    CHECK(nice_of(c.pid) == base + 5);
    CHECK(nice_of(0) == base + 3);
    CHECK(getpriority(PRIO_PGRP, 0) == base + 3); /* the lowest value of the group */
    CHECK(setpriority(PRIO_PGRP, 0, base + 6) == 0);
    CHECK(nice_of(c.pid) == base + 6 && nice_of(0) == base + 6);
    end_child(&c);

    /* Per thread: a new thread starts with its creator's value and changes only its own. */
    pthread_t th = start_thread();
    CHECK(thread_nice_seen == base + 6);
    CHECK(thread_nice_after == base + 7);
    CHECK(nice_of(thread_tid) == base + 7);
    CHECK(nice_of(0) == base + 6);
    CHECK(getpriority(PRIO_PROCESS, getpid()) == base + 6);
    stop_thread(th);

    /* Clamped to 19. */
    CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0);
    CHECK(nice_of(0) == 19);
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 1);
    CHECK(nice(50) == 19);
}

static void io_priority(pid_t dead) {
    printf("-- ioprio\n");
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_NONE, 0));
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, getpid()) == IOPRIO(IOPRIO_CLASS_NONE, 0));
    /* Unset, the group's value follows the nice value: best effort, (nice + 20) / 5. */
    CHECK(ioprio_get(IOPRIO_WHO_PGRP, 0) == IOPRIO(IOPRIO_CLASS_BE, (nice_of(0) + 20) / 5));
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(IOPRIO_CLASS_BE, 3)) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_BE, 3));
    CHECK(ioprio_get(IOPRIO_WHO_PGRP, getpgrp()) == IOPRIO(IOPRIO_CLASS_BE, 3));
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, getpid(), IOPRIO(IOPRIO_CLASS_IDLE, 7)) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_IDLE, 7));
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, 0, 0x10000 | IOPRIO(IOPRIO_CLASS_BE, 2)) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_BE, 2));
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(IOPRIO_CLASS_NONE, 1)), EINVAL);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(4, 0)), EINVAL);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(7, 0)), EINVAL);
    CHECK_ERRNO(ioprio_set(0, 0, IOPRIO(IOPRIO_CLASS_BE, 1)), EINVAL);
    CHECK_ERRNO(ioprio_set(4, 0, IOPRIO(IOPRIO_CLASS_BE, 1)), EINVAL);
    CHECK_ERRNO(ioprio_get(0, 0), EINVAL);
    CHECK_ERRNO(ioprio_get(4, 0), EINVAL);
    CHECK_ERRNO(ioprio_get(IOPRIO_WHO_PROCESS, dead), ESRCH);
    CHECK_ERRNO(ioprio_get(IOPRIO_WHO_PGRP, dead), ESRCH);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, dead, 0), ESRCH);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PGRP, dead, 0), ESRCH);
    CHECK_ERRNO(ioprio_get(IOPRIO_WHO_USER, 54321), ESRCH);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_BE, 2));

    /* Inherited over fork; a group-wide set reaches the child. */
    struct child c = start_child(report_ioprio);
    CHECK(child_says(&c) == IOPRIO(IOPRIO_CLASS_BE, 2));
    CHECK(ioprio_set(IOPRIO_WHO_PGRP, 0, IOPRIO(IOPRIO_CLASS_BE, 6)) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, c.pid) == IOPRIO(IOPRIO_CLASS_BE, 6));
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, c.pid, IOPRIO(IOPRIO_CLASS_BE, 1)) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, c.pid) == IOPRIO(IOPRIO_CLASS_BE, 1));
    CHECK(ioprio_get(IOPRIO_WHO_PGRP, 0) == IOPRIO(IOPRIO_CLASS_BE, 1)); /* the best of the group */
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_BE, 6));
    end_child(&c);

    /* A thread inherits its creator's value; its own change stays its own. */
    pthread_t th = start_thread();
    CHECK(thread_ioprio_seen == IOPRIO(IOPRIO_CLASS_BE, 6));
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, thread_tid) == IOPRIO(IOPRIO_CLASS_IDLE, 0));
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == IOPRIO(IOPRIO_CLASS_BE, 6));
    stop_thread(th);
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, 0, 0) == 0);
    CHECK(ioprio_get(IOPRIO_WHO_PROCESS, 0) == 0);
}

static void affinity(long ncpu, pid_t dead) {
    printf("-- affinity\n");
    unsigned long words[16] = {0};
    CHECK(affinity_count(0) == ncpu);
    long n = raw_getaffinity(0, sizeof words, words);
    CHECK(n > 0 && n % 8 == 0);
    CHECK(raw_getaffinity(0, 8, words) == 8 || ncpu > 64);
    CHECK_ERRNO(raw_getaffinity(0, 4, words), EINVAL);
    CHECK_ERRNO(raw_getaffinity(0, 12, words), EINVAL);
    CHECK_ERRNO(raw_getaffinity(0, 0, words), EINVAL);
    CHECK_ERRNO(raw_getaffinity(0, sizeof words, (void *)1), EFAULT);
    CHECK_ERRNO(raw_getaffinity(dead, sizeof words, words), ESRCH);
    CHECK_ERRNO(raw_getaffinity(dead, 4, words), EINVAL); /* the length is checked first */

    unsigned long empty[16] = {0};
    CHECK_ERRNO(raw_setaffinity(0, sizeof empty, empty), EINVAL);
    CHECK_ERRNO(raw_setaffinity(0, 0, words), EINVAL);
    unsigned long beyond[16] = {0};
    beyond[15] = 1UL << 63; /* CPU 1023: not there */
    CHECK_ERRNO(raw_setaffinity(0, sizeof beyond, beyond), EINVAL);
    CHECK_ERRNO(raw_setaffinity(0, sizeof words, (void *)1), EFAULT);
    CHECK_ERRNO(raw_setaffinity(dead, sizeof words, words), ESRCH);
    CHECK_ERRNO(raw_setaffinity(dead, sizeof words, (void *)1), EFAULT); /* the mask is read first */
    CHECK(affinity_count(0) == ncpu);

    /* A missing CPU next to a real one is dropped; a one-byte mask is zero-extended. */
    beyond[0] = 1;
    CHECK(raw_setaffinity(0, sizeof beyond, beyond) == 0);
    CHECK(affinity_is_cpu0(0));
    unsigned char one = 1;
    set_all_cpus(ncpu);
    CHECK(raw_setaffinity(0, 1, &one) == 0);
    CHECK(affinity_is_cpu0(0));
    CHECK(affinity_is_cpu0(getpid()));

    /* Inherited over fork; the parent sees and changes the child's. */
    struct child c = start_child(report_affinity);
    CHECK(child_says(&c) == 1);
    CHECK(child_says(&c) == 1);
    CHECK(affinity_is_cpu0(c.pid));
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < ncpu; i++) CPU_SET(i, &set);
    CHECK(sched_setaffinity(c.pid, sizeof set, &set) == 0);
    CHECK(affinity_count(c.pid) == ncpu);
    CHECK(affinity_is_cpu0(0));
    end_child(&c);

    /* A thread inherits its creator's mask and changes only its own. */
    thread_ncpu = ncpu;
    pthread_t th = start_thread();
    CHECK(thread_cpu0_seen);
    CHECK(affinity_count(thread_tid) == ncpu);
    CHECK(affinity_is_cpu0(0));
    stop_thread(th);

    set_all_cpus(ncpu);
    CHECK(affinity_count(0) == ncpu);
}

/* Unprivileged rules, in a child that gives up root. */
static void unprivileged_child(void) {
    guest_failures = 0; /* the parent's count is its own */
    /* RLIMIT_NICE 0 (lowering a limit needs no privilege): no lowering of the nice value at all. */
    struct rlimit rl = {0, 0};
    CHECK(setrlimit(RLIMIT_NICE, &rl) == 0);
    if (setuid(65534) != 0) {
        printf("setuid: %s\n", strerror(errno));
        _exit(0);
    }
    CHECK(setpriority(PRIO_PROCESS, 0, 10) == 0);
    CHECK(nice_of(0) == 10);
    CHECK_ERRNO(setpriority(PRIO_PROCESS, 0, 9), EACCES);
    CHECK_ERRNO(nice(-1), EPERM); /* libc turns EACCES into EPERM */
    CHECK(setpriority(PRIO_PROCESS, 0, 10) == 0); /* the same value is no lowering */
    CHECK(nice(2) == 12);
    CHECK(nice_of(0) == 12);
    CHECK_ERRNO(setrlimit(RLIMIT_NICE, &(struct rlimit){30, 30}), EPERM); /* nor raising the limit again */
    /* The parent (root's) is not ours to change. */
    CHECK_ERRNO(setpriority(PRIO_PROCESS, getppid(), 19), EPERM);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, getppid(), IOPRIO(IOPRIO_CLASS_BE, 7)), EPERM);
    CHECK_ERRNO(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(IOPRIO_CLASS_RT, 0)), EPERM);
    CHECK(ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO(IOPRIO_CLASS_IDLE, 0)) == 0);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHECK_ERRNO(sched_setaffinity(getppid(), sizeof set, &set), EPERM);
    CHECK(affinity_count(getppid()) > 0);
    CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
    _exit(guest_failures ? 1 : 0);
}

static void unprivileged(void) {
    printf("-- unprivileged\n");
    if (getuid() != 0) {
        printf("not root: skipped\n");
        return;
    }
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) unprivileged_child();
    int status;
    waitpid(p, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    setpgid(0, 0); /* a group of our own: PRIO_PGRP and IOPRIO_WHO_PGRP see us and our children only */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    thread_ncpu = ncpu;
    pid_t dead = dead_pid();
    int base = nice_of(0);
    CHECK(base >= -20 && base <= 12);
    affinity(ncpu, dead);
    io_priority(dead);
    unprivileged();
    niceness(base, dead); /* last: raising the nice value cannot be undone without privilege */
    return guest_finish();
}
