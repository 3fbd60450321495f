/*
 * A file that shrinks while it is mapped MAP_SHARED: the pages past its new end raise SIGBUS (BUS_ADRERR,
 * si_addr the byte touched) in every process that maps it, a syscall given such a page fails with EFAULT,
 * and the page holding the new end stays usable. Under jlibos this used to kill the whole JVM with SIGBUS
 * (issue 17's race fuzzer).
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static sigjmp_buf back;
static volatile int bus_code;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *ctx) {
    (void)sig;
    (void)ctx;
    bus_code = si->si_code;
    bus_addr = si->si_addr;
    siglongjmp(back, 1);
}

/* Reads p[0]; returns 1 if that raised SIGBUS with BUS_ADRERR at exactly p. */
static int bus_on_read(volatile char *p) {
    bus_code = 0;
    bus_addr = NULL;
    if (sigsetjmp(back, 1) == 0) {
        (void)p[0];
        return 0;
    }
    return bus_code == BUS_ADRERR && bus_addr == (void *)p;
}

static int bus_on_write(volatile char *p) {
    bus_code = 0;
    if (sigsetjmp(back, 1) == 0) {
        p[0] = 1;
        return 0;
    }
    return bus_code == BUS_ADRERR && bus_addr == (void *)p;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);

    int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4 * PAGE) == 0);
    char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    memset(m, 'a', 4 * PAGE);

    int go[2], done[2];
    CHECK(pipe(go) == 0 && pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) { /* maps the same file through fork; checks after the parent shrinks it */
        char c;
        if (read(go[0], &c, 1) != 1) _exit(10);
        int ok = !bus_on_read(m) && m[0] == 'z' && bus_on_read(m + 2 * PAGE) && bus_on_write(m + 3 * PAGE + 7);
        _exit(ok ? 0 : 11);
    }

    CHECK(ftruncate(fd, PAGE + 10) == 0);
    /* The page holding the new end: bytes before it keep their value, bytes after it read as zero. */
    CHECK(m[PAGE + 9] == 'a');
    CHECK(m[PAGE + 10] == 0 && m[2 * PAGE - 1] == 0);
    CHECK(bus_on_read(m + 2 * PAGE));
    CHECK(bus_on_read(m + 4 * PAGE - 1));
    CHECK(bus_on_write(m + 3 * PAGE));
    CHECK(!bus_on_read(m + PAGE));

    /* A syscall that copies to or from those pages fails with EFAULT. */
    CHECK_ERRNO(write(done[1], m + 2 * PAGE, 1), EFAULT);
    CHECK_ERRNO(read(fd, m + 3 * PAGE, 1), EFAULT);
    CHECK(pwrite(fd, "z", 1, 0) == 1 && m[0] == 'z');

    CHECK(write(go[1], "g", 1) == 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* O_TRUNC shrinks it to nothing: the first page goes too. */
    int again = open("mapped", O_RDWR | O_TRUNC);
    CHECK(again >= 0);
    CHECK(bus_on_read(m));
    close(again);

    CHECK(munmap(m, 4 * PAGE) == 0);
    close(fd);
    CHECK(unlink("mapped") == 0);
    return guest_finish();
}
