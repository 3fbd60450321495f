/*
 * ancillary: issue 16's long tail on host sockets and pipes.
 *   cmsg   UDP over loopback: IP_RECVTTL/IP_RECVTOS and IPV6_RECVHOPLIMIT/IPV6_RECVTCLASS control messages,
 *          sendmsg carrying IP_TOS and IPV6_HOPLIMIT/IPV6_TCLASS, a control buffer with room for only the
 *          first message (MSG_CTRUNC, the second dropped), an odd-sized buffer (the message cut, its
 *          cmsg_len saying so), and none at all.
 *   pipesz F_GETPIPE_SZ/F_SETPIPE_SZ: rounding to a power of two of at least a page, a pipe that cannot
 *          shrink below what it holds (EBUSY), the new size in effect (a write that fills it).
 */
#define _GNU_SOURCE
#include "guest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, struct msghdr *m, int n) {
    printf("%s: %d bytes, controllen %zu, flags%s\n", what, n, (size_t)m->msg_controllen,
           m->msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : "");
    for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
        size_t data = h->cmsg_len > CMSG_LEN(0) ? h->cmsg_len - CMSG_LEN(0) : 0;
        int v = 0;
        memcpy(&v, CMSG_DATA(h), data < sizeof v ? data : sizeof v);
        printf("  level %d type %d len %zu value %d\n", h->cmsg_level, h->cmsg_type, (size_t)h->cmsg_len,
               h->cmsg_type == IP_TTL || h->cmsg_type == IPV6_HOPLIMIT ? (v > 0) : v & 0xff);
    }
}

static int receive(int s, const char *what, size_t room) {
    char buf[16], control[256];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = room ? control : NULL, .msg_controllen = room};
    int n = recvmsg(s, &m, 0);
    show(what, &m, n);
    return n;
}

static void send_with(int c, struct sockaddr *to, socklen_t len, int level, int type, int value) {
    char cb[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {"hi", 2};
    struct msghdr m = {.msg_name = to, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
                       .msg_controllen = sizeof cb};
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = level;
    h->cmsg_type = type;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &value, sizeof value);
    CHECK(sendmsg(c, &m, 0) == 2);
}

static void ipv4(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0), on = 1, tos = 0x10;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    getsockname(s, (struct sockaddr *)&a, &l);
    CHECK(setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof on) == 0);
    CHECK(setsockopt(s, IPPROTO_IP, IP_RECVTOS, &on, sizeof on) == 0);
    CHECK(setsockopt(c, IPPROTO_IP, IP_TOS, &tos, sizeof tos) == 0);
    for (int i = 0; i < 4; i++) CHECK(sendto(c, "hi", 2, 0, (struct sockaddr *)&a, sizeof a) == 2);
    receive(s, "ipv4 room for all", 256);
    receive(s, "ipv4 room for one", CMSG_SPACE(sizeof(int)));
    receive(s, "ipv4 odd room", CMSG_LEN(0) + 2);
    receive(s, "ipv4 no control", 0);
    send_with(c, (struct sockaddr *)&a, sizeof a, IPPROTO_IP, IP_TOS, 0x08);
    receive(s, "ipv4 sent with IP_TOS 8", 256);
    close(s);
    close(c);
}

static void ipv6(void) {
    int s = socket(AF_INET6, SOCK_DGRAM, 0), c = socket(AF_INET6, SOCK_DGRAM, 0), on = 1;
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
        puts("ipv6: no loopback here");
        return;
    }
    getsockname(s, (struct sockaddr *)&a, &l);
    CHECK(setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) == 0);
    CHECK(setsockopt(s, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on) == 0);
    send_with(c, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
    receive(s, "ipv6 sent with IPV6_TCLASS 32", 256);
    send_with(c, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_HOPLIMIT, 7);
    receive(s, "ipv6 sent with IPV6_HOPLIMIT 7", CMSG_SPACE(sizeof(int)));
    close(s);
    close(c);
}

static void pipe_size(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    printf("new pipe: %d\n", fcntl(p[0], F_GETPIPE_SZ));
    printf("set 100000: %d\n", fcntl(p[1], F_SETPIPE_SZ, 100000));
    printf("now (other end): %d\n", fcntl(p[0], F_GETPIPE_SZ));
    printf("set 1: %d\n", fcntl(p[0], F_SETPIPE_SZ, 1));
    printf("set 0: %d\n", fcntl(p[0], F_SETPIPE_SZ, 0));
    char block[8192] = {0};
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    CHECK(write(p[1], block, 4096) == 4096);
    CHECK_ERRNO(write(p[1], block, 1), EAGAIN); /* a one-page pipe is full */
    CHECK(fcntl(p[0], F_SETPIPE_SZ, 8192) == 8192);
    CHECK(write(p[1], block, 4096) == 4096);
    CHECK_ERRNO(fcntl(p[0], F_SETPIPE_SZ, 4096), EBUSY); /* holds 8 KiB */
    char out[8192];
    CHECK(read(p[0], out, sizeof out) == 8192);
    CHECK_ERRNO(fcntl(0 + 100, F_GETPIPE_SZ), EBADF);
    int f = open(".", O_RDONLY);
    CHECK_ERRNO(fcntl(f, F_SETPIPE_SZ, 4096), EBADF); /* not a pipe */
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "cmsg";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(mode, "cmsg") == 0) {
        ipv4();
        ipv6();
    } else if (strcmp(mode, "pipesz") == 0) {
        pipe_size();
    } else {
        printf("unknown mode %s\n", mode);
        return 2;
    }
    return guest_failures ? 1 : 0;
}
