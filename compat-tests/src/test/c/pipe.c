/* pipe: write then read in one process, EOF after close, EPIPE, non-blocking EAGAIN, pipe2 flags. */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

int main(void) {
    int p[2];
    char buf[128];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "hello", 5) == 5);
    CHECK(write(p[1], " pipe", 5) == 5);
    ssize_t n = read(p[0], buf, sizeof buf);
    printf("read %zd bytes: [%.*s]\n", n, (int)n, buf);
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(read(p[0], buf, 2) == 2 && buf[0] == 'a' && buf[1] == 'b');
    CHECK(close(p[1]) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 1 && buf[0] == 'c');
    CHECK(read(p[0], buf, sizeof buf) == 0); /* EOF: no writers left */
    CHECK(close(p[0]) == 0);

    /* Writing with no reader: SIGPIPE (ignored here) and EPIPE. */
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK(pipe(p) == 0);
    CHECK(close(p[0]) == 0);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    close(p[1]);

    /* Non-blocking: an empty pipe reads EAGAIN, a full pipe writes EAGAIN. */
    CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
    CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    CHECK((fcntl(p[1], F_GETFD) & FD_CLOEXEC) != 0);
    CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
    static char chunk[4096];
    long total = 0;
    for (;;) {
        ssize_t w = write(p[1], chunk, sizeof chunk);
        if (w < 0) break;
        total += w;
        if (total > (64L << 20)) break;
    }
    CHECK(errno == EAGAIN);
    printf("pipe holds at least 4096 bytes: %s\n", total >= 4096 ? "yes" : "no");
    long drained = 0;
    while ((n = read(p[0], chunk, sizeof chunk)) > 0) drained += n;
    CHECK(drained == total);
    close(p[0]);
    close(p[1]);
    CHECK_ERRNO(pipe((int *)0), EFAULT);
    return guest_finish();
}
