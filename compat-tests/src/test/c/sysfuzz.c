/*
 * A syscall fuzzer that runs inside the guest (in the spirit of trinity): it issues many syscalls with
 * random and boundary arguments — bad pointers, pointers running into a PROT_NONE page, unterminated
 * strings, huge lengths, negative and stale fds, paths with "..", symlinks and /proc — and only checks
 * that every call returns (a value or -errno). Usage: sysfuzz SEED ITERATIONS.
 *
 * Self-preservation rules (so a run measures jlibos, not the fuzzer killing itself): calls that end,
 * replace, block or reconfigure the process (exit, execve, fork/clone, kill, futex waits, sleeps, poll,
 * sigaction, arch_prctl, prctl, setrlimit, brk, accept, connect...) are not in the table; mknod never makes FIFOs;
 * every fd the fuzzer can create that might block (pipes, sockets, eventfd, timerfd, signalfd) is made
 * O_NONBLOCK and F_SETFL/FIONBIO cannot clear that; poll/select/epoll waits always have a zero timeout;
 * prlimit64 only reads; memory-map calls are confined to
 * an arena the fuzzer never uses itself; byte counts of calls that copy between files are capped at
 * 1 MiB so in-memory files cannot grow without bound; fds 100 and up are left alone (the report fd).
 * The exit status is 0 when the run completes; stdout ends with one summary line.
 *
 * NEVER run it natively: it chmods, chowns, renames and unlinks whatever its path pool names ("/",
 * "..", "/dev/null"...). It refuses to start when /etc exists, i.e. outside a jlibos sandbox.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARENA_SIZE (16UL << 20)
#define REPORT_FD 100

static uint64_t state;
static uint64_t next(void) { /* xorshift64* */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}
static uint64_t below(uint64_t n) { return n ? next() % n : 0; }

static char *arena;          /* target of the memory-map calls, also a pointer source */
static char *edge;           /* last page before a PROT_NONE page */
static char *scratch;        /* a valid buffer syscalls may scribble on, followed by a PROT_NONE page */
#define SCRATCH_SIZE 65536
static char *paths[24];

enum kind { ANY, FD, PTR, PATH, LEN, MMADDR, SMALL, FLAGS, IOV, IOVCNT, ADDR, ADDRLEN };
#define KINDS 12

static char *iovs;           /* hostile struct iovec arrays, rebuilt for every call, followed by PROT_NONE */
#define IOV_ENTRIES 1100     /* more than IOV_MAX (1024) */
static char *zeros;          /* a read-only page of zeros: a zero timeout that stays zero */
static char *addrs[6];       /* struct sockaddr_un: sandbox paths, an abstract name, a read-only mount */

struct call {
    int nr;
    enum kind args[6];
};

