/*
 * pimutex: priority-inheritance futexes, raw (FUTEX_LOCK_PI, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI: the
 * owner's tid in the word, EDEADLK, EPERM, timeouts, hand-off to a blocked waiter) and through
 * PTHREAD_PRIO_INHERIT mutexes (contention, error checking, robust ones whose owner dies).
 */
#define _GNU_SOURCE
#include "guest.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* linux/futex.h's values (musl-gcc has no kernel headers). */
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_TID_MASK 0x3fffffffu

static long futex(volatile uint32_t *word, int op, const struct timespec *ts) {
    return syscall(SYS_futex, word, op, 0, ts, 0, 0);
}

static uint32_t tid(void) { return (uint32_t)syscall(SYS_gettid); }

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
}

static volatile uint32_t word;
static volatile int ready;

struct result { int trylock_eagain, unlock_eperm, timed_out, locked, owner_ok; };

static void *contender(void *arg) {
    struct result *r = arg;
    errno = 0;
    r->trylock_eagain = futex(&word, FUTEX_TRYLOCK_PI, 0) == -1 && errno == EAGAIN;
    errno = 0;
    r->unlock_eperm = futex(&word, FUTEX_UNLOCK_PI, 0) == -1 && errno == EPERM;
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 100000000;
    if (at.tv_nsec >= 1000000000) { at.tv_nsec -= 1000000000; at.tv_sec++; }
    errno = 0;
    r->timed_out = futex(&word, FUTEX_LOCK_PI, &at) == -1 && errno == ETIMEDOUT;
    ready = 1;
    /* Blocks until the main thread unlocks: the kernel hands the lock over with our tid in the word. */
    r->locked = futex(&word, FUTEX_LOCK_PI, 0) == 0;
    r->owner_ok = (word & FUTEX_TID_MASK) == tid();
    futex(&word, FUTEX_UNLOCK_PI, 0);
    return 0;
}

static void raw_pi(void) {
    CHECK(futex(&word, FUTEX_LOCK_PI, 0) == 0);
    CHECK(word == tid());
    CHECK_ERRNO(futex(&word, FUTEX_LOCK_PI, 0), EDEADLK);
    CHECK_ERRNO(futex(&word, FUTEX_TRYLOCK_PI, 0), EDEADLK);
    struct result r = {0};
    pthread_t th;
    pthread_create(&th, 0, contender, &r);
    while (!ready) sleep_ms(5);
    sleep_ms(100); /* the contender is blocked in FUTEX_LOCK_PI by now */
    CHECK((word & FUTEX_WAITERS) != 0);
    CHECK(futex(&word, FUTEX_UNLOCK_PI, 0) == 0);
    pthread_join(th, 0);
    CHECK(r.trylock_eagain);
    CHECK(r.unlock_eperm);
    CHECK(r.timed_out);
    CHECK(r.locked);
    CHECK(r.owner_ok);
    CHECK(word == 0);
    CHECK(futex(&word, FUTEX_TRYLOCK_PI, 0) == 0 && word == tid());
    CHECK(futex(&word, FUTEX_UNLOCK_PI, 0) == 0 && word == 0);
    CHECK_ERRNO(futex(&word, FUTEX_UNLOCK_PI, 0), EPERM);
}

#define THREADS 4
#define ROUNDS 20000
static pthread_mutex_t counted;
static long counter;

static void *count(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&counted);
        counter++;
        pthread_mutex_unlock(&counted);
    }
    return 0;
}

static void *lock_and_exit(void *m) {
    pthread_mutex_lock(m);
    return 0;
}

static void pthread_pi(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK) == 0);
    CHECK(pthread_mutex_init(&counted, &a) == 0);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], 0, count, 0);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], 0);
    CHECK(counter == THREADS * ROUNDS);
    CHECK(pthread_mutex_lock(&counted) == 0);
    CHECK(pthread_mutex_lock(&counted) == EDEADLK);
    CHECK(pthread_mutex_unlock(&counted) == 0);
    CHECK(pthread_mutex_unlock(&counted) == EPERM);
    pthread_mutex_destroy(&counted);

    pthread_mutex_t m;
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutex_init(&m, &a) == 0);
    pthread_t t;
    pthread_create(&t, 0, lock_and_exit, &m);
    pthread_join(t, 0);
    CHECK(pthread_mutex_lock(&m) == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_mutex_lock(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    pthread_create(&t, 0, lock_and_exit, &m);
    pthread_join(t, 0);
    CHECK(pthread_mutex_lock(&m) == EOWNERDEAD);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_mutex_lock(&m) == ENOTRECOVERABLE);
    pthread_mutexattr_destroy(&a);
}

int main(void) {
    raw_pi();
    pthread_pi();
    return guest_finish();
}
