/*
 * inotify: inotify(7) and fcntl F_NOTIFY (dnotify) on a temporary directory (argv[2], or made with mkdtemp
 * under /tmp and removed at the end).
 *   events    create, open/modify/close, attrib, rename (one nonzero cookie shared by both halves), mkdir,
 *             delete and rmdir events with their names; truncate by path (IN_MODIFY alone); a watch on a
 *             file: nameless events, IN_DELETE_SELF then IN_IGNORED.
 *   watches   the same path gives the same wd; IN_MASK_ADD, IN_MASK_CREATE, IN_ONESHOT, IN_ONLYDIR,
 *             IN_DONT_FOLLOW; inotify_rm_watch gives IN_IGNORED; bad wd, bad flags, fds that are not
 *             inotify instances.
 *   reading   IN_NONBLOCK's EAGAIN, a buffer too small for one event (EINVAL), FIONREAD, poll, select,
 *             epoll, F_GETFL/F_GETFD, dup and fork sharing the queue, /proc/self/fd's name, a blocking read
 *             interrupted by alarm (EINTR without SA_RESTART; with it, the read goes on and returns the event
 *             the handler made).
 *   dnotify   F_NOTIFY with F_SETSIG and SA_SIGINFO (si_fd, si_code, si_band), one-shot versus DN_MULTISHOT,
 *             DN_MODIFY, DN_DELETE, DN_RENAME, removal with 0 and by close, plain SIGIO, ENOTDIR.
 * Prints event names, masks and conditions, never wd numbers, cookies or times.
 */
#define _GNU_SOURCE
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

static const char *at(const char *name) {
    static char buf[4][512];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, 512, "%s/%s", dir, name);
    return b;
}

static void touch(const char *name) {
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    close(fd);
}

static const struct {
    uint32_t bit;
    const char *name;
} BITS[] = {
    {IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"}, {IN_CLOSE_WRITE, "CLOSE_WRITE"},
    {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"}, {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"},
    {IN_CREATE, "CREATE"}, {IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
    {IN_UNMOUNT, "UNMOUNT"}, {IN_Q_OVERFLOW, "Q_OVERFLOW"}, {IN_IGNORED, "IGNORED"}, {IN_ISDIR, "ISDIR"},
};

static void mask_string(uint32_t mask, char *out, size_t n) {
    out[0] = 0;
    for (size_t i = 0; i < sizeof BITS / sizeof BITS[0]; i++) {
        if (mask & BITS[i].bit) {
            if (out[0]) strncat(out, "|", n - strlen(out) - 1);
            strncat(out, BITS[i].name, n - strlen(out) - 1);
            mask &= ~BITS[i].bit;
        }
    }
    if (mask) snprintf(out + strlen(out), n - strlen(out), "|0x%x", mask);
}

/* Reads what is queued now (fd nonblocking) and prints each event: which of the two watches, mask, name,
 * and whether its cookie is 0, new, or the previous event's. */
static int drain(int fd, int wd1, int wd2) {
    char buf[4096] __attribute__((aligned(8)));
    uint32_t last_cookie = 0;
    int events = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno != EAGAIN) printf("read: %s\n", strerror(errno));
            break;
        }
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            char m[200];
            mask_string(e->mask, m, sizeof m);
            const char *cookie = e->cookie == 0 ? "0" : e->cookie == last_cookie ? "same" : "new";
            if (e->cookie) last_cookie = e->cookie;
            printf("  event %s %s name=%s cookie=%s\n", e->wd == wd1 ? "w1" : e->wd == wd2 ? "w2" : "w?", m,
                   e->len ? e->name : "-", cookie);
            p += sizeof *e + e->len;
            events++;
        }
    }
    return events;
}

static void events(void) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(fd >= 0);
    int wd = inotify_add_watch(fd, dir, IN_ALL_EVENTS);
    CHECK(wd > 0);
    printf("create, write, chmod:\n");
    touch("a");
    int f = open(at("a"), O_WRONLY);
    write(f, "hello", 5);
    close(f);
    chmod(at("a"), 0600);
    drain(fd, wd, -1);
    printf("rename within the directory:\n");
    rename(at("a"), at("b"));
    drain(fd, wd, -1);
    printf("mkdir, unlink, rmdir:\n");
    mkdir(at("sub"), 0755);
    unlink(at("b"));
    rmdir(at("sub"));
    drain(fd, wd, -1);
    printf("read of a file:\n");
    touch("r");
    drain(fd, wd, -1);
    f = open(at("r"), O_RDONLY);
    char c;
    read(f, &c, 1);
    close(f);
    drain(fd, wd, -1);

    printf("truncate by path opens nothing:\n");
    touch("t");
    drain(fd, wd, -1);
    truncate(at("t"), 5);
    drain(fd, wd, -1);
    unlink(at("t"));
    drain(fd, wd, -1);

    printf("a watch on the file itself:\n");
    int wf = inotify_add_watch(fd, at("r"), IN_ALL_EVENTS);
    CHECK(wf > 0 && wf != wd);
    f = open(at("r"), O_WRONLY);
    drain(fd, wd, wf);
    ftruncate(f, 10);
    fchmod(f, 0600);
    close(f);
    unlink(at("r"));
    drain(fd, wd, wf);
    close(fd);
}

