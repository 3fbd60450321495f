/* Deterministic mode (Machine.Builder.deterministic): prints what would differ between two runs on
 * Linux -- clocks, random bytes from getrandom, /dev/urandom and AT_RANDOM, identity, and the order in
 * which 3 threads take a mutex -- so DeterminismTest can compare two runs byte for byte. Natively only the
 * exit status is compared. "sleep" sleeps a virtual minute. */
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

int main(int argc, char **argv) {
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
