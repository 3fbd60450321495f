/*
 * FIFOs (named pipes) on the host file system: blocking opens that wait for the other end, reads and
 * writes that wait, and signals that end those waits. Under jlibos the host fd is non-blocking and the
 * waits happen in the libOS, so a signal or SIGKILL reaches them (issue 17: the fuzzer found a guest
 * stuck for good in a host preadv2 of a FIFO).
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* musl has no preadv2 wrapper: offset -1 is "at the file position". */
static ssize_t preadv2_at_position(int fd, struct iovec *v, int count) {
    return syscall(SYS_preadv2, fd, v, count, -1L, 0L, 0);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

/* SIGALRM in ms milliseconds, with a handler installed without SA_RESTART: the wait ends in EINTR. */
static void alarm_in(int ms) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, ms * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

#define BULK 100000

/* The writer opens first and waits for the reader; one large write goes on until all of it is read. */
static void writer_waits_for_reader(void) {
    pid_t child = fork();
    if (child == 0) {
        int w = open("f1", O_WRONLY);
        if (w < 0) _exit(10);
        static char bulk[BULK];
        memset(bulk, 'x', sizeof bulk);
        if (write(w, "hello", 5) != 5) _exit(11);
        if (write(w, bulk, sizeof bulk) != sizeof bulk) _exit(12);
        _exit(0);
    }
    pause_ms(100);
    int r = open("f1", O_RDONLY);
    CHECK(r >= 0);
    char buf[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(r, buf, sizeof buf)) > 0) total += n;
    CHECK(n == 0);
    CHECK(total == 5 + BULK);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(r);
}

/* The reader opens first (a blocking open waits for a writer), then preadv2 at the file position waits for data. */
static void reader_waits_for_writer(void) {
    pid_t child = fork();
    if (child == 0) {
        pause_ms(100);
        int w = open("f1", O_WRONLY);
        if (w < 0) _exit(10);
        pause_ms(100);
        if (write(w, "late data", 9) != 9) _exit(11);
        _exit(0);
    }
    int r = open("f1", O_RDONLY);
    CHECK(r >= 0);
    char buf[32] = {0};
    struct iovec v = {buf, sizeof buf};
    ssize_t n = preadv2_at_position(r, &v, 1);
    CHECK(n == 9 && memcmp(buf, "late data", 9) == 0);
    CHECK(read(r, buf, sizeof buf) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(r);
}

/* Signals end every wait: a reader's open, a writer's open, and a read with a silent writer. */
static void signals_end_waits(void) {
    alarm_in(100);
    CHECK_ERRNO(open("f1", O_RDONLY), EINTR);
    alarm_in(100);
    CHECK_ERRNO(open("f1", O_WRONLY), EINTR);
    CHECK(alarms == 2);

    int r = open("f1", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    int w = open("f1", O_WRONLY);
    CHECK(w >= 0);
    CHECK(fcntl(r, F_SETFL, 0) == 0);
    CHECK((fcntl(r, F_GETFL) & O_NONBLOCK) == 0);
    char buf[16];
    alarm_in(100);
    CHECK_ERRNO(read(r, buf, sizeof buf), EINTR);
    struct iovec v = {buf, sizeof buf};
    alarm_in(100);
    CHECK_ERRNO(preadv2_at_position(r, &v, 1), EINTR);
    CHECK(alarms == 4);

    /* O_NONBLOCK set by fcntl shows in F_GETFL and makes the read fail instead of wait. */
    CHECK(fcntl(r, F_SETFL, O_NONBLOCK) == 0);
    CHECK((fcntl(r, F_GETFL) & O_NONBLOCK) != 0);
    CHECK_ERRNO(read(r, buf, sizeof buf), EAGAIN);
    CHECK(fcntl(r, F_SETFL, 0) == 0);

    /* readv returns what is there rather than wait to fill its second vector. */
    CHECK(write(w, "abcd", 4) == 4);
    char a[4], b[4];
    struct iovec two[2] = {{a, 4}, {b, 4}};
    CHECK(readv(r, two, 2) == 4 && memcmp(a, "abcd", 4) == 0);
    close(w);
    CHECK(read(r, buf, sizeof buf) == 0);
    close(r);
}

/* The non-blocking opens: a writer without a reader is ENXIO; a reader without a writer reads end of file. */
static void nonblocking_opens(void) {
    CHECK_ERRNO(open("f1", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open("f1", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    CHECK((fcntl(r, F_GETFL) & O_NONBLOCK) != 0);
    char c;
    CHECK(read(r, &c, 1) == 0);
    int rw = open("f1", O_RDWR);
    CHECK(rw >= 0);
    close(rw);
    close(r);
}

/* The same waits through an in-JVM pipe: readv stops after the data there is. */
static void pipe_readv(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "wxyz", 4) == 4);
    char a[4], b[4];
    struct iovec two[2] = {{a, 4}, {b, 4}};
    CHECK(readv(p[0], two, 2) == 4 && memcmp(a, "wxyz", 4) == 0);
    close(p[0]);
    close(p[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    unlink("f1");
    CHECK(mkfifo("f1", 0600) == 0);
    writer_waits_for_reader();
    reader_waits_for_writer();
    signals_end_waits();
    nonblocking_opens();
    pipe_readv();
    CHECK(unlink("f1") == 0);
    return guest_finish();
}