/* The table: what is fuzzed and how each argument is usually drawn (ANY mixes everything). */
static const struct call calls[] = {
    {SYS_read, {FD, PTR, LEN}}, {SYS_write, {FD, PTR, LEN}}, {SYS_open, {PATH, FLAGS, SMALL}},
    {SYS_close, {FD}}, {SYS_stat, {PATH, PTR}}, {SYS_fstat, {FD, PTR}}, {SYS_lstat, {PATH, PTR}},
    {SYS_lseek, {FD, ANY, SMALL}}, {SYS_mmap, {MMADDR, LEN, SMALL, FLAGS, FD, ANY}},
    {SYS_mprotect, {MMADDR, LEN, SMALL}}, {SYS_munmap, {MMADDR, LEN}}, {SYS_rt_sigprocmask, {SMALL, PTR, PTR, SMALL}},
    {SYS_ioctl, {FD, ANY, PTR}}, {SYS_pread64, {FD, PTR, LEN, ANY}}, {SYS_pwrite64, {FD, PTR, LEN, ANY}},
    {SYS_readv, {FD, PTR, SMALL}}, {SYS_writev, {FD, PTR, SMALL}}, {SYS_access, {PATH, SMALL}},
    {SYS_sched_yield, {ANY}}, {SYS_mremap, {MMADDR, LEN, LEN, SMALL, MMADDR}}, {SYS_msync, {MMADDR, LEN, SMALL}},
    {SYS_mincore, {MMADDR, LEN, PTR}}, {SYS_madvise, {MMADDR, LEN, SMALL}}, {SYS_dup, {FD}}, {SYS_dup2, {FD, FD}},
    {SYS_getpid, {ANY}}, {SYS_sendfile, {FD, FD, PTR, LEN}}, {SYS_uname, {PTR}}, {SYS_fcntl, {FD, SMALL, ANY}},
    {SYS_flock, {FD, SMALL}}, {SYS_fsync, {FD}}, {SYS_fdatasync, {FD}}, {SYS_truncate, {PATH, LEN}},
    {SYS_ftruncate, {FD, LEN}}, {SYS_getdents, {FD, PTR, LEN}}, {SYS_getcwd, {PTR, LEN}}, {SYS_chdir, {PATH}},
    {SYS_fchdir, {FD}}, {SYS_rename, {PATH, PATH}}, {SYS_mkdir, {PATH, SMALL}}, {SYS_rmdir, {PATH}},
    {SYS_creat, {PATH, SMALL}}, {SYS_link, {PATH, PATH}}, {SYS_unlink, {PATH}}, {SYS_symlink, {PATH, PATH}},
    {SYS_readlink, {PATH, PTR, LEN}}, {SYS_chmod, {PATH, SMALL}}, {SYS_fchmod, {FD, SMALL}},
    {SYS_chown, {PATH, SMALL, SMALL}}, {SYS_fchown, {FD, SMALL, SMALL}}, {SYS_lchown, {PATH, SMALL, SMALL}},
    {SYS_umask, {SMALL}}, {SYS_gettimeofday, {PTR, PTR}}, {SYS_getrlimit, {SMALL, PTR}},
    {SYS_getrusage, {SMALL, PTR}}, {SYS_sysinfo, {PTR}}, {SYS_times, {PTR}}, {SYS_getuid, {ANY}},
    {SYS_getgid, {ANY}}, {SYS_geteuid, {ANY}}, {SYS_getppid, {ANY}}, {SYS_getpgrp, {ANY}},
    {SYS_getgroups, {SMALL, PTR}}, {SYS_getresuid, {PTR, PTR, PTR}}, {SYS_getpgid, {SMALL}}, {SYS_getsid, {SMALL}},
    {SYS_rt_sigpending, {PTR, SMALL}}, {SYS_utime, {PATH, PTR}}, {SYS_mknod, {PATH, SMALL, ANY}},
    {SYS_statfs, {PATH, PTR}}, {SYS_fstatfs, {FD, PTR}}, {SYS_getpriority, {SMALL, SMALL}},
    {SYS_sched_getaffinity, {SMALL, LEN, PTR}}, {SYS_gettid, {ANY}}, {SYS_getxattr, {PATH, PATH, PTR, LEN}},
    {SYS_lgetxattr, {PATH, PATH, PTR, LEN}}, {SYS_fgetxattr, {FD, PATH, PTR, LEN}}, {SYS_listxattr, {PATH, PTR, LEN}},
    {SYS_setxattr, {PATH, PATH, PTR, LEN, SMALL}}, {SYS_fsetxattr, {FD, PATH, PTR, LEN, SMALL}},
    {SYS_removexattr, {PATH, PATH}}, {SYS_time, {PTR}}, {SYS_getdents64, {FD, PTR, LEN}},
    {SYS_fadvise64, {FD, ANY, LEN, SMALL}}, {SYS_clock_gettime, {SMALL, PTR}}, {SYS_clock_getres, {SMALL, PTR}},
    {SYS_utimes, {PATH, PTR}}, {SYS_openat, {FD, PATH, FLAGS, SMALL}}, {SYS_mkdirat, {FD, PATH, SMALL}},
    {SYS_mknodat, {FD, PATH, SMALL, ANY}}, {SYS_fchownat, {FD, PATH, SMALL, SMALL, FLAGS}},
    {SYS_newfstatat, {FD, PATH, PTR, FLAGS}}, {SYS_unlinkat, {FD, PATH, FLAGS}}, {SYS_renameat, {FD, PATH, FD, PATH}},
    {SYS_linkat, {FD, PATH, FD, PATH, FLAGS}}, {SYS_symlinkat, {PATH, FD, PATH}}, {SYS_readlinkat, {FD, PATH, PTR, LEN}},
    {SYS_fchmodat, {FD, PATH, SMALL}}, {SYS_faccessat, {FD, PATH, SMALL}}, {SYS_utimensat, {FD, PATH, PTR, FLAGS}},
    {SYS_fallocate, {FD, SMALL, LEN, LEN}}, {SYS_dup3, {FD, FD, FLAGS}}, {SYS_preadv, {FD, PTR, SMALL, ANY}},
    {SYS_pwritev, {FD, PTR, SMALL, ANY}}, {SYS_getcpu, {PTR, PTR, PTR}}, {SYS_renameat2, {FD, PATH, FD, PATH, SMALL}},
    {SYS_getrandom, {PTR, LEN, SMALL}}, {SYS_memfd_create, {PATH, FLAGS}}, {SYS_copy_file_range, {FD, PTR, FD, PTR, LEN, SMALL}},
    {SYS_statx, {FD, PATH, FLAGS, ANY, PTR}}, {SYS_close_range, {FD, FD, FLAGS}}, {SYS_openat2, {FD, PATH, PTR, LEN}},
    {SYS_faccessat2, {FD, PATH, SMALL, FLAGS}},
    /* Vectored I/O with hostile iovecs, multiplexing with zero timeouts, event fds and AF_UNIX sockets. */
    {SYS_readv, {FD, IOV, IOVCNT}}, {SYS_writev, {FD, IOV, IOVCNT}}, {SYS_preadv, {FD, IOV, IOVCNT, ANY}},
    {SYS_pwritev, {FD, IOV, IOVCNT, ANY}}, {SYS_poll, {PTR, SMALL, SMALL}}, {SYS_ppoll, {PTR, SMALL, PTR, PTR, SMALL}},
    {SYS_select, {SMALL, PTR, PTR, PTR, PTR}}, {SYS_pselect6, {SMALL, PTR, PTR, PTR, PTR, PTR}},
    {SYS_epoll_create1, {FLAGS}}, {SYS_epoll_ctl, {FD, SMALL, FD, PTR}}, {SYS_epoll_wait, {FD, PTR, SMALL, SMALL}},
    {SYS_epoll_pwait, {FD, PTR, SMALL, SMALL, PTR, SMALL}}, {SYS_eventfd2, {SMALL, FLAGS}},
    {SYS_timerfd_create, {SMALL, FLAGS}}, {SYS_timerfd_settime, {FD, SMALL, PTR, PTR}},
    {SYS_timerfd_gettime, {FD, PTR}}, {SYS_signalfd4, {FD, PTR, SMALL, FLAGS}}, {SYS_socket, {SMALL, SMALL, SMALL}},
    {SYS_socketpair, {SMALL, SMALL, SMALL, PTR}}, {SYS_bind, {FD, ADDR, ADDRLEN}}, {SYS_listen, {FD, SMALL}},
    {SYS_getsockname, {FD, PTR, PTR}}, {SYS_getpeername, {FD, PTR, PTR}},
    {SYS_getsockopt, {FD, SMALL, SMALL, PTR, PTR}}, {SYS_setsockopt, {FD, SMALL, SMALL, PTR, LEN}},
    {SYS_shutdown, {FD, SMALL}}, {SYS_pipe2, {PTR, FLAGS}}, {SYS_prlimit64, {SMALL, SMALL, PTR, PTR}},
};