static void watches(void) {
    int fd = inotify_init();
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFL) == O_RDONLY);
    CHECK(fcntl(fd, F_GETFD) == 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    touch("f");
    symlink("f", at("link"));
    symlink("missing", at("dangling"));

    int w1 = inotify_add_watch(fd, at("f"), IN_ATTRIB);
    CHECK(w1 > 0);
    CHECK(inotify_add_watch(fd, at("f"), IN_ATTRIB) == w1);
    CHECK(inotify_add_watch(fd, at("link"), IN_ATTRIB) == w1); /* follows the symlink to the same inode */
    int w2 = inotify_add_watch(fd, at("link"), IN_ATTRIB | IN_DONT_FOLLOW);
    CHECK(w2 > 0 && w2 != w1);
    CHECK_ERRNO(inotify_add_watch(fd, at("dangling"), IN_ATTRIB), ENOENT);
    int w3 = inotify_add_watch(fd, at("dangling"), IN_ATTRIB | IN_DONT_FOLLOW);
    CHECK(w3 > 0 && w3 != w1 && w3 != w2);
    CHECK(inotify_rm_watch(fd, w2) == 0);
    CHECK(inotify_rm_watch(fd, w3) == 0);
    printf("after two inotify_rm_watch (w1: the link's, w2: the dangling link's):\n");
    drain(fd, w2, w3);

    printf("IN_MASK_ADD:\n");
    CHECK(inotify_add_watch(fd, at("f"), IN_MODIFY | IN_MASK_ADD) == w1);
    int f = open(at("f"), O_WRONLY);
    write(f, "x", 1);
    close(f);
    chmod(at("f"), 0600);
    drain(fd, w1, -1);
    printf("replaced without IN_MASK_ADD:\n");
    CHECK(inotify_add_watch(fd, at("f"), IN_MODIFY) == w1);
    chmod(at("f"), 0644);
    f = open(at("f"), O_WRONLY);
    write(f, "x", 1);
    close(f);
    drain(fd, w1, -1);
    CHECK_ERRNO(inotify_add_watch(fd, at("f"), IN_MODIFY | IN_MASK_CREATE), EEXIST);
    CHECK_ERRNO(inotify_add_watch(fd, at("f"), IN_MODIFY | IN_MASK_CREATE | IN_MASK_ADD), EINVAL);

    printf("IN_ONESHOT:\n");
    touch("once");
    int wo = inotify_add_watch(fd, at("once"), IN_ATTRIB | IN_ONESHOT);
    CHECK(wo > 0);
    chmod(at("once"), 0600);
    chmod(at("once"), 0644);
    drain(fd, wo, -1);
    CHECK_ERRNO(inotify_rm_watch(fd, wo), EINVAL);

    printf("errors:\n");
    const char *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERRNO(inotify_add_watch(fd, at("f"), IN_ATTRIB | IN_ONLYDIR), ENOTDIR);
    CHECK(inotify_add_watch(fd, dir, IN_ATTRIB | IN_ONLYDIR) > 0);
    CHECK_ERRNO(inotify_add_watch(fd, at("f"), 0), EINVAL);
    CHECK_ERRNO(inotify_add_watch(fd, at("nothing"), IN_ATTRIB), ENOENT);
    CHECK_ERRNO(inotify_add_watch(fd, at("f/x"), IN_ATTRIB), ENOTDIR);
    CHECK_ERRNO(inotify_add_watch(fd, "", IN_ATTRIB), ENOENT);
    CHECK_ERRNO(inotify_add_watch(fd, bad, IN_ATTRIB), EFAULT);
    CHECK_ERRNO(inotify_add_watch(-1, at("f"), IN_ATTRIB), EBADF);
    CHECK_ERRNO(inotify_add_watch(-1, bad, 0), EINVAL); /* the mask is checked first */
    CHECK_ERRNO(inotify_add_watch(-1, bad, IN_MASK_ADD | IN_MASK_CREATE | IN_ATTRIB), EBADF);
    CHECK_ERRNO(inotify_add_watch(fd, bad, IN_MASK_ADD | IN_MASK_CREATE | IN_ATTRIB), EINVAL);
    CHECK_ERRNO(inotify_add_watch(1000, at("f"), IN_ATTRIB), EBADF);
    int plain = open(at("f"), O_RDONLY);
    CHECK_ERRNO(inotify_add_watch(plain, at("f"), IN_ATTRIB), EINVAL);
    CHECK_ERRNO(inotify_add_watch(plain, bad, IN_ATTRIB), EINVAL); /* before the path */
    CHECK_ERRNO(inotify_rm_watch(plain, 1), EINVAL);
    close(plain);
    CHECK_ERRNO(inotify_rm_watch(fd, 12345), EINVAL);
    CHECK_ERRNO(inotify_rm_watch(fd, -1), EINVAL);
    CHECK_ERRNO(inotify_rm_watch(1000, 1), EBADF);
    CHECK_ERRNO(inotify_init1(IN_NONBLOCK << 1), EINVAL);
    CHECK_ERRNO(inotify_init1(-1), EINVAL);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    CHECK(lseek(fd, 0, SEEK_SET) == 0); /* noop_llseek */
    unlink(at("f"));
    unlink(at("link"));
    unlink(at("dangling"));
    unlink(at("once"));
    close(fd);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int s) {
    (void)s;
    alarms++;
    touch("from-handler");
}

