/*
 * timers: POSIX timers (timer_create/settime/gettime/getoverrun/delete). Usage: timers CASE.
 * Timing is never compared exactly: only bounds on tick counts are printed.
 */
#include "guest.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static volatile sig_atomic_t ticks, bad_info;
static volatile int last_code;
static volatile long last_value;

static void on_tick(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    ticks++;
    last_code = si->si_code;
    last_value = (long)si->si_value.sival_ptr;
    if (si->si_code != SI_TIMER) bad_info = 1;
}

static void install(int sig) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_tick;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void spin_until_ms(long ms) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

/* A periodic 10 ms SIGEV_SIGNAL timer with si_value: ticks arrive while sleeping and while spinning. */
static void case_periodic(void) {
    install(SIGRTMIN);
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    ev.sigev_value.sival_ptr = (void *)0x1234;
    timer_t id;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0);
    struct itimerspec its = {{0, 10000000}, {0, 10000000}};
    CHECK(timer_settime(id, 0, &its, NULL) == 0);
    struct itimerspec cur;
    CHECK(timer_gettime(id, &cur) == 0 && cur.it_interval.tv_nsec == 10000000 && cur.it_value.tv_sec == 0
          && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10000000);
    while (ticks < 5) pause();
    CHECK(ticks >= 5);
    int before = ticks;
    spin_until_ms(200); /* a guest spinning in user code still gets its signals */
    CHECK(ticks > before);
    CHECK(!bad_info && last_code == SI_TIMER && last_value == 0x1234);
    CHECK(timer_getoverrun(id) >= 0);
    CHECK(timer_delete(id) == 0);
    int after = ticks;
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    CHECK(ticks <= after + 1); /* at most one already queued when it was deleted */
    /* (timer_delete of a deleted id: musl returns -EINVAL without setting errno, so it is not checked.) */
    CHECK_ERRNO(timer_gettime(id, &cur), EINVAL);
}

/* Overruns: with the signal blocked, expirations pile up as one pending signal plus overruns. */
static void case_overrun(void) {
    install(SIGRTMIN + 1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 1;
    timer_t id;
    CHECK(timer_create(CLOCK_REALTIME, &ev, &id) == 0);
    struct itimerspec its = {{0, 5000000}, {0, 5000000}};
    CHECK(timer_settime(id, 0, &its, NULL) == 0);
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL);
    siginfo_t si;
    CHECK(sigwaitinfo(&set, &si) == SIGRTMIN + 1);
    printf("overrun > 5: %d\n", si.si_overrun > 5);
    CHECK(si.si_code == SI_TIMER);
    CHECK(timer_getoverrun(id) == si.si_overrun);
    /* Only one signal was queued for all those expirations. */
    struct timespec zero = {0, 0};
    CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 0}, {0, 0}}, NULL) == 0);
    CHECK(sigtimedwait(&set, &si, &zero) == -1 || si.si_overrun >= 0);
    CHECK(timer_delete(id) == 0);
}

/* SIGEV_NONE: no signal, but timer_gettime counts down; one-shot disarms itself. */
static void case_none(void) {
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_NONE;
    timer_t id;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0);
    struct itimerspec its = {{0, 0}, {0, 50000000}}, cur, old;
    CHECK(timer_settime(id, 0, &its, NULL) == 0);
    CHECK(timer_gettime(id, &cur) == 0 && cur.it_value.tv_nsec > 0);
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    CHECK(timer_gettime(id, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    /* An absolute time in the past expires at once; old_value reports the previous setting. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    its.it_value = now;
    its.it_value.tv_sec += 100;
    CHECK(timer_settime(id, TIMER_ABSTIME, &its, NULL) == 0);
    CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 0}, {0, 0}}, &old) == 0 && old.it_value.tv_sec >= 98);
    CHECK(timer_delete(id) == 0);
    /* Invalid arguments. */
    CHECK_ERRNO(timer_create(12345, &ev, &id), EINVAL);
    ev.sigev_notify = 99;
    CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 0;
    CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    /* A NULL sigevent means SIGALRM; a one-shot alarm-like timer kills with SIGALRM unless handled. */
    install(SIGALRM);
    ticks = 0;
    CHECK(timer_create(CLOCK_REALTIME, NULL, &id) == 0);
    CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 0}, {0, 20000000}}, NULL) == 0);
    while (ticks == 0) pause();
    CHECK(ticks == 1 && last_code == SI_TIMER);
    CHECK(timer_delete(id) == 0);
}

