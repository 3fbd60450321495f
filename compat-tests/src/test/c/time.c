/* time: monotonic never goes back, realtime is plausible, nanosleep sleeps at least as asked. */
#include "guest.h"
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t) { return (long long)t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void) {
    struct timespec a, b;
    int backwards = 0;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        backwards += ns(&b) < ns(&a);
        a = b;
    }
    CHECK(backwards == 0);
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);

    struct timespec rt;
    CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
    CHECK(rt.tv_sec > 1577836800); /* after 2020-01-01 */
    CHECK(rt.tv_sec < 4102444800); /* before 2100-01-01 */
    time_t t = time(NULL);
    CHECK(t >= rt.tv_sec - 1 && t - rt.tv_sec < 5); /* time() reads the coarse clock: it may lag a tick */
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec < 5);

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b) == 0 && ns(&b) >= 0);
    CHECK(clock_gettime(CLOCK_BOOTTIME, &b) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC_COARSE, &b) == 0);
    CHECK_ERRNO(clock_gettime((clockid_t)12345, &b), EINVAL);

    struct timespec before, after, req = {.tv_sec = 0, .tv_nsec = 10 * 1000000L};
    clock_gettime(CLOCK_MONOTONIC, &before);
    CHECK(nanosleep(&req, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long long slept = ns(&after) - ns(&before);
    printf("nanosleep(10ms) slept at least 10ms: %s\n", slept >= 10000000LL ? "yes" : "no");
    printf("nanosleep(10ms) returned within 2s: %s\n", slept < 2000000000LL ? "yes" : "no");
    struct timespec bad = {.tv_sec = 0, .tv_nsec = 1000000000L};
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL);
    clock_gettime(CLOCK_MONOTONIC, &before);
    req.tv_nsec = 5 * 1000000L;
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("clock_nanosleep(5ms) slept at least 5ms: %s\n", ns(&after) - ns(&before) >= 5000000LL ? "yes" : "no");

    struct tm tm;
    time_t fixed = 1700000000;
    CHECK(gmtime_r(&fixed, &tm) != NULL);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    printf("gmtime(1700000000) = %s\n", buf);
    return guest_finish();
}
