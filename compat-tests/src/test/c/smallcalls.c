/* Issue 16's small calls: sethostname/setdomainname/unshare(CLONE_NEWUTS), mlock family, membarrier,
 * mincore, personality. Runs as root natively; the host's names are never changed: every successful
 * sethostname happens in a child that first unshared a UTS namespace of its own. */
#define _GNU_SOURCE
#include "guest.h"
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>

static int wait_child(pid_t pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void read_proc_hostname(char *buf, size_t size) {
    int fd = open("/proc/sys/kernel/hostname", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
    if (fd >= 0) close(fd);
    buf[n > 0 ? n : 0] = 0;
}

/* In the namespace the caller unshared: names set, seen by uname, /proc and a child, shared with it. */
static void uts_inside(void) {
    struct utsname u;
    char big[70], buf[80];
    memset(big, 'h', sizeof big);
    CHECK(sethostname("smalltest", 9) == 0);
    CHECK(setdomainname("smalldomain", 11) == 0);
    CHECK(uname(&u) == 0 && strcmp(u.nodename, "smalltest") == 0 && strcmp(u.domainname, "smalldomain") == 0);
    CHECK(gethostname(buf, sizeof buf) == 0 && strcmp(buf, "smalltest") == 0);
    read_proc_hostname(buf, sizeof buf);
    CHECK(strcmp(buf, "smalltest\n") == 0);
    /* Only len bytes are taken: the rest of the name is cleared. */
    CHECK(sethostname("abcdef", 3) == 0 && uname(&u) == 0 && strcmp(u.nodename, "abc") == 0);
    CHECK(sethostname(big, 64) == 0 && uname(&u) == 0 && strlen(u.nodename) == 64);
    CHECK(sethostname("", 0) == 0 && uname(&u) == 0 && u.nodename[0] == 0);
    CHECK(sethostname("smalltest", 9) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = uname(&u) == 0 && strcmp(u.nodename, "smalltest") == 0;
        printf("%s child inherits the namespace\n", ok ? "ok  " : "FAIL");
        _exit(sethostname("fromchild", 9) == 0 && ok ? 0 : 1);
    }
    CHECK(wait_child(pid) == 0);
    CHECK(uname(&u) == 0 && strcmp(u.nodename, "fromchild") == 0);
    pid = fork();
    if (pid == 0) {
        /* Without CAP_SYS_ADMIN: EPERM before the length or the pointer is looked at. */
        if (setuid(65534) != 0) _exit(2);
        CHECK_ERRNO(sethostname("x", 1), EPERM);
        CHECK_ERRNO(setdomainname("x", 1), EPERM);
        CHECK_ERRNO(sethostname(big, 65), EPERM);
        CHECK_ERRNO(unshare(CLONE_NEWUTS), EPERM);
        _exit(guest_failures);
    }
    CHECK(wait_child(pid) == 0);
    CHECK(uname(&u) == 0 && strcmp(u.nodename, "fromchild") == 0);
}

static void uts(void) {
    struct utsname before, after;
    char big[70];
    memset(big, 'h', sizeof big);
    CHECK(uname(&before) == 0);
    CHECK_ERRNO(sethostname(big, 65), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, big, -1), EINVAL);
    CHECK_ERRNO(setdomainname(big, 65), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, 8L, 5), EFAULT);
    CHECK_ERRNO(syscall(SYS_setdomainname, 8L, 5), EFAULT);
    CHECK_ERRNO(unshare(0x1), EINVAL);
    CHECK(unshare(0) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWUTS) != 0) {
            printf("FAIL unshare(CLONE_NEWUTS): %s\n", strerror(errno));
            _exit(1);
        }
        uts_inside();
        _exit(guest_failures);
    }
    CHECK(wait_child(pid) == 0);
    CHECK(uname(&after) == 0 && strcmp(before.nodename, after.nodename) == 0
          && strcmp(before.domainname, after.domainname) == 0);
}