/* SIGEV_THREAD_ID: the signal goes to the chosen thread, not the main one. */
static pthread_t main_thread;
static volatile pthread_t handled_on;
static volatile int worker_tid;
static volatile int stop_worker;
static void on_thread_tick(int sig) { (void)sig; handled_on = pthread_self(); ticks++; }

static void *worker(void *arg) {
    (void)arg;
    worker_tid = (int)syscall(SYS_gettid);
    while (!stop_worker) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void case_thread_id(void) {
    main_thread = pthread_self();
    struct sigaction sa = {0};
    sa.sa_handler = on_thread_tick;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    ticks = 0;
    pthread_t w;
    CHECK(pthread_create(&w, NULL, worker, NULL) == 0);
    while (worker_tid == 0) sched_yield();
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_notify_thread_id = worker_tid;
    timer_t id;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0);
    CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 10000000}, {0, 10000000}}, NULL) == 0);
    while (ticks < 3) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    CHECK(timer_delete(id) == 0);
    stop_worker = 1;
    CHECK(pthread_join(w, NULL) == 0);
    CHECK(ticks >= 3);
    CHECK(pthread_equal(handled_on, w) && !pthread_equal(handled_on, main_thread));
    /* A tid that is not a thread of this process is EINVAL. */
    ev.sigev_notify_thread_id = 999999;
    CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
}

/* CPU-time clocks: the timer expires after CPU time was used, not wall time; bounds only. */
static long cpu_ms(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void case_cputime(void) {
    install(SIGRTMIN + 2);
    ticks = 0;
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 2;
    clockid_t clocks[] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    for (int i = 0; i < 2; i++) {
        timer_t id;
        CHECK(timer_create(clocks[i], &ev, &id) == 0);
        long start = cpu_ms(clocks[i]);
        /* Every 30 ms of CPU time; three ticks need at least 90 ms of it. */
        CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 30000000}, {0, 30000000}}, NULL) == 0);
        struct timespec w0, w;
        clock_gettime(CLOCK_MONOTONIC, &w0);
        int before = ticks;
        volatile unsigned long n = 0;
        do {
            for (int k = 0; k < 10000; k++) n++;
            clock_gettime(CLOCK_MONOTONIC, &w);
        } while (ticks - before < 3 && w.tv_sec - w0.tv_sec < 30);
        long used = cpu_ms(clocks[i]) - start;
        printf("clock %d: 3 ticks %d, after >= 80 ms of CPU %d\n", i, ticks - before >= 3, used >= 80);
        CHECK(timer_delete(id) == 0);
    }
    /* Sleeping uses no CPU time: a CPU-time timer does not expire during a sleep. */
    timer_t id;
    CHECK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id) == 0);
    CHECK(timer_settime(id, 0, &(struct itimerspec){{0, 0}, {0, 200000000}}, NULL) == 0);
    int before = ticks;
    struct timespec ts = {0, 300000000};
    nanosleep(&ts, NULL);
    CHECK(ticks == before);
    struct itimerspec cur;
    CHECK(timer_gettime(id, &cur) == 0 && (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0));
    CHECK(timer_delete(id) == 0);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2) return 2;
    const char *c = argv[1];
    if (!strcmp(c, "periodic")) case_periodic();
    else if (!strcmp(c, "overrun")) case_overrun();
    else if (!strcmp(c, "none")) case_none();
    else if (!strcmp(c, "thread-id")) case_thread_id();
    else if (!strcmp(c, "cputime")) case_cputime();
    else return 2;
    return guest_failures != 0;
}
