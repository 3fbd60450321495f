/* Sockets: AF_UNIX (socketpair, paths, abstract names, SCM_RIGHTS) and TCP/UDP on loopback. */
#define _GNU_SOURCE
#include "guest.h"
#ifndef SIOCOUTQ
#define SIOCOUTQ 0x5411 /* TIOCOUTQ; musl has no linux/sockios.h */
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_sigpipe;
static void on_sigpipe(int sig) {
    (void)sig;
    got_sigpipe = 1;
}

static void test_socketpair(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(write(sv[0], "hello", 5) == 5);
    char buf[64];
    CHECK(read(sv[1], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(send(sv[1], "back", 4, 0) == 4);
    CHECK(recv(sv[0], buf, 2, MSG_PEEK) == 2 && memcmp(buf, "ba", 2) == 0);
    int avail = -1;
    CHECK(ioctl(sv[0], FIONREAD, &avail) == 0 && avail == 4);
    /* SIOCOUTQ: unread data of ours is still queued (Linux counts buffer overhead too), none once read. */
    int queued = -1;
    CHECK(ioctl(sv[1], SIOCOUTQ, &queued) == 0 && queued >= 4);
    CHECK(recv(sv[0], buf, sizeof buf, 0) == 4 && memcmp(buf, "back", 4) == 0);
    CHECK(ioctl(sv[1], SIOCOUTQ, &queued) == 0 && queued == 0);
    CHECK_ERRNO(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    /* Half close: the peer reads end of stream, and can still write back. */
    struct pollfd p = {sv[1], POLLIN | POLLRDHUP, 0};
    CHECK(poll(&p, 1, 0) == 0);
    CHECK(shutdown(sv[0], SHUT_WR) == 0);
    CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLRDHUP));
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 0);
    CHECK(send(sv[1], "x", 1, 0) == 1);
    CHECK(recv(sv[0], buf, sizeof buf, 0) == 1);
    CHECK_ERRNO(send(sv[0], "y", 1, MSG_NOSIGNAL), EPIPE);
    /* Closing one end: EPIPE and SIGPIPE on the other. */
    signal(SIGPIPE, on_sigpipe);
    close(sv[1]);
    CHECK(recv(sv[0], buf, sizeof buf, 0) == 0);
    CHECK_ERRNO(write(sv[0], "z", 1), EPIPE);
    CHECK(got_sigpipe == 1);
    got_sigpipe = 0;
    CHECK_ERRNO(send(sv[0], "z", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(got_sigpipe == 0);
    p.fd = sv[0];
    p.events = POLLIN;
    CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0);
    close(sv[0]);
    signal(SIGPIPE, SIG_DFL);
    /* Options and names. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    CHECK((fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0 && fcntl(sv[1], F_GETFD) == FD_CLOEXEC);
    int type = 0;
    socklen_t len = sizeof type;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM && len == sizeof type);
    struct ucred cred;
    len = sizeof cred;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0);
    CHECK(cred.pid == getpid() && cred.uid == geteuid() && cred.gid == getegid());
    int err = -1;
    len = sizeof err;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);
    struct sockaddr_un name;
    len = sizeof name;
    CHECK(getsockname(sv[0], (struct sockaddr *)&name, &len) == 0 && len == sizeof(sa_family_t) && name.sun_family == AF_UNIX);
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, 9999, &err, &len), ENOPROTOOPT);
    CHECK_ERRNO(accept(sv[0], NULL, NULL), EINVAL);
    CHECK_ERRNO(getsockname(0 + 100, (struct sockaddr *)&name, &len), EBADF);
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    CHECK_ERRNO(getsockname(pfd[0], (struct sockaddr *)&name, &len), ENOTSOCK);
    close(pfd[0]);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
    /* Datagrams and sequenced packets keep message boundaries. */
    int types[2] = {SOCK_DGRAM, SOCK_SEQPACKET};
    for (int i = 0; i < 2; i++) {
        CHECK(socketpair(AF_UNIX, types[i], 0, sv) == 0);
        CHECK(send(sv[0], "one", 3, 0) == 3);
        CHECK(send(sv[0], "three", 5, 0) == 5);
        CHECK(recv(sv[1], buf, sizeof buf, 0) == 3);
        CHECK(recv(sv[1], buf, 2, 0) == 2);
        CHECK_ERRNO(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
        CHECK(send(sv[0], "four", 4, 0) == 4);
        CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 4);
        close(sv[0]);
        close(sv[1]);
    }
    /* A blocking read is woken by a child's write. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        usleep(30000);
        write(sv[1], "late", 4);
        _exit(0);
    }
    close(sv[1]);
    CHECK(read(sv[0], buf, sizeof buf) == 4);
    CHECK(read(sv[0], buf, sizeof buf) == 0);
    waitpid(pid, NULL, 0);
    close(sv[0]);
}

static int send_fd(int sock, int fd) {
    char byte = 'F';
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, 0);
}

static int recv_fd(int sock, int *flags) {
    char byte;
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1) return -1;
    *flags = msg.msg_flags;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) return -2;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void test_scm_rights(void) {
    int sv[2], p[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        send_fd(sv[1], p[1]);
        _exit(0);
    }
    close(sv[1]);
    close(p[1]); /* only the passed copy keeps the write end open */
    waitpid(pid, NULL, 0);
    int flags = -1;
    int fd = recv_fd(sv[0], &flags);
    CHECK(fd >= 0);
    CHECK(flags == MSG_CMSG_CLOEXEC);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(write(fd, "via", 3) == 3);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "via", 3) == 0);
    close(fd);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    close(p[0]);
    /* A message with no room for the fd: MSG_CTRUNC and the fd is dropped. */
    CHECK(pipe(p) == 0);
    int s2[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s2) == 0);
    CHECK(send_fd(s2[0], p[1]) == 1);
    close(p[1]);
    char byte;
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    CHECK(recvmsg(s2[1], &msg, 0) == 1);
    CHECK(msg.msg_flags == MSG_CTRUNC);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    close(p[0]);
    close(s2[0]);
    close(s2[1]);
    close(sv[0]);
}

