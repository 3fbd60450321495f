/*
 * threads: POSIX threads (clone with CLONE_THREAD, futex, TLS, thread exit, signals to threads).
 * Usage: threads CASE. Every case prints totals and booleans only, never an interleaving, so
 * the output is the same natively and under jlibos.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <sched.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4
#define INCREMENTS 200000

static pid_t my_tid(void) { return (pid_t)syscall(SYS_gettid); }

/* 4 threads x 100000 increments under one mutex: the total must be exact. */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long atomic_counter;
static long tls_total;
static __thread long tls_count; /* each thread's own, summed at the end */

static void *count(void *arg) {
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
        __atomic_fetch_add(&atomic_counter, 1, __ATOMIC_SEQ_CST);
        tls_count++;
    }
    pthread_mutex_lock(&counter_lock);
    tls_total += tls_count;
    pthread_mutex_unlock(&counter_lock);
    return NULL;
}

static void case_mutex(void) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, count, NULL) == 0);
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(t[i], NULL) == 0);
    printf("counter %ld atomic %ld tls %ld\n", counter, atomic_counter, tls_total);
    CHECK(counter == (long)THREADS * INCREMENTS);
    CHECK(atomic_counter == (long)THREADS * INCREMENTS);
    CHECK(tls_total == (long)THREADS * INCREMENTS && tls_count == 0);
}

/* Two threads hand a token back and forth through a condition variable. */
static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int turn, rounds_done;
#define ROUNDS 2000

static void *pong(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&pp_lock);
        while (turn != me) pthread_cond_wait(&pp_cond, &pp_lock);
        turn = 1 - me;
        rounds_done++;
        pthread_cond_broadcast(&pp_cond);
        pthread_mutex_unlock(&pp_lock);
    }
    return NULL;
}

static void case_condvar(void) {
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, pong, (void *)0L) == 0);
    CHECK(pthread_create(&b, NULL, pong, (void *)1L) == 0);
    CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
    printf("rounds %d\n", rounds_done);
    CHECK(rounds_done == 2 * ROUNDS);
}

/* Join returns each thread's value; __thread variables are per thread. */
static __thread long tls_value = 7;
static __thread char tls_buffer[64];

static void *tls_worker(void *arg) {
    long n = (long)arg;
    int fresh = tls_value == 7 && tls_buffer[0] == 0; /* every thread starts from the initial image */
    tls_value = n * 100;
    snprintf(tls_buffer, sizeof tls_buffer, "thread %ld", n);
    usleep(1000); /* let the others run and write their own copies */
    int kept = tls_value == n * 100 && strcmp(tls_buffer, "thread") > 0 && tls_buffer[7] == (char)('0' + n);
    return (void *)(long)(fresh && kept ? 1000 + n : -1);
}

static void case_join_tls(void) {
    pthread_t t[THREADS];
    tls_value = 1;
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)i) == 0);
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r) == 0);
        printf("thread %d returned %ld\n", i, (long)r);
        sum += (long)r;
    }
    CHECK(sum == 4000 + 0 + 1 + 2 + 3);
    CHECK(tls_value == 1); /* main's copy untouched */
}

/* pthread_exit in a thread; main continues; then the main thread itself exits with pthread_exit. */
static void *exits_early(void *arg) {
    (void)arg;
    pthread_exit((void *)42L);
    return NULL;
}

static volatile int last_ran;
static void *outlives_main(void *arg) {
    (void)arg;
    usleep(20000);
    last_ran = 1;
    printf("outliving thread done\n");
    fflush(stdout);
    return NULL; /* the last thread: the process exits with status 0 */
}

static void case_pthread_exit(void) {
    pthread_t t;
    void *r;
    CHECK(pthread_create(&t, NULL, exits_early, NULL) == 0);
    CHECK(pthread_join(t, &r) == 0 && (long)r == 42);
    CHECK(pthread_create(&t, NULL, outlives_main, NULL) == 0);
    CHECK(guest_failures == 0);
    fflush(stdout);
    pthread_exit(NULL);
}

/* exit() from a thread ends the whole process with its status. */
static void *exits_process(void *arg) {
    (void)arg;
    usleep(1000);
    exit(33);
}

static void case_thread_exit_status(void) {
    pthread_t t;
    /* Nothing is printed after the create: the thread's exit may come first. */
    if (pthread_create(&t, NULL, exits_process, NULL) != 0) printf("FAIL pthread_create\n");
    for (;;) pause();
}

/* gettid differs per thread and from getpid except in the main thread. */
static pid_t worker_tid;
static void *report_tid(void *arg) {
    (void)arg;
    worker_tid = my_tid();
    return NULL;
}