/* A struct iovec array of hostile entries: huge and negative lengths, bad and overlapping bases. */
static long pick(enum kind k);
static long hostile_iovecs(void) {
    long *v = (long *)iovs;
    for (int i = 0; i < IOV_ENTRIES; i++) {
        switch (below(8)) {
        case 0: v[2 * i] = (long)scratch; v[2 * i + 1] = 1L << 40; break;     /* 2^40 bytes */
        case 1: v[2 * i] = 0; v[2 * i + 1] = below(2) ? 0 : 16; break;
        case 2: v[2 * i] = (long)(edge + 4096 - 8); v[2 * i + 1] = 64; break; /* runs into PROT_NONE */
        case 3: v[2 * i] = (long)scratch; v[2 * i + 1] = -1; break;
        case 4: v[2 * i] = (long)scratch; v[2 * i + 1] = 4096; break;        /* overlaps its neighbours */
        default: v[2 * i] = pick(PTR); v[2 * i + 1] = (long)below(5000); break;
        }
    }
    /* Sometimes the array itself runs into the PROT_NONE page after it. */
    return below(4) == 0 ? (long)(iovs + IOV_ENTRIES * 16 - 16 * below(4)) : (long)iovs;
}

static long pick(enum kind k) {
    if (k == ANY || below(8) == 0) k = (enum kind)(1 + below(7)); /* sometimes the "wrong" kind */
    if (k == IOV) return hostile_iovecs();
    if (k == IOVCNT) {
        static const long counts[] = {0, 1, 2, 3, 16, 1024, 1025, -1, 0x7fffffff};
        return counts[below(9)];
    }
    if (k == ADDR) return below(4) == 0 ? pick(PTR) : (long)addrs[below(6)];
    if (k == ADDRLEN) {
        static const long lens[] = {0, 1, 2, 3, 16, 110, 111, 200, -1};
        return below(2) ? (long)sizeof(struct sockaddr_un) : lens[below(9)];
    }
    switch (k) {
    case FD: {
        static const long special[] = {-1, -100, 0, 1, 2, 1000000, -2147483648L, 99};
        return below(3) == 0 ? special[below(8)] : (long)(3 + below(12));
    }
    case PTR: {
        switch (below(9)) {
        case 0: return 0;
        case 1: return 0x1000;
        case 2: return (long)0xffff800000000000ULL; /* kernel half */
        case 3: return (long)0x0000800000000000ULL; /* non-canonical edge */
        case 4: return (long)(edge + 4096 - below(64));  /* runs into PROT_NONE */
        case 5: return (long)(arena + below(ARENA_SIZE)); /* maybe unmapped by now */
        case 6: return (long)(scratch + below(SCRATCH_SIZE) + (below(2) ? 1 : 0)); /* unaligned too */
        default: return (long)(scratch + 64 * below(64));
        }
    }
    case PATH: return (long)paths[below(sizeof paths / sizeof paths[0])];
    case LEN: {
        static const long lens[] = {0, 1, 7, 8, 4095, 4096, 4097, 65536, 1L << 31, 1L << 40, -1, 0x7ffff000};
        return below(2) ? lens[below(12)] : (long)below(70000);
    }
    case MMADDR: return (long)(arena + (below(ARENA_SIZE) & ~4095UL) + (below(16) == 0 ? below(4096) : 0));
    case SMALL: return below(4) == 0 ? (long)next() : (long)below(10) - 1;
    case FLAGS: return below(3) == 0 ? (long)next() : (long)(1UL << below(24)) | (long)below(4);
    default: return (long)next();
    }
}