/* The mlock family checks ranges, flags and the right to lock; pages touched first so mincore sees them. */
static void mlocks(void) {
    long pg = 4096;
    char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 1, 4 * pg);
    CHECK(mlock(p, 2 * pg) == 0);
    CHECK(munlock(p, 2 * pg) == 0);
    CHECK(mlock(p + 100, 10) == 0 && munlock(p + 100, 10) == 0);
    CHECK(mlock(p, 0) == 0 && munlock(p, 0) == 0);
    CHECK(syscall(SYS_mlock2, p, pg, 1) == 0);
    CHECK(munlock(p, pg) == 0);
    CHECK_ERRNO(syscall(SYS_mlock2, p, pg, 2), EINVAL);
    CHECK_ERRNO(mlock((void *)-4096L, 2 * pg), EINVAL);
    CHECK(munmap(p + 2 * pg, pg) == 0);
    CHECK_ERRNO(mlock(p, 4 * pg), ENOMEM);
    CHECK_ERRNO(munlock(p + pg, 2 * pg), ENOMEM);
    CHECK_ERRNO(mlock(p + 2 * pg, 1), ENOMEM);
    CHECK_ERRNO(mlockall(0), EINVAL);
    CHECK_ERRNO(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERRNO(mlockall(8), EINVAL);
    CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0);
    CHECK(munlockall() == 0);

    unsigned char vec[8];
    memset(vec, 7, sizeof vec);
    CHECK(mincore(p, 2 * pg, vec) == 0 && vec[0] == 1 && vec[1] == 1 && vec[2] == 7);
    memset(vec, 7, sizeof vec);
    CHECK(mincore(p + 3 * pg, pg - 100, vec) == 0 && vec[0] == 1 && vec[1] == 7);
    CHECK(mincore(p, 0, vec) == 0);
    CHECK_ERRNO(mincore(p + 1, pg, vec), EINVAL);
    CHECK_ERRNO(mincore(p, 4 * pg, vec), ENOMEM);
    CHECK_ERRNO(mincore(p + 2 * pg, pg, vec), ENOMEM);
    CHECK_ERRNO(syscall(SYS_mincore, p, pg, 8L), EFAULT);
    CHECK_ERRNO(mincore((void *)0x7ffffffff000L, pg, vec), ENOMEM);

    pid_t pid = fork();
    if (pid == 0) {
        /* Unprivileged: RLIMIT_MEMLOCK 0 forbids locking at all; unlocking stays allowed. */
        struct rlimit none = {0, 0};
        if (setrlimit(RLIMIT_MEMLOCK, &none) != 0 || setuid(65534) != 0) _exit(2);
        CHECK_ERRNO(mlock(p, pg), EPERM);
        CHECK_ERRNO(mlock(p + 2 * pg, pg), EPERM);
        CHECK_ERRNO(mlockall(MCL_CURRENT), EPERM);
        CHECK(munlock(p, pg) == 0 && munlockall() == 0);
        _exit(guest_failures);
    }
    CHECK(wait_child(pid) == 0);
    pid = fork();
    if (pid == 0) {
        /* One page allowed: two are ENOMEM, and so is locking everything mapped. */
        struct rlimit one = {4096, 4096};
        if (setrlimit(RLIMIT_MEMLOCK, &one) != 0 || setuid(65534) != 0) _exit(2);
        CHECK_ERRNO(mlock(p, 2 * pg), ENOMEM);
        CHECK_ERRNO(mlockall(MCL_CURRENT), ENOMEM);
        CHECK(mlock(p, pg) == 0 && munlock(p, pg) == 0);
        _exit(guest_failures);
    }
    CHECK(wait_child(pid) == 0);
}

#define MB(cmd, flags, cpu) syscall(SYS_membarrier, (cmd), (flags), (cpu))