static void case_tids(void) {
    pthread_t t;
    CHECK(my_tid() == getpid());
    CHECK(pthread_create(&t, NULL, report_tid, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(worker_tid != getpid() && worker_tid > 0);
}

/* pthread_kill runs the handler in the target thread; the others block the signal. */
static volatile pid_t handled_in;
static volatile int handled;
static void on_usr1(int sig) {
    (void)sig;
    handled_in = my_tid();
    handled = 1;
}

static volatile pid_t target_tid;
static void *signal_target(void *arg) {
    (void)arg;
    sigset_t set; /* a new thread inherits its creator's mask: take SIGUSR1 here */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    target_tid = my_tid();
    while (!handled) usleep(100);
    return NULL;
}

static void case_pthread_kill(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, signal_target, NULL) == 0);
    /* Main blocks SIGUSR1 after creating the thread, so only the thread may run the handler. */
    CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
    while (target_tid == 0) usleep(100);
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(handled && handled_in == target_tid);
    /* A process-directed signal goes to a thread that does not block it. */
    handled = 0;
    handled_in = 0;
    target_tid = 0;
    CHECK(pthread_create(&t, NULL, signal_target, NULL) == 0);
    while (target_tid == 0) usleep(100);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(handled && handled_in == target_tid);
    /* The mask is per thread: main still blocks it, and it stays pending for main. */
    sigset_t pending;
    CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1));
    int sig = 0;
    CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR1);
}

/* A thread spinning in user code does not starve the others (preemption). */
static volatile int spin_flag;
static volatile long spins;
static void *spinner(void *arg) {
    (void)arg;
    while (!spin_flag) spins++;
    return NULL;
}

static void case_spin(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, spinner, NULL) == 0);
    while (spins == 0) sched_yield(); /* the spinner has started (however loaded the machine is) */
    usleep(10000);
    spin_flag = 1; /* only reached if main gets the CPU back while the spinner spins */
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(spins > 0);
}

/* Many short-lived threads, created and joined in turn and in batches. */
static void *short_lived(void *arg) { return (void *)((long)arg * 2); }

static void case_many(void) {
    long sum = 0;
    for (long i = 0; i < 64; i++) {
        pthread_t t;
        void *r;
        if (pthread_create(&t, NULL, short_lived, (void *)i) != 0) { sum = -1; break; }
        pthread_join(t, &r);
        sum += (long)r;
    }
    printf("sequential sum %ld\n", sum);
    CHECK(sum == 64 * 63);
    pthread_t batch[16];
    sum = 0;
    for (long i = 0; i < 16; i++) CHECK(pthread_create(&batch[i], NULL, short_lived, (void *)i) == 0);
    for (int i = 0; i < 16; i++) {
        void *r;
        pthread_join(batch[i], &r);
        sum += (long)r;
    }
    CHECK(sum == 16 * 15);
}

/* fork from a threaded program: the child has only the calling thread and can use pthreads again. */
static volatile int busy_stop;
static void *busy(void *arg) {
    (void)arg;
    while (!busy_stop) usleep(500);
    return NULL;
}

static void case_fork(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, busy, NULL) == 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        pthread_t u;
        void *r;
        int ok = pthread_create(&u, NULL, short_lived, (void *)21L) == 0 && pthread_join(u, &r) == 0 && (long)r == 42;
        _exit(ok ? 5 : 6);
    }
    int status;
    CHECK(c > 0 && waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);
    busy_stop = 1;
    CHECK(pthread_join(t, NULL) == 0);
}

/* A timed wait times out; a detached thread runs. */
static void case_timedwait(void) {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&m);
    CHECK(pthread_cond_timedwait(&c, &m, &ts) == ETIMEDOUT);
    pthread_mutex_unlock(&m);
}

/* A thread dies holding a robust mutex: the next locker gets EOWNERDEAD (the kernel's robust-list walk). */
static pthread_mutex_t robust;
static void *dies_holding(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* exits without unlocking */
}

static void case_robust(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    CHECK(pthread_mutex_init(&robust, &a) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, dies_holding, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_lock(&robust) == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&robust) == 0);
    CHECK(pthread_mutex_unlock(&robust) == 0);
    CHECK(pthread_mutex_lock(&robust) == 0);
    CHECK(pthread_mutex_unlock(&robust) == 0);
}

/* execve from a second thread: the other threads end and the new image runs as the process. */
static void *execs(void *arg) {
    (void)arg;
    char *argv[] = {"threads", "tids", NULL};
    execv("/proc/self/exe", argv);
    _exit(99);
}

static void case_exec(void) {
    pthread_t t, u;
    CHECK(pthread_create(&u, NULL, busy, NULL) == 0); /* still running at the exec: must vanish */
    /* Nothing is printed after this create: the exec may come first. */
    if (pthread_create(&t, NULL, execs, NULL) != 0) printf("FAIL pthread_create\n");
    for (;;) pause();
}

/*
 * execve while other threads are blocked in recv and read (the race fuzzer, issue 17): they must end and
 * the new image run. jlibos's interruptible sleep went back to sleep after execve's interrupt, and execve
 * waited for ever.
 */
static int blocked_fds[4];
static void *blocked_recv(void *arg) {
    (void)arg;
    char b;
    recv(blocked_fds[0], &b, 1, 0);
    return NULL;
}

static void *blocked_read(void *arg) {
    (void)arg;
    char b;
    read(blocked_fds[2], &b, 1);
    return NULL;
}