static char *string_at(char *where, const char *s) {
    strcpy(where, s);
    return where;
}

int main(int argc, char **argv) {
    state = argc > 1 ? strtoull(argv[1], NULL, 0) * 0x9E3779B97F4A7C15ULL + 1 : 1;
    long iterations = argc > 2 ? atol(argv[2]) : 100000;
    struct stat etc;
    if (stat("/etc", &etc) == 0) {
        fprintf(stderr, "sysfuzz: /etc exists, so this is not a jlibos sandbox; refusing to run\n");
        return 77;
    }
    for (int s = 1; s < 32; s++) {
        if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE) signal(s, SIG_IGN);
    }
    if (dup2(1, REPORT_FD) != REPORT_FD) return 2;
    /* Random writes to fds 1 and 2 go nowhere; the summary goes to REPORT_FD. */
    int devnull = open("/dev/null", O_RDWR);
    if (devnull < 0 || dup2(devnull, 1) != 1 || dup2(devnull, 2) != 2) return 2;
    close(devnull);

    /*
     * Everything a syscall may write into lives in mappings of its own, each followed by a PROT_NONE
     * page: an overlong write gets EFAULT instead of corrupting the fuzzer's (or libc's) globals.
     */
    char *buffers = mmap(NULL, SCRATCH_SIZE + 4096 + 8192 + 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buffers == MAP_FAILED) return 3;
    scratch = buffers;
    char *store = buffers + SCRATCH_SIZE + 4096;
    if (mprotect(buffers + SCRATCH_SIZE, 4096, PROT_NONE) != 0 || mprotect(store + 8192, 4096, PROT_NONE) != 0) return 4;

    arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *guard = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED || guard == MAP_FAILED) return 3;
    edge = guard;
    memset(edge, 'x', 4096); /* an unterminated string that runs into the PROT_NONE page */
    if (mprotect(guard + 4096, 4096, PROT_NONE) != 0) return 4;

    iovs = mmap(NULL, IOV_ENTRIES * 16 + 4096 + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    zeros = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *sockaddrs = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (iovs == MAP_FAILED || zeros == MAP_FAILED || sockaddrs == MAP_FAILED) return 3;
    if (mprotect(iovs + ((IOV_ENTRIES * 16 + 4095) & ~4095), 4096, PROT_NONE) != 0) return 4;
    {
        /* Socket addresses live in a page the calls cannot write: bind always sees these names. */
        const char *names[6] = {"s0", "/work/s1", "d0/s2", "@fuzz", "/ro/sock", "/proc/self/cwd/s3"};
        if (mprotect(sockaddrs, 8192, PROT_READ | PROT_WRITE) != 0) return 4;
        for (int i = 0; i < 6; i++) {
            struct sockaddr_un *u = (struct sockaddr_un *)(sockaddrs + i * sizeof(struct sockaddr_un));
            u->sun_family = AF_UNIX;
            if (names[i][0] == '@') strcpy(u->sun_path + 1, names[i] + 1); /* abstract */
            else strcpy(u->sun_path, names[i]);
            addrs[i] = (char *)u;
        }
        if (mprotect(sockaddrs, 8192, PROT_READ) != 0) return 4;
    }

    char *p = store;
    const char *fixed[] = {"f0", "d0", "d0/f1", "d0/", "l0", "/", ".", "..", "../../..", "/proc/self/maps",
                           "/proc/self/fd/0", "/proc/self/cwd/f0", "/dev/null", "/ro/canary", "/ro", "/ro/../ro/sub",
                           "", "user.fuzz", "l0/../d0"};
    int n = 0;
    for (; n < (int)(sizeof fixed / sizeof fixed[0]); n++) {
        paths[n] = string_at(p, fixed[n]);
        p += strlen(p) + 1;
    }
    memset(p, 'n', 300); p[300] = 0; paths[n++] = p; p += 301;   /* NAME_MAX exceeded */
    for (int i = 0; i < 5000 && p + i < store + 8191; i++) p[i] = (i % 50 == 49) ? '/' : 'a';
    store[8191] = 0; paths[n++] = p;                  /* PATH_MAX exceeded */
    paths[n++] = edge + 4096 - 16;                                /* unterminated */
    paths[n++] = (char *)0x1000;                                  /* unmapped */
    paths[n] = NULL;

    /* A few real objects to aim at. */
    close(open("f0", O_CREAT | O_WRONLY, 0644));
    mkdir("d0", 0755);
    close(open("d0/f1", O_CREAT | O_WRONLY, 0644));
    symlink("d0", "l0");
    for (int i = 0; i < 6; i++) open(i % 2 ? "d0" : "f0", O_RDONLY);

    long done = 0, errors = 0;
    for (long i = 0; i < iterations; i++) {
        const struct call *c = &calls[below(sizeof calls / sizeof calls[0])];
        long a[6];
        for (int j = 0; j < 6; j++) a[j] = pick(c->args[j]);
        switch (c->nr) { /* self-preservation rules, see the header */
        case SYS_mmap: a[3] &= ~(long)MAP_FIXED; break;
        case SYS_mremap: a[3] &= ~4L /* MREMAP_FIXED */; a[3] &= 3; break;
        case SYS_sendfile: case SYS_copy_file_range: a[c->nr == SYS_sendfile ? 3 : 4] &= (1 << 20) - 1; break;
        case SYS_fallocate: a[3] &= (1 << 20) - 1; break;
        case SYS_close_range: a[0] = 3 + below(20); a[1] = a[0] + below(60); break;
        case SYS_dup2: case SYS_dup3: a[1] = below(20); break;
        case SYS_close: if (a[0] >= REPORT_FD) a[0] = 3; break;
        case SYS_mknod: case SYS_mknodat: { /* a FIFO would make later reads block for ever, as natively */
            int at = c->nr == SYS_mknod ? 1 : 2;
            if ((a[at] & S_IFMT) == S_IFIFO) a[at] = (a[at] & ~(long)S_IFMT) | S_IFREG;
            break;
        }
        case SYS_rt_sigprocmask: a[0] = 1 + below(2); a[1] = 0; break; /* may only add or query: keeps SIGSEGV deliverable */
        /* Nothing may block: zero timeouts, and every new fd that could block is non-blocking for good. */
        case SYS_fcntl:
            if (a[1] == F_SETFL) a[2] |= O_NONBLOCK;
            if (a[1] == F_SETLKW) a[1] = F_SETLK; /* two descriptions of one file can deadlock, as natively */
            if (a[1] == F_OFD_SETLKW) a[1] = F_OFD_SETLK;
            break;
        case SYS_flock: a[1] |= LOCK_NB; break;
        case SYS_ioctl: if (a[1] == FIONBIO) a[1] = FIONREAD; break;
        case SYS_poll: a[2] = 0; break;
        case SYS_ppoll: a[2] = (long)zeros; break;
        case SYS_select: a[4] = (long)zeros; break;
        case SYS_pselect6: a[4] = (long)zeros; break;
        case SYS_epoll_wait: case SYS_epoll_pwait: a[3] = 0; break;
        case SYS_eventfd2: a[1] |= EFD_NONBLOCK; break;
        case SYS_timerfd_create: a[1] |= TFD_NONBLOCK; break;
        case SYS_signalfd4: a[3] |= SFD_NONBLOCK; break;
        case SYS_socket: case SYS_socketpair:
            if (below(4)) a[0] = AF_UNIX;
            if (a[0] != AF_UNIX) a[0] = below(2) ? AF_UNIX : -1; /* never a host network socket */
            a[1] = (below(4) ? (long)(1 + below(5)) : a[1]) | SOCK_NONBLOCK;
            break;
        case SYS_pipe2: a[1] |= O_NONBLOCK; break;
        case SYS_prlimit64: a[2] = 0; if (below(2)) a[0] = 0; break; /* get only */
        default: break;
        }
        if (c->nr == SYS_munmap || c->nr == SYS_mprotect || c->nr == SYS_madvise || c->nr == SYS_msync
            || c->nr == SYS_mincore || c->nr == SYS_mremap) {
            if (a[0] < (long)arena || a[0] >= (long)(arena + ARENA_SIZE)) a[0] = (long)(arena + (below(ARENA_SIZE) & ~4095UL));
            long room = (long)(arena + ARENA_SIZE) - a[0];
            if (a[1] < 0 || a[1] > room) a[1] = room > 0 ? (long)below((uint64_t)room) : 0;
            if (c->nr == SYS_mremap) a[2] = (long)below(ARENA_SIZE);
        }
        long r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        done++;
        if (r == -1) errors++;
    }
    dprintf(REPORT_FD, "sysfuzz: %ld calls, %ld failed, seed %s\n", done, errors, argc > 1 ? argv[1] : "1");
    return 0;
}