static void test_unix_path(void) {
    const char *path = "test.sock";
    unlink(path);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(srv >= 0);
    struct sockaddr_un addr = {0};
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
    CHECK(bind(srv, (struct sockaddr *)&addr, alen) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(other, (struct sockaddr *)&addr, alen), EADDRINUSE);
    CHECK_ERRNO(connect(other, (struct sockaddr *)&addr, alen), ECONNREFUSED);
    close(other);
    CHECK(listen(srv, 4) == 0);
    int on = -1;
    socklen_t len = sizeof on;
    CHECK(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on == 1);
    struct pollfd p = {srv, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, alen) != 0) _exit(1);
        char buf[16];
        ssize_t n = read(c, buf, sizeof buf);
        if (n != 4 || memcmp(buf, "ping", 4) != 0) _exit(2);
        write(c, "pong", 4);
        close(c);
        _exit(0);
    }
    CHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLIN);
    struct sockaddr_un peer;
    len = sizeof peer;
    int c = accept(srv, (struct sockaddr *)&peer, &len);
    CHECK(c >= 0);
    CHECK(len == sizeof(sa_family_t));
    struct sockaddr_un me;
    len = sizeof me;
    CHECK(getsockname(c, (struct sockaddr *)&me, &len) == 0 && len == alen && strcmp(me.sun_path, path) == 0);
    struct ucred cred;
    len = sizeof cred;
    CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == pid);
    CHECK(write(c, "ping", 4) == 4);
    char buf[16];
    CHECK(read(c, buf, sizeof buf) == 4 && memcmp(buf, "pong", 4) == 0);
    CHECK(read(c, buf, sizeof buf) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(c);
    close(srv);
    /* The file stays after close; connecting then is refused, after unlink the path is gone. */
    other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(other, (struct sockaddr *)&addr, alen), ECONNREFUSED);
    CHECK(unlink(path) == 0);
    CHECK_ERRNO(connect(other, (struct sockaddr *)&addr, alen), ENOENT);
    close(other);
    /* Abstract names and datagrams with a sender address. */
    struct sockaddr_un abs = {0};
    abs.sun_family = AF_UNIX;
    memcpy(abs.sun_path, "\0jlibos-test-abstract", 21);
    socklen_t abslen = offsetof(struct sockaddr_un, sun_path) + 21;
    int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(d1, (struct sockaddr *)&abs, abslen) == 0);
    struct sockaddr_un abs2 = abs;
    abs2.sun_path[1] = 'J';
    CHECK(bind(d2, (struct sockaddr *)&abs2, abslen) == 0);
    CHECK(sendto(d2, "dgram", 5, 0, (struct sockaddr *)&abs, abslen) == 5);
    struct sockaddr_un from;
    len = sizeof from;
    CHECK(recvfrom(d1, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) == 5);
    CHECK(len == abslen && memcmp(from.sun_path, abs2.sun_path, 21) == 0);
    close(d1);
    CHECK_ERRNO(sendto(d2, "x", 1, 0, (struct sockaddr *)&abs, abslen), ECONNREFUSED);
    close(d2);
}

static int tcp_listener(struct sockaddr_in *addr) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = 0;
    if (bind(s, (struct sockaddr *)addr, sizeof *addr) != 0) return -1;
    socklen_t len = sizeof *addr;
    getsockname(s, (struct sockaddr *)addr, &len);
    listen(s, 8);
    return s;
}

