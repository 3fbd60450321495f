/*
 * AF_NETLINK / NETLINK_ROUTE: raw dumps of links, addresses and routes (printed in a stable order),
 * getifaddrs() and if_nameindex(), port ids, options, MSG_PEEK/MSG_TRUNC, acks and error messages.
 *
 * The interfaces printed are the machine's: the differential test compares them on one machine. The
 * netlink headers are declared here because musl ships no <linux/netlink.h>.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define NETLINK_ROUTE 0
#define SOL_NETLINK 270
#define NETLINK_CAP_ACK 10
#define NETLINK_EXT_ACK 11
#define NETLINK_GET_STRICT_CHK 12

struct nl_addr {
    unsigned short nl_family;
    unsigned short nl_pad;
    uint32_t nl_pid;
    uint32_t nl_groups;
};
struct nl_hdr {
    uint32_t len;
    uint16_t type, flags;
    uint32_t seq, pid;
};
struct nl_err {
    int error;
    struct nl_hdr msg;
};
struct if_info { /* ifinfomsg */
    unsigned char family, pad;
    unsigned short type;
    int index;
    unsigned flags, change;
};
struct if_addr { /* ifaddrmsg */
    unsigned char family, prefixlen, flags, scope;
    uint32_t index;
};
struct rt_msg { /* rtmsg */
    unsigned char family, dst_len, src_len, tos, table, protocol, scope, type;
    unsigned flags;
};
struct rt_attr {
    unsigned short len, type;
};

#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_REQUEST 1
#define NLM_F_MULTI 2
#define NLM_F_ACK 4
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_TABLE 15
#define ALIGN4(n) (((n) + 3u) & ~3u)

static unsigned seq_no = 100;
static unsigned char buf[1 << 16];

static int nl_socket(void) {
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static uint32_t port_of(int fd) {
    struct nl_addr a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) return 0xffffffff;
    return a.nl_pid;
}

/* Sends a request whose body is {@code body} (n bytes); returns its sequence number. */
static unsigned request(int fd, int type, int flags, const void *body, size_t n) {
    unsigned char out[256];
    struct nl_hdr *h = (struct nl_hdr *)out;
    memset(out, 0, sizeof out);
    h->len = sizeof *h + n;
    h->type = type;
    h->flags = flags;
    h->seq = ++seq_no;
    memcpy(out + sizeof *h, body, n);
    struct nl_addr kernel = {AF_NETLINK, 0, 0, 0};
    if (sendto(fd, out, h->len, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)h->len) {
        printf("FAIL sendto type %d: %s\n", type, strerror(errno));
        guest_failures++;
    }
    return h->seq;
}

/* Collected lines, sorted before printing: the kernel's order is not the point. */
static char *lines[512];
static int nlines;

static void add_line(const char *s) {
    if (nlines < 512) lines[nlines++] = strdup(s);
}

static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_lines(const char *title) {
    qsort(lines, nlines, sizeof lines[0], by_string);
    printf("%s: %d\n", title, nlines);
    for (int i = 0; i < nlines; i++) {
        printf("  %s\n", lines[i]);
        free(lines[i]);
    }
    nlines = 0;
}

static struct rt_attr *attr(void *body, size_t fixed, size_t len, int type) {
    unsigned char *p = (unsigned char *)body + ALIGN4(fixed), *end = (unsigned char *)body + len;
    while (p + sizeof(struct rt_attr) <= end) {
        struct rt_attr *a = (struct rt_attr *)p;
        if (a->len < sizeof *a || p + a->len > end) break;
        if ((a->type & 0x3fff) == type) return a;
        p += ALIGN4(a->len);
    }
    return NULL;
}

static void describe(struct nl_hdr *h) {
    char line[256];
    void *body = h + 1;
    size_t len = h->len - sizeof *h;
    if (h->type == RTM_NEWLINK) {
        struct if_info *i = body;
        struct rt_attr *name = attr(body, sizeof *i, len, IFLA_IFNAME), *mtu = attr(body, sizeof *i, len, IFLA_MTU);
        snprintf(line, sizeof line, "link %d %s type %u flags %#x mtu %u", i->index, name ? (char *)(name + 1) : "?",
                 i->type, i->flags & ~0x10000u /* IFF_LOWER_UP is a state */, mtu ? *(unsigned *)(mtu + 1) : 0);
    } else if (h->type == RTM_NEWADDR) {
        struct if_addr *a = body;
        struct rt_attr *addr = attr(body, sizeof *a, len, IFA_ADDRESS);
        char text[INET6_ADDRSTRLEN] = "?";
        if (addr) inet_ntop(a->family, addr + 1, text, sizeof text);
        snprintf(line, sizeof line, "addr %d family %d %s/%u scope %u", a->index, a->family, text, a->prefixlen, a->scope);
    } else if (h->type == RTM_NEWROUTE) {
        struct rt_msg *r = body;
        struct rt_attr *dst = attr(body, sizeof *r, len, RTA_DST), *oif = attr(body, sizeof *r, len, RTA_OIF),
                       *gw = attr(body, sizeof *r, len, RTA_GATEWAY);
        char d[INET6_ADDRSTRLEN] = "default", g[INET6_ADDRSTRLEN] = "-";
        if (dst) inet_ntop(r->family, dst + 1, d, sizeof d);
        if (gw) inet_ntop(r->family, gw + 1, g, sizeof g);
        if (r->table != 254) return; /* the main table */
        snprintf(line, sizeof line, "route family %d %s/%u via %s oif %d type %u", r->family, d, r->dst_len, g,
                 oif ? *(int *)(oif + 1) : 0, r->type);
    } else {
        snprintf(line, sizeof line, "message type %u", h->type);
    }
    add_line(line);
}