static void membarriers(void) {
    long query = MB(0, 0, 0);
    /* GLOBAL (bit 0) is missing on nohz_full hosts, GET_REGISTRATIONS (512) before Linux 6.3. */
    CHECK((query & 0x1fe) == 0x1fe);
    int regs = (query & 512) != 0;
    CHECK_ERRNO(MB(0, 1, 0), EINVAL);
    CHECK(!regs || MB(512, 0, 0) == 0);
    CHECK_ERRNO(MB(8, 0, 0), EPERM);
    CHECK_ERRNO(MB(32, 0, 0), EPERM);
    CHECK_ERRNO(MB(128, 0, 0), EPERM);
    CHECK_ERRNO(MB(128, 1, 0), EPERM);
    CHECK_ERRNO(MB(128, 2, 0), EINVAL);
    CHECK(MB(16, 0, 0) == 0);
    CHECK(MB(8, 0, 0) == 0);
    CHECK_ERRNO(MB(8, 1, 0), EINVAL);
    CHECK(!regs || MB(512, 0, 0) == 16);
    CHECK((query & 1) == 0 || MB(1, 0, 0) == 0);
    CHECK(MB(2, 0, 0) == 0);
    CHECK(MB(4, 0, 0) == 0 && MB(64, 0, 0) == 0 && MB(256, 0, 0) == 0);
    CHECK(MB(32, 0, 0) == 0 && MB(128, 0, 0) == 0);
    CHECK(MB(128, 1, 0) == 0 && MB(128, 1, 9999) == 0);
    CHECK(!regs || MB(512, 0, 0) == (4 | 16 | 64 | 256));
    CHECK_ERRNO(MB(3, 0, 0), EINVAL);
    CHECK_ERRNO(MB(1024, 0, 0), EINVAL);
    CHECK_ERRNO(MB(-1, 0, 0), EINVAL);
    /* Registrations belong to the address space: a forked child's copy keeps them (execve drops them:
     * checked by the "persona" run below). */
    pid_t pid = fork();
    if (pid == 0) {
        CHECK(MB(8, 0, 0) == 0);
        CHECK(!regs || MB(512, 0, 0) == (4 | 16 | 64 | 256));
        _exit(guest_failures);
    }
    CHECK(wait_child(pid) == 0);
}

static void *thread_persona(void *arg) {
    (void)arg;
    long inherited = personality(0xffffffff);
    personality(0x0020000);
    return (void *)inherited;
}

static void personalities(const char *self) {
    CHECK(personality(0xffffffff) == 0);
    CHECK(personality(0x0040000 | 0x0400000) == 0);
    CHECK(personality(0xffffffff) == (0x0040000 | 0x0400000));
    CHECK(syscall(SYS_personality, 0x12345678L) == (0x0040000 | 0x0400000));
    CHECK(syscall(SYS_personality, 0x1ffffffffL) == 0x12345678);
    CHECK(syscall(SYS_personality, 0x80000000L) == 0x12345678);
    CHECK(syscall(SYS_personality, 0xffffffffL) == 0x80000000L);
    CHECK(personality(0x0040000 | 0x0400000) == (int)0x80000000);
    pthread_t th;
    void *seen = NULL;
    CHECK(pthread_create(&th, NULL, thread_persona, NULL) == 0 && pthread_join(th, &seen) == 0);
    CHECK((long)seen == (0x0040000 | 0x0400000));
    CHECK(personality(0xffffffff) == (0x0040000 | 0x0400000));
    pid_t pid = fork();
    if (pid == 0) {
        _exit(personality(0xffffffff) == (0x0040000 | 0x0400000) ? 0 : 1);
    }
    CHECK(wait_child(pid) == 0);
    pid = fork();
    if (pid == 0) {
        /* execve of a 64-bit program keeps ADDR_NO_RANDOMIZE and drops READ_IMPLIES_EXEC and the
         * membarrier registrations. */
        execl(self, self, "persona", (char *)NULL);
        _exit(99);
    }
    CHECK(wait_child(pid) == 0);
    CHECK(personality(0) == (0x0040000 | 0x0400000));
}