static void reading(void) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(fcntl(fd, F_GETFL) == (O_RDONLY | O_NONBLOCK));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    char link[64], target[64] = {0};
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    CHECK(readlink(link, target, sizeof target - 1) > 0);
    printf("fd links to %s\n", target);
    int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE);
    char buf[4096] __attribute__((aligned(8)));
    CHECK_ERRNO(read(fd, buf, sizeof buf), EAGAIN);
    CHECK_ERRNO(read(fd, buf, 0), EAGAIN); /* no zero-length shortcut */
    int avail = -1;
    CHECK(ioctl(fd, FIONREAD, &avail) == 0 && avail == 0);
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, got;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    CHECK(epoll_wait(ep, &got, 1, 0) == 0);

    touch("abc");
    CHECK(ioctl(fd, FIONREAD, &avail) == 0);
    printf("FIONREAD after one event: %d\n", avail);
    CHECK(poll(&p, 1, 1000) == 1 && p.revents == POLLIN);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    struct timeval tv = {1, 0};
    CHECK(select(fd + 1, &set, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &set));
    CHECK(epoll_wait(ep, &got, 1, 1000) == 1 && got.events == EPOLLIN && got.data.u32 == 7);
    CHECK_ERRNO(read(fd, buf, 0), EINVAL);
    CHECK_ERRNO(read(fd, buf, 8), EINVAL);
    CHECK_ERRNO(read(fd, buf, sizeof(struct inotify_event)), EINVAL); /* the name does not fit */
    int d = dup(fd);
    ssize_t n = read(d, buf, sizeof buf); /* the same queue */
    CHECK(n == avail);
    CHECK(n > 0 && strcmp(((struct inotify_event *)buf)->name, "abc") == 0);
    CHECK(poll(&p, 1, 0) == 0);
    close(d);

    /* fork: the child reads the event the parent caused, from the shared queue. */
    touch("for-child");
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t m = read(fd, buf, sizeof buf);
        _exit(m > 0 && strcmp(((struct inotify_event *)buf)->name, "for-child") == 0 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_ERRNO(read(fd, buf, sizeof buf), EAGAIN);

    /* Blocking reads against signals. */
    fcntl(fd, F_SETFL, 0);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    n = read(fd, buf, sizeof buf);
    /* The handler's create event is queued; the interrupted read did not return it. */
    printf("blocking read, alarm without SA_RESTART: n=%zd %s, alarms=%d\n", n, n < 0 ? strerror(errno) : "",
           (int)alarms);
    n = read(fd, buf, sizeof buf);
    CHECK(n > 0 && strcmp(((struct inotify_event *)buf)->name, "from-handler") == 0);
    unlink(at("from-handler"));
    read(fd, buf, sizeof buf); /* its IN_DELETE */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    n = read(fd, buf, sizeof buf);
    printf("blocking read, alarm with SA_RESTART: alarms=%d\n", (int)alarms);
    CHECK(n > 0 && strcmp(((struct inotify_event *)buf)->name, "from-handler") == 0);

    unlink(at("abc"));
    unlink(at("for-child"));
    unlink(at("from-handler"));
    CHECK(inotify_rm_watch(fd, wd) == 0);
    close(ep);
    close(fd);
}

static volatile sig_atomic_t signals, last_fd, last_code, last_signo;
static volatile long last_band;