/*
 * Reads the replies to request {@code seq} up to NLMSG_DONE (dump) or the first message (else),
 * checking every header. Returns the error of an NLMSG_ERROR, 0 otherwise.
 */
static int replies(int fd, unsigned seq, int dump) {
    uint32_t me = port_of(fd);
    int bad_headers = 0, from_kernel = 1, error = 0, done = 0;
    while (!done) {
        struct nl_addr from;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &msg, 0);
        if (n <= 0) {
            printf("FAIL recvmsg: %zd %s\n", n, strerror(errno));
            guest_failures++;
            return -1;
        }
        if (msg.msg_namelen != sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0) from_kernel = 0;
        for (struct nl_hdr *h = (struct nl_hdr *)buf; n >= (ssize_t)sizeof *h && h->len >= sizeof *h && h->len <= n;) {
            if (h->seq != seq || h->pid != me) bad_headers++;
            if (h->type == NLMSG_DONE) {
                done = 1;
            } else if (h->type == NLMSG_ERROR) {
                error = ((struct nl_err *)(h + 1))->error;
                done = 1;
            } else {
                if (dump && !(h->flags & NLM_F_MULTI)) bad_headers++;
                describe(h);
                if (!dump) done = 1;
            }
            n -= ALIGN4(h->len);
            h = (struct nl_hdr *)((unsigned char *)h + ALIGN4(h->len));
        }
    }
    CHECK(bad_headers == 0);
    CHECK(from_kernel);
    return error;
}

static void test_sockets(void) {
    CHECK_ERRNO(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT);
    CHECK_ERRNO(socket(AF_NETLINK, SOCK_RAW, 99), EPROTONOSUPPORT);
    int fd = nl_socket();
    CHECK(fd >= 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    struct nl_addr a;
    socklen_t len = sizeof a;
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0 && len == 12 && a.nl_family == AF_NETLINK && a.nl_pid == 0);
    int type = 0, proto = -1, domain = 0;
    len = sizeof type;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_RAW);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == NETLINK_ROUTE);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_NETLINK);
    int big = 1 << 20, small = 32768, one = 1;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big) == 0);
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one) == 0);
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one) == 0);
    int got = 0;
    len = sizeof got;
    CHECK(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &got, &len) == 0 && got == 1);
    CHECK_ERRNO(setsockopt(fd, SOL_NETLINK, 9999, &one, sizeof one), ENOPROTOOPT);

    struct nl_addr bad = {AF_INET, 0, 0, 0};
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&bad, sizeof bad), EINVAL);
    struct nl_addr any = {AF_NETLINK, 0, 0, 0};
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&any, 8), EINVAL);
    CHECK(bind(fd, (struct sockaddr *)&any, sizeof any) == 0);
    /* The first socket of a process gets the pid as its port id; later ones a negative one. */
    CHECK(port_of(fd) == (uint32_t)getpid());
    struct nl_addr other = {AF_NETLINK, 0, 12345, 0};
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&other, sizeof other), EINVAL);
    int second = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
    struct nl_addr taken = {AF_NETLINK, 0, (uint32_t)getpid(), 0};
    CHECK_ERRNO(bind(second, (struct sockaddr *)&taken, sizeof taken), EADDRINUSE);
    CHECK(bind(second, (struct sockaddr *)&any, sizeof any) == 0);
    CHECK((int32_t)port_of(second) < 0);
    close(second);
    /* Autobind on the first send. */
    int third = nl_socket();
    struct if_info link = {0};
    request(third, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &link, sizeof link);
    CHECK(port_of(third) != 0);
    close(third);
    /* Multicast groups are accepted and reported. */
    int listener = nl_socket();
    struct nl_addr groups = {AF_NETLINK, 0, 0, 1 /* RTMGRP_LINK */};
    CHECK(bind(listener, (struct sockaddr *)&groups, sizeof groups) == 0);
    len = sizeof a;
    CHECK(getsockname(listener, (struct sockaddr *)&a, &len) == 0 && a.nl_groups == 1);
    close(listener);
    close(fd);
}