static void test_tcp(void) {
    struct sockaddr_in addr;
    int srv = tcp_listener(&addr);
    CHECK(srv >= 0);
    CHECK(addr.sin_port != 0);
    int one = 0;
    socklen_t len = sizeof one;
    CHECK(getsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, &len) == 0 && one != 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0) _exit(1);
        int nodelay = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
        if (send(c, "request", 7, 0) != 7) _exit(2);
        char buf[32];
        ssize_t n = recv(c, buf, 8, MSG_WAITALL);
        if (n != 8 || memcmp(buf, "response", 8) != 0) _exit(3);
        close(c);
        _exit(0);
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = srv}, out;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev) == 0);
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.fd == srv);
    struct sockaddr_in peer;
    len = sizeof peer;
    int c = accept4(srv, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK);
    CHECK(c >= 0);
    CHECK(len == sizeof peer && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) == 0);
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.fd == c);
    char buf[32];
    ssize_t got = 0;
    while (got < 7) {
        ssize_t n = recv(c, buf + got, sizeof buf - got, 0);
        if (n > 0) got += n;
        else if (n < 0 && errno == EAGAIN) epoll_wait(ep, &out, 1, 5000);
        else break;
    }
    CHECK(got == 7 && memcmp(buf, "request", 7) == 0);
    CHECK(send(c, "resp", 4, 0) == 4);
    CHECK(send(c, "onse", 4, 0) == 4);
    struct sockaddr_in pn;
    len = sizeof pn;
    CHECK(getpeername(c, (struct sockaddr *)&pn, &len) == 0 && pn.sin_port == peer.sin_port);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The client closed: readable with end of stream. */
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && (out.events & EPOLLIN));
    CHECK(recv(c, buf, sizeof buf, 0) == 0);
    close(ep);
    close(c);
    close(srv);
    /* Connection refused on a port nobody listens on (the one just closed). */
    int r = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(r, (struct sockaddr *)&addr, sizeof addr), ECONNREFUSED);
    close(r);
}

static void test_nonblocking_connect(void) {
    struct sockaddr_in addr;
    int srv = tcp_listener(&addr);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int rc = connect(c, (struct sockaddr *)&addr, sizeof addr);
    CHECK(rc == 0 || errno == EINPROGRESS);
    struct pollfd p = {c, POLLOUT, 0};
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT));
    int err = -1;
    socklen_t len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);
    int a = accept(srv, NULL, NULL);
    CHECK(a >= 0);
    /* Idle socket: poll times out, recv would block. */
    struct pollfd idle = {a, POLLIN, 0};
    CHECK(poll(&idle, 1, 50) == 0);
    char buf[4];
    CHECK_ERRNO(recv(c, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERRNO(recv(a, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    /* SO_RCVTIMEO bounds a blocking recv. */
    struct timeval tv = {0, 50000};
    CHECK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    CHECK_ERRNO(recv(a, buf, sizeof buf, 0), EAGAIN);
    CHECK(shutdown(c, SHUT_WR) == 0);
    CHECK(recv(a, buf, sizeof buf, 0) == 0);
    close(a);
    close(c);
    close(srv);
}

static void test_udp(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(s, (struct sockaddr *)&addr, sizeof addr) == 0);
    socklen_t len = sizeof addr;
    CHECK(getsockname(s, (struct sockaddr *)&addr, &len) == 0 && addr.sin_port != 0);
    pid_t pid = fork();
    if (pid == 0) {
        char buf[64];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 0) _exit(1);
        sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
        _exit(0);
    }
    CHECK(sendto(c, "echo me", 7, 0, (struct sockaddr *)&addr, sizeof addr) == 7);
    char buf[64];
    struct sockaddr_in from;
    len = sizeof from;
    CHECK(recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) == 7 && memcmp(buf, "echo me", 7) == 0);
    CHECK(from.sin_port == addr.sin_port);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
    /* Truncation is reported by recvmsg. */
    CHECK(connect(c, (struct sockaddr *)&addr, sizeof addr) == 0);
    struct sockaddr_in me;
    len = sizeof me;
    getsockname(c, (struct sockaddr *)&me, &len);
    CHECK(sendto(s, "0123456789", 10, 0, (struct sockaddr *)&me, sizeof me) == 10);
    struct iovec iov = {buf, 4};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    CHECK(recvmsg(c, &msg, 0) == 4);
    CHECK(msg.msg_flags == MSG_TRUNC);
    close(s);
    close(c);
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, 0) >= 0 ? socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0, 0}) : 0, EOPNOTSUPP);
}

int main(int argc, char **argv) {
    const char *which = argc > 1 ? argv[1] : "all";
    int all = strcmp(which, "all") == 0;
    if (all || strcmp(which, "socketpair") == 0) test_socketpair();
    if (all || strcmp(which, "scm-rights") == 0) test_scm_rights();
    if (all || strcmp(which, "unix-path") == 0) test_unix_path();
    if (all || strcmp(which, "tcp") == 0) test_tcp();
    if (all || strcmp(which, "nonblocking-connect") == 0) test_nonblocking_connect();
    if (all || strcmp(which, "udp") == 0) test_udp();
    return guest_finish();
}