static void on_notify(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    signals++;
    last_signo = sig;
    last_fd = si->si_fd;
    last_code = si->si_code;
    last_band = si->si_band;
}

/* Waits up to 2 s for the signal count to reach want, then 100 ms more for any extra one; the count. */
static int settle(int want) {
    for (int i = 0; i < 2000 && signals < want; i++) usleep(1000);
    usleep(100 * 1000);
    return signals;
}

static void dnotify(void) {
    int sig = SIGRTMIN + 1;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_notify;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    sigaction(SIGIO, &sa, NULL);

    int d = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fcntl(d, F_GETSIG) == 0);
    CHECK(fcntl(d, F_SETSIG, sig) == 0);
    CHECK(fcntl(d, F_GETSIG) == sig);
    CHECK_ERRNO(fcntl(d, F_SETSIG, 65), EINVAL);
    CHECK_ERRNO(fcntl(d, F_SETSIG, -1), EINVAL);

    printf("one-shot DN_CREATE:\n");
    CHECK(fcntl(d, F_NOTIFY, DN_CREATE) == 0);
    CHECK(signals == 0);
    touch("one");
    CHECK(settle(1) == 1);
    CHECK(last_signo == sig && last_fd == d && last_code == POLL_MSG);
    printf("si_band 0x%lx\n", last_band);
    touch("two");
    CHECK(settle(2) == 1); /* the notification was one-shot */

    printf("DN_CREATE|DN_MULTISHOT:\n");
    signals = 0;
    CHECK(fcntl(d, F_NOTIFY, DN_CREATE | DN_MULTISHOT) == 0);
    touch("three");
    touch("four");
    touch("five");
    CHECK(settle(3) == 3);
    CHECK(last_fd == d);

    printf("a second F_NOTIFY on the same fd adds DN_DELETE:\n");
    signals = 0;
    CHECK(fcntl(d, F_NOTIFY, DN_DELETE) == 0);
    unlink(at("five"));
    CHECK(settle(1) == 1);
    touch("six");
    CHECK(settle(2) == 2); /* DN_CREATE|DN_MULTISHOT are still there */

    printf("F_NOTIFY 0 removes it:\n");
    signals = 0;
    CHECK(fcntl(d, F_NOTIFY, 0) == 0);
    touch("seven");
    CHECK(settle(1) == 0);

    printf("DN_MODIFY ignores creation, sees a write:\n");
    CHECK(fcntl(d, F_NOTIFY, DN_MODIFY | DN_MULTISHOT) == 0);
    touch("eight");
    CHECK(settle(1) == 0);
    int f = open(at("eight"), O_WRONLY);
    write(f, "x", 1);
    close(f);
    CHECK(settle(1) == 1);
    CHECK(fcntl(d, F_NOTIFY, 0) == 0);

    printf("DN_RENAME:\n");
    signals = 0;
    CHECK(fcntl(d, F_NOTIFY, DN_RENAME) == 0);
    rename(at("eight"), at("nine"));
    CHECK(settle(1) == 1);

    printf("closing the fd removes it:\n");
    signals = 0;
    int d2 = dup(d);
    CHECK(fcntl(d2, F_NOTIFY, DN_CREATE | DN_MULTISHOT) == 0);
    close(d2);
    touch("ten");
    CHECK(settle(1) == 0);

    printf("plain SIGIO without F_SETSIG:\n");
    CHECK(fcntl(d, F_SETSIG, 0) == 0);
    CHECK(fcntl(d, F_NOTIFY, DN_ATTRIB) == 0);
    chmod(at("ten"), 0600);
    CHECK(settle(1) == 1);
    CHECK(last_signo == SIGIO && last_code == SI_KERNEL);

    int plain = open(at("ten"), O_RDONLY);
    CHECK_ERRNO(fcntl(plain, F_NOTIFY, DN_CREATE), ENOTDIR);
    CHECK(fcntl(plain, F_NOTIFY, 0) == 0);
    close(plain);
    close(d);
    const char *names[] = {"one", "two", "three", "four", "six", "seven", "nine", "ten"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(at(names[i]));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "events";
    int made = 0;
    if (argc > 2) {
        snprintf(dir, sizeof dir, "%s", argv[2]);
    } else {
        strcpy(dir, "/tmp/inotify-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 2;
        }
        made = 1;
    }
    if (!strcmp(mode, "events")) events();
    else if (!strcmp(mode, "watches")) watches();
    else if (!strcmp(mode, "reading")) reading();
    else if (!strcmp(mode, "dnotify")) dnotify();
    else {
        printf("unknown mode %s\n", mode);
        return 2;
    }
    if (made && rmdir(dir) != 0) printf("rmdir %s: %s\n", "the temporary directory", strerror(errno));
    return guest_finish();
}