static void test_dumps(void) {
    int fd = nl_socket();
    struct nl_addr any = {AF_NETLINK, 0, 0, 0};
    CHECK(bind(fd, (struct sockaddr *)&any, sizeof any) == 0);
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
    CHECK_ERRNO(recv(fd, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    struct if_info link = {0};
    unsigned seq = request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &link, sizeof link);
    CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
    CHECK(replies(fd, seq, 1) == 0);
    print_lines("links");

    int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
    for (int i = 0; i < 3; i++) {
        struct if_addr addr = {.family = families[i]};
        seq = request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, &addr, sizeof addr);
        CHECK(replies(fd, seq, 1) == 0);
        char title[32];
        snprintf(title, sizeof title, "addresses of family %d", families[i]);
        print_lines(title);
    }
    for (int i = 1; i < 3; i++) {
        struct rt_msg route = {.family = families[i]};
        seq = request(fd, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, &route, sizeof route);
        CHECK(replies(fd, seq, 1) == 0);
        char title[48];
        snprintf(title, sizeof title, "main-table routes of family %d", families[i]);
        print_lines(title);
    }

    /* One link by index; a missing one is ENODEV. */
    struct if_info lo = {.index = 1};
    seq = request(fd, RTM_GETLINK, NLM_F_REQUEST, &lo, sizeof lo);
    CHECK(replies(fd, seq, 0) == 0);
    print_lines("link 1");
    struct if_info missing = {.index = 0x7ffffff0};
    seq = request(fd, RTM_GETLINK, NLM_F_REQUEST, &missing, sizeof missing);
    CHECK(replies(fd, seq, 0) == -ENODEV);
    close(fd);
}

/* The NLMSG_ERROR of a request: its error, length and flags, and that it quotes the request. */
static void check_error(int fd, int type, int flags, const void *body, size_t n, int want, int capped) {
    unsigned seq = request(fd, type, flags, body, n);
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    struct nl_hdr *h = (struct nl_hdr *)buf;
    struct nl_err *e = (struct nl_err *)(h + 1);
    size_t quoted = capped ? sizeof(struct nl_hdr) : sizeof(struct nl_hdr) + n;
    printf("type %d flags %#x -> error %d\n", type, flags, got > 0 && h->type == NLMSG_ERROR ? e->error : 9999);
    CHECK(got == (ssize_t)ALIGN4(sizeof *h + sizeof(int) + quoted) && h->len == sizeof *h + sizeof(int) + quoted);
    CHECK(h->type == NLMSG_ERROR && h->seq == seq && h->pid == port_of(fd) && e->error == want);
    CHECK(((h->flags & NLM_F_CAPPED) != 0) == capped);
    CHECK(e->msg.type == type && e->msg.seq == seq && e->msg.len == sizeof(struct nl_hdr) + n);
}