#define KCMP(p1, p2, type, a, b) syscall(SYS_kcmp, (long)(p1), (long)(p2), (long)(type), (long)(a), (long)(b))

static volatile long thread_id;

/* Publishes its thread id, then waits for the pipe to close. */
static void *thread_tid(void *arg) {
    char c;
    thread_id = syscall(SYS_gettid);
    return (void *)read(*(int *)arg, &c, 1);
}

/* kcmp answers 0 for the same object, and 1 or 2 (an order that flips with the arguments) otherwise. */
static void kcmps(void) {
    pid_t self = getpid();
    for (int type = 1; type <= 4; type++) CHECK(KCMP(self, self, type, 0, 0) == 0);
    int fd = open("/dev/null", O_RDONLY), copy = dup(fd), other = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0 && copy >= 0 && other >= 0);
    CHECK(KCMP(self, self, 0, fd, copy) == 0);
    long order = KCMP(self, self, 0, fd, other);
    CHECK((order == 1 || order == 2) && KCMP(self, self, 0, other, fd) == 3 - order);
    CHECK_ERRNO(KCMP(self, self, 0, fd, 1000), EBADF);
    CHECK_ERRNO(KCMP(self, self, 99, 0, 0), EINVAL);
    CHECK_ERRNO(KCMP(self, self, -1, 0, 0), EINVAL);
    int waitfd[2];
    pthread_t th;
    CHECK(pipe(waitfd) == 0 && pthread_create(&th, NULL, thread_tid, &waitfd[0]) == 0);
    while (thread_id == 0) sched_yield();
    /* A thread id names the thread, which shares everything with its process. */
    for (int type = 1; type <= 4; type++) CHECK(KCMP(self, thread_id, type, 0, 0) == 0);
    CHECK(KCMP(thread_id, self, 0, fd, copy) == 0);
    close(waitfd[1]);
    CHECK(pthread_join(th, NULL) == 0);
    close(waitfd[0]);
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(pipefd[1]);
        ssize_t n = read(pipefd[0], &c, 1);
        _exit(n == 0 ? 0 : 1);
    }
    close(pipefd[0]);
    for (int type = 1; type <= 4; type++) {
        long r = KCMP(self, pid, type, 0, 0);
        printf("%s kcmp(self, child, %d) differs\n", r == 1 || r == 2 ? "ok  " : "FAIL", type);
        if (r != 1 && r != 2) guest_failures++;
        CHECK(KCMP(pid, self, type, 0, 0) == 3 - r);
    }
    CHECK(KCMP(self, pid, 0, fd, fd) == 0);
    CHECK(KCMP(self, pid, 0, fd, copy) == 0);
    pid_t checker = fork();
    if (checker == 0) {
        /* Another user may not compare a root process's resources. */
        if (setuid(65534) != 0) _exit(2);
        CHECK_ERRNO(KCMP(getpid(), getppid(), 1, 0, 0), EPERM);
        CHECK(KCMP(getpid(), getpid(), 1, 0, 0) == 0);
        _exit(guest_failures);
    }
    CHECK(wait_child(checker) == 0);
    close(pipefd[1]);
    CHECK(wait_child(pid) == 0);
    CHECK_ERRNO(KCMP(self, pid, 1, 0, 0), ESRCH);
    CHECK_ERRNO(KCMP(-1, self, 1, 0, 0), ESRCH);
    close(fd);
    close(copy);
    close(other);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "persona") == 0) {
        if (personality(0xffffffff) != 0x0040000) return 1;
        return MB(8, 0, 0) == -1 && errno == EPERM ? 0 : 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    uts();
    mlocks();
    membarriers();
    personalities(argv[0]);
    kcmps();
    return guest_failures != 0;
}
