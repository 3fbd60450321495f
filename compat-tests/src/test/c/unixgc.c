/*
 * Garbage collection of AF_UNIX sockets in flight (Linux: net/unix/garbage.c): a socket passed over
 * itself, and two passed over each other, with a pipe's write end riding along. Once every fd is closed
 * nothing can receive them; Linux finds the cycle and purges the queues, which releases the writer, so the
 * reader sees end of file. While one of the sockets still has an fd, nothing is collected.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <poll.h>
static void pass(int over, int *fds, int n) {
    char buf[CMSG_SPACE(sizeof(int) * 4)]; memset(buf, 0, sizeof buf);
    char c = 'x'; struct iovec iov = {&c, 1};
    struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = buf; m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *h = CMSG_FIRSTHDR(&m); h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(h), fds, sizeof(int) * n);
    if (sendmsg(over, &m, 0) != 1) perror("sendmsg");
}
/* Linux collects asynchronously (a worker that a unix socket's release schedules): wait for the hang-up,
 * closing a fresh pair now and then as a nudge, for at most 10 s. */
static void check(const char *what, int rd) {
    int i = 0;
    for (; i < 100; i++) {
        struct pollfd q = {rd, POLLIN, 0};
        if (poll(&q, 1, 100) == 1) break;
        int t[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, t); close(t[0]); close(t[1]);
    }
    char b; printf("%s: %s, read = %zd\n", what, i < 100 ? "writer released" : "writer still open", i < 100 ? read(rd, &b, 1) : (ssize_t)-1);
    close(rd);
}
int main(void) { setvbuf(stdout, 0, _IONBF, 0);
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv); pipe(p);
    int self[2] = {sv[1], p[1]}; pass(sv[0], self, 2);  /* sv[1] and the pipe's writer sit in sv[1]'s own queue */
    close(sv[0]); close(sv[1]); close(p[1]);
    check("socket passed over itself", p[0]);
    int a[2], b[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, a); socketpair(AF_UNIX, SOCK_DGRAM, 0, b); pipe(p);
    int x[2] = {b[0], p[1]}; pass(a[1], x, 2);  /* b[0] in a[0]'s queue */
    int y[1] = {a[0]}; pass(b[1], y, 1);        /* a[0] in b[0]'s queue */
    close(a[0]); close(a[1]); close(b[1]); close(p[1]);
    /* b[0] still has an fd: nothing is garbage yet, the writer stays open (read would block) */
    int r = recv(b[0], &(char){0}, 1, MSG_DONTWAIT); printf("b[0] still receives: %d\n", r);
    close(b[0]);
    check("two sockets passed over each other", p[0]);
    return 0;
}