static void case_exec_blocked(void) {
    pthread_t t;
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, blocked_fds) == 0);
    CHECK(pipe(blocked_fds + 2) == 0);
    CHECK(pthread_create(&t, NULL, blocked_recv, NULL) == 0);
    CHECK(pthread_create(&t, NULL, blocked_read, NULL) == 0);
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL); /* both are blocked by now */
    char *argv[] = {"threads", "tids", NULL};
    execv("/proc/self/exe", argv);
    printf("FAIL execv\n");
}

/* /proc/self/task lists every thread; each task's stat, status and comm describe that thread. */
static int task_tids[3];
static volatile int task_ready, task_done;

static void *task_thread(void *arg) {
    long i = (long)arg;
    char name[16];
    snprintf(name, sizeof name, "worker-%ld", i);
    pthread_setname_np(pthread_self(), name);
    task_tids[i] = my_tid();
    __atomic_add_fetch(&task_ready, 1, __ATOMIC_SEQ_CST);
    while (!task_done) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int count_tasks(void) {
    DIR *d = opendir("/proc/self/task");
    if (d == NULL) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        int tid = atoi(e->d_name);
        int known = tid == getpid();
        for (int i = 0; i < 3; i++) known |= tid == task_tids[i];
        if (known) n++; else n += 100; /* a tid that is not ours */
    }
    closedir(d);
    return n;
}

static int read_file(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
    return (int)n;
}

static void case_proc_task(void) {
    pthread_t t[3];
    for (long i = 0; i < 3; i++) CHECK(pthread_create(&t[i], NULL, task_thread, (void *)i) == 0);
    while (task_ready < 3) sched_yield();
    printf("tasks %d\n", count_tasks());
    int good_comm = 0, good_stat = 0, good_status = 0, good_tid_status = 0;
    for (int i = 0; i < 3; i++) {
        char path[96], buf[4096], want[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d/comm", getpid(), task_tids[i]);
        snprintf(want, sizeof want, "worker-%d\n", i);
        if (read_file(path, buf, sizeof buf) > 0 && !strcmp(buf, want)) good_comm++;
        snprintf(path, sizeof path, "/proc/self/task/%d/stat", task_tids[i]);
        snprintf(want, sizeof want, "%d (worker-%d) ", task_tids[i], i);
        if (read_file(path, buf, sizeof buf) > 0 && !strncmp(buf, want, strlen(want))) good_stat++;
        snprintf(path, sizeof path, "/proc/self/task/%d/status", task_tids[i]);
        char pid_line[32], tgid_line[32];
        snprintf(pid_line, sizeof pid_line, "\nPid:\t%d\n", task_tids[i]);
        snprintf(tgid_line, sizeof tgid_line, "\nTgid:\t%d\n", getpid());
        if (read_file(path, buf, sizeof buf) > 0 && strstr(buf, pid_line) && strstr(buf, tgid_line)) good_status++;
        /* /proc/TID, unlisted, names the thread too (gdb reads /proc/LWP/status). */
        snprintf(path, sizeof path, "/proc/%d/status", task_tids[i]);
        if (read_file(path, buf, sizeof buf) > 0 && strstr(buf, pid_line) && strstr(buf, tgid_line)) good_tid_status++;
    }
    printf("comm %d stat %d status %d /proc/TID %d\n", good_comm, good_stat, good_status, good_tid_status);
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
    CHECK(read_file(path, buf, sizeof buf) > 0 && strcmp(buf, "worker-0\n") != 0);
    CHECK(read_file("/proc/self/task/999999/comm", buf, sizeof buf) == -1 && errno == ENOENT);
    task_done = 1;
    for (int i = 0; i < 3; i++) CHECK(pthread_join(t[i], NULL) == 0);
    /* An ended thread leaves the list (Linux unhashes it a moment after join may return). */
    int n = 0;
    for (int tries = 0; tries < 1000 && (n = count_tasks()) != 1; tries++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    printf("tasks after join %d\n", n);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "mutex")) case_mutex();
    else if (!strcmp(c, "condvar")) case_condvar();
    else if (!strcmp(c, "join-tls")) case_join_tls();
    else if (!strcmp(c, "pthread-exit")) case_pthread_exit();
    else if (!strcmp(c, "exit-status")) case_thread_exit_status();
    else if (!strcmp(c, "tids")) case_tids();
    else if (!strcmp(c, "pthread-kill")) case_pthread_kill();
    else if (!strcmp(c, "spin")) case_spin();
    else if (!strcmp(c, "many")) case_many();
    else if (!strcmp(c, "fork")) case_fork();
    else if (!strcmp(c, "timedwait")) case_timedwait();
    else if (!strcmp(c, "exec")) case_exec();
    else if (!strcmp(c, "exec-blocked")) case_exec_blocked();
    else if (!strcmp(c, "robust")) case_robust();
    else if (!strcmp(c, "proc-task")) case_proc_task();
    else if (!strcmp(c, "spin-forever")) { /* for the lifecycle test's timeout: never ends */
        pthread_t t;
        pthread_create(&t, NULL, spinner, NULL);
        pthread_create(&t, NULL, spinner, NULL);
        pthread_join(t, NULL);
    }
    else {
        printf("unknown case %s\n", c);
        return 2;
    }
    return guest_finish();
}