static void test_errors(void) {
    int fd = nl_socket();
    int zero = 0, one = 1;
    /* Extended acks add nothing to these errors: no message, no attribute to point at. */
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one) == 0);
    /* A control message is acked (capped: the ack quotes only the header). */
    check_error(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, &zero, sizeof zero, 0, 1);
    /* An unknown type: EOPNOTSUPP, quoting the whole request. */
    check_error(fd, 0x7ff0, NLM_F_REQUEST, &zero, sizeof zero, -EOPNOTSUPP, 0);
    /* A GET of a missing link acked with its error; with NETLINK_CAP_ACK the quote is capped. */
    struct if_info missing = {.index = 0x7ffffff0};
    check_error(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, &missing, sizeof missing, -ENODEV, 0);
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one) == 0);
    check_error(fd, 0x7ff0, NLM_F_REQUEST, &zero, sizeof zero, -EOPNOTSUPP, 1);
    /* A message that is not a request is ignored; with NLM_F_ACK it is acked. */
    struct if_info link = {0};
    check_error(fd, RTM_GETLINK, NLM_F_ACK, &link, sizeof link, 0, 1);
    CHECK_ERRNO(recv(fd, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(fd);

    /* Changing an interface needs CAP_NET_ADMIN: an unprivileged process gets EPERM. */
    pid_t child = fork();
    if (child == 0) {
        if (geteuid() == 0 && setuid(65534) != 0) _exit(2);
        int s = nl_socket(), on = 1;
        setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
        struct {
            struct if_addr a;
            struct rt_attr attr;
            unsigned char ip[4];
        } add = {{AF_INET, 24, 0, 0, 0x7ffffff0}, {8, IFA_LOCAL}, {192, 0, 2, 77}};
        fflush(stdout);
        unsigned seq = request(s, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | 0x400 /* NLM_F_CREATE */, &add, sizeof add);
        ssize_t got = recv(s, buf, sizeof buf, 0);
        struct nl_hdr *h = (struct nl_hdr *)buf;
        int error = got > 0 && h->type == NLMSG_ERROR && h->seq == seq ? ((struct nl_err *)(h + 1))->error : 9999;
        /* The error quotes the whole request and carries no extended-ack attributes. */
        int exact = got == (ssize_t)(sizeof *h + sizeof(int) + sizeof *h + sizeof add) && h->flags == 0;
        _exit(error == -EPERM && exact ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_truncation(void) {
    int fd = nl_socket();
    struct if_info link = {0};
    unsigned seq = request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &link, sizeof link);
    /* A zero-length peek with MSG_TRUNC gives the datagram's size and leaves it queued. */
    struct iovec iov = {NULL, 0};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t size = recvmsg(fd, &msg, MSG_PEEK | MSG_TRUNC);
    CHECK(size > (ssize_t)sizeof(struct nl_hdr) && (msg.msg_flags & MSG_TRUNC));
    /* MSG_PEEK twice gives the same bytes. */
    unsigned char first[64], again[64];
    CHECK(recv(fd, first, sizeof first, MSG_PEEK) == sizeof first);
    CHECK(recv(fd, again, sizeof again, MSG_PEEK) == sizeof again && memcmp(first, again, sizeof first) == 0);
    CHECK(((struct nl_hdr *)first)->seq == seq && ((struct nl_hdr *)first)->type == RTM_NEWLINK);
    /* A short buffer: the rest of the datagram is lost, msg_flags says MSG_TRUNC. */
    unsigned char small[16];
    iov.iov_base = small;
    iov.iov_len = sizeof small;
    msg.msg_flags = 0;
    CHECK(recvmsg(fd, &msg, 0) == sizeof small && (msg.msg_flags & MSG_TRUNC));
    /* With MSG_TRUNC in flags the full length is returned. */
    ssize_t next = recvmsg(fd, &msg, MSG_PEEK | MSG_TRUNC);
    CHECK(next > 0);
    CHECK(recv(fd, small, sizeof small, MSG_PEEK | MSG_TRUNC) == next);
    /* Drain to NLMSG_DONE with read(2). */
    int done = 0, reads = 0;
    while (!done && reads++ < 1000) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        for (struct nl_hdr *h = (struct nl_hdr *)buf; n >= (ssize_t)sizeof *h && h->len >= sizeof *h && h->len <= n;) {
            if (h->type == NLMSG_DONE) done = 1;
            n -= ALIGN4(h->len);
            h = (struct nl_hdr *)((unsigned char *)h + ALIGN4(h->len));
        }
    }
    CHECK(done);
    /* write(2) sends a request too. */
    unsigned char out[sizeof(struct nl_hdr) + sizeof(struct if_info)] = {0};
    struct nl_hdr *h = (struct nl_hdr *)out;
    h->len = sizeof out;
    h->type = RTM_GETLINK;
    h->flags = NLM_F_REQUEST;
    h->seq = ++seq_no;
    ((struct if_info *)(h + 1))->index = 1;
    CHECK(write(fd, out, sizeof out) == sizeof out);
    CHECK(replies(fd, h->seq, 0) == 0);
    print_lines("link 1 by write");
    close(fd);
}

static void test_libc(void) {
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0);
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        char line[256], text[INET6_ADDRSTRLEN] = "-", mask[INET6_ADDRSTRLEN] = "-";
        int family = i->ifa_addr ? i->ifa_addr->sa_family : -1;
        if (family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, text, sizeof text);
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, mask, sizeof mask);
        } else if (family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, text, sizeof text);
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, mask, sizeof mask);
        }
        snprintf(line, sizeof line, "%s family %d %s mask %s flags %#x", i->ifa_name, family, text, mask,
                 i->ifa_flags & ~0x10000u);
        add_line(line);
    }
    freeifaddrs(list);
    print_lines("getifaddrs");
    struct if_nameindex *names = if_nameindex();
    CHECK(names != NULL);
    for (struct if_nameindex *n = names; n && n->if_index; n++) {
        char line[64];
        snprintf(line, sizeof line, "%u %s", n->if_index, n->if_name);
        add_line(line);
    }
    if_freenameindex(names);
    print_lines("if_nameindex");
    CHECK(if_nametoindex("lo") == 1);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    test_sockets();
    test_dumps();
    test_errors();
    test_truncation();
    test_libc();
    return guest_finish();
}
