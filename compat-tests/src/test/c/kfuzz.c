/*
 * The argument-kind-aware syscall fuzzer (issue 17). Java (KindFuzzTest / KindFuzzer) derives the list of
 * served calls and the kind of each argument from the syscall registry and passes it here; this program
 * draws every argument from a generator for its kind and counts what each call returns.
 *
 * Usage: kfuzz fuzz MODE SEED FIRST COUNT SPEC...
 *   MODE   "sandbox" (a jlibos sandbox with /work as scratch tree) or "host" (the host's file tree, cwd in
 *          a scratch directory: every path the fuzzer can name is relative and stays below it)
 *   SEED   the campaign; FIRST, COUNT the call indexes to run (call i, and its arguments, depend on
 *          SEED, i and the call's number only, so "SEED i 1" replays call i, and adding calls to the
 *          table moves only the indexes the new calls win)
 *   SPEC   "NR:KINDS:CLASS", one per served call; KINDS one letter per argument (see pick()), CLASS 'n'
 *          (made by the worker) or 'c' (made in a throwaway child forked for that one call)
 *
 * Processes: a supervisor that never makes a fuzzed call forks workers; a worker makes calls FIRST.. in
 * order until it dies, hangs or finishes its batch, and the supervisor starts the next worker after the
 * call that ended it. Results go to a MAP_SHARED table the supervisor prints at the end (one line per
 * call number: calls, successes, calls that did not return (exit, execve), children killed by a signal,
 * children still blocked after a second, errno counts; then the indexes of calls that gave EIO, which
 * is what jlibos answers when a handler throws). A worker has ITIMER_REAL firing SIGALRM (a handler,
 * no SA_RESTART) every 10 ms, so any call that blocks returns EINTR as on Linux; a worker that makes
 * no progress for 10 s is a hang, reported with its call index.
 *
 * NEVER run it natively: in sandbox mode it chmods and unlinks whatever its path pool names ("/",
 * "..", "/dev/null"...). Sandbox mode refuses to start when /etc exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sysmacros.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR 512
#define MAX_ERRNO 134 /* errnos above this are counted together */
#define EIO_KEEP 8
#define SENTINEL 0x7eadbeefcafef00dL
#define CHILD_TIMEOUT_MS 1000
#define HANG_MS 10000
#define SCRATCH_SIZE 65536
#define ARENA_SIZE (1 << 20)

struct stats {
    long calls, ok, noreturn, died, blocked;
    long err[MAX_ERRNO + 1];
    long eio[EIO_KEEP];
    int neio;
};

struct shared {
    volatile long idx;          /* the call the worker is making */
    volatile int nr;            /* its number */
    volatile long progress;     /* bumped after every call */
    volatile long child_result; /* what a 'c' call returned in its child */
    long hangs, hang_idx[16];
    int hang_nr[16];
    struct stats st[MAX_NR];
};

struct spec {
    int nr;
    char kinds[7];
    char cls;
    uint64_t key; /* mix(nr): its part of every index's rendezvous hash */
};

static struct shared *sh;
static struct spec specs[MAX_NR];
static int nspecs;
static int host_mode;
static uint64_t seed;

/* Memory the generators point into (set up once by the supervisor, inherited by every worker). */
static char *scratch;   /* SCRATCH_SIZE read-write bytes, then a PROT_NONE page */
static char *ro;        /* one read-only page: zeros, then argv arrays and socket addresses */
static char *hole;      /* an unmapped page between two mapped ones */
static char *arena;     /* target of the memory-map calls (only ever made in children) */
static char *paths[40];
static int npaths;
static char *names[12];
static int nnames;
static char **argvs[4];
static int fds[32];
static int nfds, closed_fd;
/* Pool slots by type, for calls that only get past EBADF/ENOTSOCK/EINVAL with the right kind of fd. */
enum { T_FILE, T_DIR, T_SOCK, T_USOCK, T_UNBOUND, T_EPOLL, T_TIMER, T_SIGNAL, T_EVENT, T_PIPE, T_PIDFD, T_INOTIFY, T_TYPES };
static int typed[T_TYPES][4], ntyped[T_TYPES];
static char *exe_path, *self_exe;
static struct sockaddr_un lsk_addr = {.sun_family = AF_UNIX};
static struct sockaddr_un bind_addr = {.sun_family = AF_UNIX}; /* a fresh name per call, for a plausible bind */
static int typed_fd(int type);
static int shm_id = -1, sem_id = -1, msg_id = -1;
static int listen_fd = -1, data_sock = -1; /* a listening socket with a pending connection; a stream with a byte */
static long worker_pid;

/*
 * ---- randomness: call i depends on (seed, i) only, and not on the rest of the table ----
 * Which call index i makes is decided by rendezvous hashing (choose()); its arguments come from a stream
 * seeded with (seed, i, nr). A call added to the table takes over only the indexes it wins (about one in
 * the table's size) and every other index keeps its call and its arguments, so a merge that adds calls does
 * not reshuffle what the fixed CI seeds try, and "seed + call index" stays a reproducer. Nothing drawn may
 * depend on what earlier calls did: a replay of one call starts from a fresh worker.
 */
static uint64_t rs;
static uint64_t mix(uint64_t z) { /* splitmix64's finaliser */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint64_t next(void) { return mix(rs += 0x9E3779B97F4A7C15ULL); } /* splitmix64 */
static uint64_t below(uint64_t n) { return n ? next() % n : 0; }
static uint64_t call_key(long i) { return mix(mix(seed + 0x243F6A8885A308D3ULL) ^ (uint64_t)i * 0xD1B54A32D192ED03ULL); }

static inline long raw6(long n, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
static void die_now(int code) {
    for (;;) raw6(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

/* ---- generators by kind ---- */

/* Fills what a pointer argument points at: zeros, small words, random bytes, pointer/length pairs, 0xff. */
static void fill(char *p, long room) {
    long n = room < 512 ? room : 512;
    long *w = (long *)p;
    switch (below(6)) {
    case 0: memset(p, 0, n); break;
    case 1: for (long i = 0; i < n / 8; i++) w[i] = (long)below(4); break;
    case 2: for (long i = 0; i < n; i++) p[i] = (char)next(); break;
    case 3: for (long i = 0; i + 1 < n / 8; i += 2) { w[i] = (long)(scratch + below(SCRATCH_SIZE / 2)); w[i + 1] = (long)below(300); } break;
    case 4: memset(p, 0xff, n); break;
    default: if (n >= (long)sizeof(struct sockaddr_un)) { /* a socket address in the scratch tree */
            struct sockaddr_un *u = (struct sockaddr_un *)p;
            memset(u, 0, sizeof *u);
            u->sun_family = below(8) ? AF_UNIX : (sa_family_t)below(50);
            snprintf(u->sun_path, sizeof u->sun_path, below(4) ? "s%d" : "d0/s%d", (int)below(3));
        }
    }
}

static long pointer(void) {
    switch (below(20)) {
    case 0: return 0;
    case 1: return (long)ro;                              /* read-only */
    case 2: return (long)(ro + 8 * below(512));
    case 3: return (long)hole;                            /* unmapped */
    case 4: return (long)0xffff800000000000ULL;           /* kernel half */
    case 5: return below(2) ? (long)0x0000800000000000ULL : -1L; /* non-canonical, top */
    case 6: case 7: {                                     /* straddles the end of scratch into PROT_NONE */
        char *p = scratch + SCRATCH_SIZE - 1 - below(200);
        fill(p, scratch + SCRATCH_SIZE - p);
        return (long)p;
    }
    case 8: return (long)next();
    case 9: return (long)(arena + 4096 * below(ARENA_SIZE / 4096)); /* page-aligned, for the memory-map calls */
    default: {
        char *p = scratch + (below(SCRATCH_SIZE) & (below(4) ? ~7UL : ~0UL));
        fill(p, scratch + SCRATCH_SIZE - p);
        return (long)p;
    }
    }
}

static long fd_arg(void) {
    static const long odd[] = {-1, -100, -2147483648L, 1 << 20, 2147483647, 65535, 1023, 1024};
    switch (below(10)) {
    case 0: return closed_fd;
    case 1: return odd[below(8)];
    case 2: return (long)(0x100000000ULL * (1 + below(3))) + fds[below(nfds)]; /* an int in a dirty register */
    case 3: return host_mode ? fds[below(nfds)] : (long)below(3);
    default: return fds[below(nfds)];
    }
}

static long integer(void) {
    static const long edge[] = {-1, 0, 1, 2, 0x7fffffff, -2147483648L, 0xffffffffL, 0x7fffffffffffffffL,
                                (long)0x8000000000000000ULL, 4096, -4096, 255, 256};
    switch (below(8)) {
    case 0: case 1: return edge[below(13)];
    case 2: return (long)next();
    default: return (long)below(18) - 1;
    }
}

static long length(void) {
    static const long lens[] = {0, 1, 7, 8, 16, 64, 100, 4095, 4096, 4097, 65536, 1L << 31, 1L << 40, -1, -4096,
                                0x7ffff000, 0x7fffffff};
    return below(2) ? lens[below(17)] : (long)below(70000);
}

static long flags(const long *common, int ncommon) {
    switch (below(8)) {
    case 0: case 1: return 0;
    case 2: case 3: return 1L << below(64); /* every bit, one at a time */
    case 4: return (long)next();
    case 5: return (1L << below(32)) | (1L << below(32));
    default: return ncommon ? common[below(ncommon)] | (below(4) ? 0 : 1L << below(32)) : (long)below(8);
    }
}
#define FLAGS(...) ({ static const long c_[] = {__VA_ARGS__}; flags(c_, sizeof c_ / sizeof c_[0]); })

static long enumerated(long lo, long hi) {
    return below(6) ? lo + (long)below((uint64_t)(hi - lo + 1)) : integer();
}

static long pick(char kind) {
    switch (kind) {
    case 'i': return integer();
    case 'z': return length();
    case 'x': return FLAGS(0, 1, 2, 3, 0x80000, 0x800, 0x100, 0x1000);
    case 'p': return pointer();
    case 'f': return fd_arg();
    case 'd': return below(3) == 0 ? -100 /* AT_FDCWD */ : fd_arg();
    case 'P': return below(20) || host_mode ? (long)paths[below(npaths)] : pointer(); /* host: the pool only */
    case 'S': return below(10) ? (long)names[below(nnames)] : (long)paths[below(npaths)];
    case 'o': return FLAGS(O_RDONLY, O_WRONLY, O_RDWR, O_RDWR | O_CREAT, O_CREAT | O_EXCL | O_WRONLY, O_DIRECTORY,
                           O_RDONLY | O_NOFOLLOW, O_PATH, O_TMPFILE | O_RDWR, O_WRONLY | O_TRUNC | O_APPEND,
                           O_NONBLOCK | O_RDWR, O_CLOEXEC);
    case 'm': return FLAGS(0, 0644, 0755, 0777, 07777, S_IFREG | 0644, S_IFDIR | 0755, S_IFIFO | 0600, S_IFSOCK | 0600,
                           S_IFCHR | 0600, 0400, 0200);
    case 'a': return enumerated(0, 7);
    case 'r': return FLAGS(PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_EXEC | PROT_READ, PROT_GROWSDOWN);
    case 'M': return FLAGS(MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, MAP_SHARED_VALIDATE | MAP_ANONYMOUS,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE);
    case 'g': return enumerated(0, 65);
    case 'h': return enumerated(0, 3);
    case 't': return FLAGS(AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, AT_EACCESS,
                           AT_NO_AUTOMOUNT, AT_STATX_DONT_SYNC);
    case 'k': return enumerated(-2, 12);
    case 'F': return below(4) ? enumerated(0, 48) : enumerated(1024, 1040);
    case 'c': {
        static const long reqs[] = {0x5401 /* TCGETS */, 0x5402, 0x540f, 0x5410, 0x5413 /* TIOCGWINSZ */, 0x5414,
                                    0x541b /* FIONREAD */, 0x5421 /* FIONBIO */, 0x5450, 0x5451 /* FIOCLEX */,
                                    0x5452, 0x5422, 0x80086601 /* FS_IOC_GETFLAGS */, 0x40086602, 0x8912, 0x8933,
                                    0x5460, 0x541c};
        return below(4) ? reqs[below(18)] : (long)next();
    }
    case 'C': return below(4) ? 0x1001 + (long)below(4) : enumerated(0x3001, 0x3012);
    case 'w': return enumerated(0, 5);
    case 'l': return enumerated(0, 16);
    case 'u': return enumerated(0, 13) | (below(2) ? 128 : 0) | (below(8) ? 0 : 256);
    case 'E': return enumerated(0, 3);
    case 'A': return below(6) ? (long)argvs[below(4)] : pointer();
    default: return integer();
    }
}

/* ---- safety and plausibility, per call ---- */

/* A file name no earlier call used (from the call index), for a link or bind that must not find EEXIST. */
static char *fresh_name(char prefix) {
    static char name[32];
    snprintf(name, sizeof name, "%c%ld", prefix, sh->idx);
    return name;
}

/*
 * Keeps the fuzzer (and, out of a sandbox, the host) intact. Only what would hurt the supervisor, other
 * processes or host files is changed; the hostile values stay for everything else.
 */
static void sanitize(int nr, long a[6]) {
    switch (nr) {
    case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_rt_sigqueueinfo: case SYS_rt_tgsigqueueinfo: {
        /* To itself (the throwaway child) or to no one: never the supervisor, a group, or -1. */
        long self = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
        a[0] = below(4) ? self : 99999 + (long)below(2);
        if (nr == SYS_tgkill || nr == SYS_rt_tgsigqueueinfo) a[1] = below(4) ? raw6(SYS_gettid, 0, 0, 0, 0, 0, 0) : 99999;
        break;
    }
    case SYS_setpgid: a[0] = 0; break; /* only the child itself */
    case SYS_seccomp: { /* mostly an operation's plausible form: flags 0, a zeroed word, or NULL for strict mode */
        static uint32_t word[2];
        if (below(4)) {
            a[1] = 0;
            a[2] = a[0] == 0 ? 0 : (long)word;
        }
        break;
    }
    case SYS_epoll_pwait2: { /* half the time a valid timeout that cannot block: zero */
        static const struct timespec zero_timeout;
        if (below(2)) a[3] = (long)&zero_timeout;
        break;
    }
    case SYS_process_vm_readv: case SYS_process_vm_writev: /* its own memory or no one's: never the supervisor's */
        a[0] = below(4) ? raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) : 99999;
        break;
    case SYS_pidfd_send_signal: /* a pidfd of the throwaway child itself (in_child opens it), or no pidfd */
        a[0] = below(8) ? -3 : closed_fd;
        break;
    case SYS_mknod: case SYS_mknodat: {
        /* Device nodes only as /dev/null's number: no guest opens a disk through the scratch tree. */
        int at = nr == SYS_mknod ? 1 : 2;
        long type = a[at] & S_IFMT;
        if (type == S_IFCHR || type == S_IFBLK) a[at + 1] = makedev(1, 3);
        break;
    }
    case SYS_socket: case SYS_socketpair:
        /* Never a host network socket out of a sandbox (a sandbox refuses them: EACCES). */
        if (host_mode || below(2)) a[0] = AF_UNIX;
        if (below(2)) a[1] = 1 + (long)below(5);
        break;
    case SYS_fallocate: a[3] &= (1 << 20) - 1; break; /* real blocks: 1 MiB at most */
    case SYS_sendfile: a[3] &= (1 << 20) - 1; break;
    case SYS_copy_file_range: a[4] &= (1 << 20) - 1; break;
    case SYS_clone:
        /* Half the time a plain fork-like clone, so the call succeeds too. */
        if (below(2)) { a[0] = SIGCHLD | (below(2) ? 0 : CLONE_CHILD_SETTID); a[1] = 0; }
        break;
    case SYS_exit: case SYS_exit_group: a[0] &= 0x7f; break;
    default: break;
    }
    /*
     * Plausibility: half the time, an argument that random values almost never get right (a sigset size
     * of 8, a small timer id) is right, so that the checks after it are reached and each call can succeed.
     */
    if (below(2)) {
        static const struct { int nr, arg; long value; } fix[] = {
            {SYS_rt_sigaction, 3, 8}, {SYS_rt_sigprocmask, 3, 8}, {SYS_rt_sigpending, 1, 8},
            {SYS_rt_sigtimedwait, 3, 8}, {SYS_rt_sigsuspend, 1, 8}, {SYS_signalfd, 2, 8}, {SYS_signalfd4, 2, 8},
            {SYS_epoll_pwait, 5, 8}, {SYS_epoll_pwait2, 5, 8}, {SYS_ppoll, 4, 8}, {SYS_epoll_pwait, 4, 0},
            {SYS_timer_settime, 0, 0}, {SYS_timer_gettime, 0, 0}, {SYS_timer_getoverrun, 0, 0}, {SYS_timer_delete, 0, 0},
            {SYS_semget, 0, 0 /* IPC_PRIVATE */}, {SYS_msgget, 0, 0}, {SYS_shmget, 0, 0}, {SYS_getpriority, 0, 0},
            {SYS_ioprio_get, 0, 1}, {SYS_ioprio_set, 0, 1}, {SYS_set_robust_list, 1, 24}, {SYS_prlimit64, 0, 0},
            {SYS_sigaltstack, 0, 0}, {SYS_pselect6, 5, 0}, {SYS_mremap, 3, 1 /* MREMAP_MAYMOVE */},
            {SYS_shmat, 1, 0}, {SYS_rt_tgsigqueueinfo, 3, 0}, {SYS_wait4, 2, 1 /* WNOHANG */}, {SYS_waitid, 3, 4 | 1},
            {SYS_waitid, 0, 0 /* P_ALL */}, {SYS_sched_getaffinity, 1, 128}, {SYS_renameat2, 4, 0},
            {SYS_sched_getaffinity, 0, 0}, {SYS_ioprio_set, 1, 0}, {SYS_ioprio_set, 2, (2 << 13) | 4},
            {SYS_setpriority, 0, 0}, {SYS_setpriority, 1, 0}, {SYS_statx, 2, 0}, {SYS_statx, 3, 0x7ff},
            {SYS_linkat, 4, 0}, {SYS_timer_create, 0, 1}, {SYS_timer_create, 1, 0}, {SYS_socket, 2, 0},
        };
        for (unsigned i = 0; i < sizeof fix / sizeof fix[0]; i++) if (fix[i].nr == nr) a[fix[i].arg] = fix[i].value;
        static const struct { int nr, arg, type; } want[] = {
            {SYS_connect, 0, T_SOCK}, {SYS_accept, 0, T_SOCK}, {SYS_accept4, 0, T_SOCK}, {SYS_sendto, 0, T_SOCK},
            {SYS_recvfrom, 0, T_SOCK}, {SYS_sendmsg, 0, T_SOCK}, {SYS_recvmsg, 0, T_SOCK}, {SYS_shutdown, 0, T_SOCK},
            {SYS_bind, 0, T_SOCK}, {SYS_listen, 0, T_SOCK}, {SYS_getsockname, 0, T_SOCK}, {SYS_getpeername, 0, T_SOCK},
            {SYS_setsockopt, 0, T_SOCK}, {SYS_getsockopt, 0, T_SOCK}, {SYS_epoll_wait, 0, T_EPOLL},
            {SYS_epoll_ctl, 0, T_EPOLL}, {SYS_epoll_pwait, 0, T_EPOLL}, {SYS_epoll_pwait2, 0, T_EPOLL},
            {SYS_timerfd_settime, 0, T_TIMER}, {SYS_timerfd_gettime, 0, T_TIMER}, {SYS_getdents64, 0, T_DIR},
            {SYS_fchdir, 0, T_DIR}, {SYS_fadvise64, 0, T_FILE}, {SYS_fallocate, 0, T_FILE}, {SYS_ftruncate, 0, T_FILE},
            {SYS_copy_file_range, 0, T_FILE}, {SYS_copy_file_range, 2, T_FILE}, {SYS_sendfile, 1, T_FILE},
            {SYS_pread64, 0, T_FILE}, {SYS_pwrite64, 0, T_FILE}, {SYS_preadv, 0, T_FILE}, {SYS_pwritev, 0, T_FILE},
            {SYS_fgetxattr, 0, T_FILE}, {SYS_fsetxattr, 0, T_FILE}, {SYS_flistxattr, 0, T_FILE},
            {SYS_fremovexattr, 0, T_FILE}, {SYS_signalfd, 0, T_SIGNAL}, {SYS_signalfd4, 0, T_SIGNAL},
            {SYS_read, 0, T_PIPE}, {SYS_write, 0, T_EVENT}, {SYS_renameat, 0, T_DIR}, {SYS_linkat, 2, T_DIR},
            {SYS_unlinkat, 0, T_DIR}, {SYS_fstatfs, 0, T_FILE}, {SYS_renameat, 2, T_DIR}, {SYS_renameat2, 0, T_DIR},
            {SYS_renameat2, 2, T_DIR}, {SYS_pidfd_getfd, 0, T_PIDFD}, {SYS_preadv2, 0, T_FILE}, {SYS_pwritev2, 0, T_FILE},
            {SYS_inotify_add_watch, 0, T_INOTIFY}, {SYS_inotify_rm_watch, 0, T_INOTIFY},
        };
        for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) if (want[i].nr == nr) a[want[i].arg] = typed_fd(want[i].type);
        /* IPC ids of the objects the supervisor made. */
        switch (nr) {
        case SYS_shmat: case SYS_shmctl: a[0] = shm_id; break;
        case SYS_semop: case SYS_semtimedop: case SYS_semctl: a[0] = sem_id; break;
        case SYS_msgsnd: case SYS_msgrcv: case SYS_msgctl: a[0] = msg_id; break;
        default: break;
        }
    }
    /* Now and then a whole plausible call, so the ones that take many right arguments succeed too. One time
     * in three whatever earlier calls gave: a draw that depends on the run so far would not replay alone. */
    if (below(3) == 0) {
        switch (nr) {
        case SYS_readlink: a[0] = (long)paths[4] /* l0 */; a[1] = (long)scratch; a[2] = 64; break;
        case SYS_link: a[0] = (long)paths[0]; a[1] = (long)fresh_name('k'); break; /* as linkat below */
        case SYS_renameat2: a[0] = -100; a[1] = (long)paths[0]; a[2] = -100; a[3] = (long)paths[9]; a[4] = 0; break;
        case SYS_unlinkat: a[0] = -100; a[1] = (long)paths[0]; a[2] = 0; break; /* f0: every fresh pool makes it again */
        case SYS_setitimer: { /* ITIMER_REAL re-armed as arm_alarm arms it (jlibos serves only ITIMER_REAL) */
            static const struct itimerval same = {{0, 10000}, {0, 10000}};
            a[0] = ITIMER_REAL; a[1] = (long)&same; a[2] = 0;
            break;
        }
        case SYS_socketpair: a[0] = AF_UNIX; a[1] = SOCK_STREAM; a[2] = 0; a[3] = (long)scratch; break;
        case SYS_kcmp: { /* one fd of its own compared with itself: 0 */
            long self = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), fd = fds[below(nfds)];
            a[0] = self; a[1] = self; a[2] = 0 /* KCMP_FILE */; a[3] = fd; a[4] = fd;
            break;
        }
        case SYS_prctl: a[0] = 16 /* PR_GET_NAME */; a[1] = (long)scratch; break;
        case SYS_pselect6: { /* no fds and a zero timeout: returns 0 at once */
            static const struct timespec zero_wait;
            a[0] = 0; a[1] = a[2] = a[3] = 0; a[4] = (long)&zero_wait; a[5] = 0;
            break;
        }
        case SYS_pidfd_send_signal: a[0] = typed_fd(T_PIDFD); a[1] = 0 /* a probe */; a[2] = 0; a[3] = 0; break;
        case SYS_inotify_add_watch: a[0] = typed_fd(T_INOTIFY); a[1] = (long)paths[0]; a[2] = IN_ATTRIB; break;
        case SYS_inotify_rm_watch: a[0] = typed_fd(T_INOTIFY); a[1] = 1; break; /* the pool's watch on f0 */
        case SYS_rmdir: a[0] = (long)paths[17] /* d0/d1, made again with every fresh pool */; break;
        case SYS_linkat: a[0] = -100; a[1] = (long)paths[0]; a[2] = -100; a[3] = (long)fresh_name('k'); a[4] = 0; break;
        case SYS_renameat: a[0] = -100; a[1] = (long)paths[0]; a[2] = -100; a[3] = (long)paths[9]; break;
        case SYS_setxattr: a[0] = (long)paths[0]; a[1] = (long)names[0]; a[2] = (long)scratch; a[3] = 4; a[4] = 0; break;
        case SYS_lsetxattr: a[0] = (long)paths[0]; a[1] = (long)names[0]; a[2] = (long)scratch; a[3] = 4; a[4] = 0; break;
        case SYS_lremovexattr: a[0] = (long)paths[0]; a[1] = (long)names[0]; break;
        case SYS_futex: a[0] = (long)scratch; a[1] = 1 /* FUTEX_WAKE */; a[2] = 1; break;
        case SYS_ppoll: case SYS_epoll_pwait: { /* the pipe's read end, which has data; a zero timeout */
            int *pfd = (int *)(scratch + 64);
            pfd[0] = typed_fd(T_PIPE); pfd[1] = POLLIN; pfd[2] = 0; pfd[3] = 0;
            if (nr == SYS_ppoll) { a[0] = (long)pfd; a[1] = 1; a[2] = (long)ro; a[3] = 0; a[4] = 8; }
            else { a[0] = typed_fd(T_EPOLL); a[1] = (long)scratch; a[2] = 4; a[3] = 0; a[4] = 0; a[5] = 8; }
            break;
        }
        case SYS_mmap: a[0] = 0; a[1] = 4096 * (1 + below(4)); a[2] = PROT_READ | PROT_WRITE;
            a[3] = MAP_PRIVATE | MAP_ANONYMOUS; a[4] = -1; a[5] = 0; break;
        /* /proc/self/exe: "exe" in the tree is chmodded and unlinked by the fuzzer itself. */
        case SYS_execve: a[0] = (long)self_exe; a[1] = (long)argvs[0]; a[2] = (long)argvs[1]; break;
        case SYS_execveat: a[0] = -100; a[1] = (long)self_exe; a[2] = (long)argvs[0]; a[3] = (long)argvs[1]; a[4] = 0; break;
        case SYS_connect: a[0] = typed_fd(T_USOCK); a[1] = (long)&lsk_addr; a[2] = sizeof lsk_addr; break;
        case SYS_sendto: a[0] = typed_fd(T_SOCK); a[1] = (long)scratch; a[2] = 1 + below(100); a[3] = 0x40 /* MSG_DONTWAIT */;
            a[4] = 0; a[5] = 0; break;
        case SYS_setsockopt: case SYS_getsockopt: { /* SOL_SOCKET: SO_REUSEADDR, SO_SNDBUF, SO_RCVBUF, SO_TYPE */
            static const int opts[] = {2, 7, 8, 3};
            a[1] = 1; a[2] = opts[below(4)]; a[3] = (long)scratch; ((int *)scratch)[0] = 4096; ((int *)scratch)[1] = 4;
            a[4] = nr == SYS_setsockopt ? 4 : (long)(scratch + 4);
            break;
        }
        case SYS_msgrcv: a[0] = msg_id; a[1] = (long)scratch; a[2] = 64; a[3] = 0; a[4] = 04000 /* IPC_NOWAIT */; break;
        case SYS_semtimedop: case SYS_semop: /* {sem_num 0, sem_op +1, IPC_NOWAIT}, no timeout */
            a[0] = sem_id; a[1] = (long)scratch; ((short *)scratch)[0] = 0; ((short *)scratch)[1] = 1;
            ((short *)scratch)[2] = 04000; a[2] = 1; a[3] = 0; break;
        case SYS_rt_sigtimedwait: /* SIGALRM, which the child's timer raises within 10 ms */
            a[0] = (long)scratch; ((unsigned long *)scratch)[0] = 1UL << (SIGALRM - 1); a[1] = 0; a[2] = 0; a[3] = 8; break;
        case SYS_getxattr: case SYS_lgetxattr: a[0] = (long)paths[0]; a[1] = (long)names[0]; a[2] = (long)scratch; a[3] = 64; break;
        case SYS_fgetxattr: a[0] = typed_fd(T_FILE); a[1] = (long)names[0]; a[2] = (long)scratch; a[3] = 64; break;
        case SYS_openat2: /* struct open_how {flags, mode, resolve} all zero: O_RDONLY */
            a[0] = -100; a[2] = (long)scratch; a[3] = 24; memset(scratch, 0, 24); break;
        case SYS_copy_file_range: a[1] = 0; a[3] = 0; a[5] = 0; break;
        case SYS_epoll_ctl: /* a pipe or socket in or out of the pool's epoll set, for EPOLLIN */
            a[0] = typed_fd(T_EPOLL); a[1] = below(2) ? 1 /* ADD */ : 2 /* DEL */;
            a[2] = typed_fd(below(2) ? T_PIPE : T_SOCK); a[3] = (long)(scratch + 64);
            memset(scratch + 64, 0, 16); *(uint32_t *)(scratch + 64) = EPOLLIN;
            break;
        case SYS_signalfd: case SYS_signalfd4: a[0] = -1; break;
        case SYS_shmdt: a[0] = -2; break; /* in_child attaches the segment first */
        case SYS_mremap: /* a page of the arena (only ever touched in children), grown where it may move */
            a[0] = (long)(arena + 4096 * below(ARENA_SIZE / 4096 - 1)); a[1] = 4096; a[2] = 8192; a[3] = 1; a[4] = 0; break;
        case SYS_bind: /* an unbound socket, a name no earlier call took */
            strcpy(bind_addr.sun_path, fresh_name('b'));
            a[0] = typed_fd(below(2) ? T_UNBOUND : T_USOCK); a[1] = (long)&bind_addr; a[2] = sizeof bind_addr;
            break;
        case SYS_accept: a[0] = listen_fd; a[1] = 0; a[2] = 0; break;
        case SYS_recvfrom: a[0] = data_sock; a[1] = (long)scratch; a[2] = 64; a[3] = MSG_DONTWAIT; a[4] = 0; a[5] = 0; break;
        case SYS_readlinkat: a[0] = -100; a[1] = (long)paths[4] /* l0 */; a[2] = (long)scratch; a[3] = 64; break;
        case SYS_rename: a[0] = (long)paths[0]; a[1] = (long)paths[9]; break;
        case SYS_removexattr: a[0] = (long)paths[0]; a[1] = (long)names[0]; break; /* each fresh pool sets it */
        case SYS_getsid: case SYS_getpgid: a[0] = 0; break;
        case SYS_get_robust_list: a[0] = 0; a[1] = (long)scratch; a[2] = (long)(scratch + 8); break;
        case SYS_ioprio_get: a[0] = 1 /* IOPRIO_WHO_PROCESS */; a[1] = 0; break;
        case SYS_sched_getparam: a[0] = 0; a[1] = (long)scratch; break;
        case SYS_setpgid: a[1] = 0; break; /* itself its own group leader (only ever in a child) */
        case SYS_lseek: a[0] = typed_fd(T_FILE); a[1] = 0; a[2] = below(3); break;
        case SYS_fcntl: a[0] = fds[below(nfds)]; a[1] = below(2) ? F_GETFD : F_GETFL; break;
        case SYS_msgsnd: /* {type 1, "fuzz"}; IPC_NOWAIT */
            a[0] = msg_id; a[1] = (long)scratch; ((long *)scratch)[0] = 1; memcpy(scratch + 8, "fuzz", 4); a[2] = 4;
            a[3] = 04000; break;
        case SYS_mprotect: case SYS_msync: case SYS_mincore: /* a page of the arena, only ever touched in children */
            a[0] = (long)(arena + 4096 * below(ARENA_SIZE / 4096)); a[1] = 4096;
            a[2] = nr == SYS_mprotect ? PROT_READ : nr == SYS_msync ? MS_ASYNC : (long)scratch;
            break;
        case SYS_epoll_pwait2: { /* a zero timeout: returns at once */
            static const struct timespec no_wait;
            a[0] = typed_fd(T_EPOLL); a[1] = (long)scratch; a[2] = 4; a[3] = (long)&no_wait; a[4] = 0; a[5] = 8;
            break;
        }
        case SYS_accept4: /* the pool's listener has a connection waiting */
            a[0] = listen_fd; a[1] = 0; a[2] = 0; a[3] = SOCK_NONBLOCK | SOCK_CLOEXEC; break;
        case SYS_recvmsg: { /* into scratch, from the stream that was sent a byte; MSG_DONTWAIT */
            struct msghdr *mh = (struct msghdr *)(scratch + 256);
            struct iovec *iv = (struct iovec *)(scratch + 512);
            iv->iov_base = scratch + 1024; iv->iov_len = 64;
            memset(mh, 0, sizeof *mh); mh->msg_iov = iv; mh->msg_iovlen = 1;
            a[0] = data_sock; a[1] = (long)mh; a[2] = MSG_DONTWAIT;
            break;
        }
        case SYS_pidfd_open: a[0] = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0); a[1] = below(2) ? 0 : O_NONBLOCK; break;
        case SYS_pidfd_getfd: a[0] = typed_fd(T_PIDFD); a[1] = fds[below(nfds)]; a[2] = 0; break;
        case SYS_capget: case SYS_capset: /* header {_LINUX_CAPABILITY_VERSION_3, 0}; capset drops everything */
            ((int *)scratch)[0] = 0x20080522; ((int *)scratch)[1] = 0; memset(scratch + 64, 0, 24);
            a[0] = (long)scratch; a[1] = (long)(scratch + 64);
            break;
        case SYS_sched_setscheduler: case SYS_sched_setparam: { /* a fair policy or SCHED_IDLE, priority 0 */
            static const long fair[] = {0, 3, 5};
            *(int *)(scratch + 64) = 0;
            a[0] = 0;
            if (nr == SYS_sched_setscheduler) { a[1] = fair[below(3)]; a[2] = (long)(scratch + 64); }
            else a[1] = (long)(scratch + 64);
            break;
        }
        case SYS_process_vm_readv: case SYS_process_vm_writev: { /* 64 bytes between two places of scratch */
            long *v = (long *)(scratch + 128);
            v[0] = (long)(scratch + 4096); v[1] = 64; v[2] = (long)(scratch + 8192); v[3] = 64;
            a[0] = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0); a[1] = (long)v; a[2] = 1; a[3] = (long)(v + 2); a[4] = 1; a[5] = 0;
            break;
        }
        case SYS_preadv2: case SYS_pwritev2: { /* one iovec into scratch, at offset 0 or the file position */
            long *v = (long *)(scratch + 128);
            v[0] = (long)(scratch + 4096); v[1] = 64;
            a[0] = typed_fd(T_FILE); a[1] = (long)v; a[2] = 1; a[3] = below(2) ? 0 : -1; a[4] = 0; a[5] = 0;
            break;
        }
        case SYS_rt_sigqueueinfo: case SYS_rt_tgsigqueueinfo: { /* to itself, SI_QUEUE, an ignored signal */
            int info = nr == SYS_rt_sigqueueinfo ? 2 : 3;
            memset(scratch, 0, 128);
            ((int *)scratch)[0] = SIGUSR2;
            ((int *)scratch)[2] = -1; /* SI_QUEUE */
            a[info] = (long)scratch;
            a[info - 1] = SIGUSR2;
            break;
        }
        default: break;
        }
    }
    if (host_mode && nr == SYS_bind && a[1] != (long)&bind_addr) {
        /* Out of a sandbox a socket file is made where the address says: a relative name, never random bytes. */
        char *u = scratch + SCRATCH_SIZE - 4096;
        memset(u, 0, sizeof(struct sockaddr_un));
        ((struct sockaddr_un *)u)->sun_family = AF_UNIX;
        strcpy(((struct sockaddr_un *)u)->sun_path, below(2) ? "s0" : "d0/s1");
        a[1] = (long)u;
    }
}

static int forkish(int nr) { return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3; }
static int noreturn(int nr) { return nr == SYS_exit || nr == SYS_exit_group || nr == SYS_execve || nr == SYS_execveat; }

static void on_alarm(int s) { (void)s; }

static void arm_alarm(void) {
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void record(const struct spec *s, long r) {
    struct stats *st = &sh->st[s->nr];
    st->calls++;
    if (r >= 0 || r < -4095) st->ok++;
    else {
        long e = -r;
        st->err[e > MAX_ERRNO ? MAX_ERRNO : e]++;
        if (e == EIO && st->neio < EIO_KEEP) st->eio[st->neio++] = sh->idx;
    }
}

/* A 'c' call: in a child forked for it, which reports through the shared table and exits. */
static void in_child(const struct spec *s, long a[6]) {
    struct stats *st = &sh->st[s->nr];
    sh->child_result = SENTINEL;
    pid_t pid = fork();
    if (pid < 0) { st->calls++; st->err[errno > MAX_ERRNO ? MAX_ERRNO : errno]++; return; }
    if (pid == 0) {
        if (!noreturn(s->nr)) arm_alarm(); /* an itimer outlives execve, and the new image would die of SIGALRM */
        if (s->nr == SYS_shmdt && a[0] == -2) a[0] = raw6(SYS_shmat, shm_id, 0, 0, 0, 0, 0);
        if (s->nr == SYS_pidfd_send_signal && a[0] == -3) a[0] = raw6(SYS_pidfd_open, raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0, 0);
        if (a[0] == worker_pid && (s->nr == SYS_kill || s->nr == SYS_tkill || s->nr == SYS_tgkill
                                   || s->nr == SYS_rt_sigqueueinfo || s->nr == SYS_rt_tgsigqueueinfo
                                   || s->nr == SYS_process_vm_writev)) {
            a[0] = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0); /* "to itself" meant this throwaway child */
            if (s->nr == SYS_tgkill || s->nr == SYS_rt_tgsigqueueinfo) a[1] = a[0];
        }
        long r = raw6(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (r == 0 && forkish(s->nr)) die_now(0); /* the new process: gone at once */
        sh->child_result = r;
        die_now(0);
    }
    long start = now_ms();
    int status;
    for (;;) {
        pid_t w = waitpid(pid, &status, WUNTRACED | __WALL);
        if (w == pid && !WIFSTOPPED(status)) break;
        if (w == pid || now_ms() - start > CHILD_TIMEOUT_MS) { /* stopped, or blocked for good */
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, __WALL) != pid && errno == EINTR) {}
            if (sh->child_result == SENTINEL) { st->calls++; st->blocked++; return; }
            break;
        }
    }
    long r = sh->child_result;
    if (r != SENTINEL) record(s, r);
    else if (WIFSIGNALED(status)) { st->calls++; st->died++; }
    else if (noreturn(s->nr)) { st->calls++; st->noreturn++; }
    else { st->calls++; st->died++; }
}

/* ---- the worker ---- */

/*
 * The call index i makes: the spec with the highest key u^(1/w), u uniform from hash(seed, i, nr) (weighted
 * rendezvous hashing; spec k wins with probability w_k / sum w). A fork costs jlibos ~15 ms and a plain call
 * well under one, so calls made in a child weigh a quarter (key u^4).
 */
static const struct spec *choose(long i) {
    uint64_t at = call_key(i);
    const struct spec *best = &specs[0];
    double top = -1;
    for (int k = 0; k < nspecs; k++) {
        double u = (double)(mix(at ^ specs[k].key) >> 11) * 0x1p-53;
        if (specs[k].cls == 'c') u = u * u * u * u;
        if (u > top) { top = u; best = &specs[k]; }
    }
    return best;
}

static void add_fd(int fd, int type) {
    if (fd < 0 || nfds >= 32) return;
    fds[nfds++] = fd;
    if (type >= 0 && ntyped[type] < 4) typed[type][ntyped[type]++] = fd;
}

static int typed_fd(int type) {
    return ntyped[type] ? typed[type][below(ntyped[type])] : fds[below(nfds)];
}

static void open_pool(void) {
    nfds = 0;
    memset(ntyped, 0, sizeof ntyped);
    raw6(SYS_close_range, 3, ~0U, 0, 0, 0, 0);
    mkdir("d0", 0755);
    mkdir("d0/d1", 0755);
    setxattr("f0", "user.fuzz", "v", 1, 0);
    /* A zombie child, so wait4 and waitid have something to reap. */
    pid_t z = fork();
    if (z == 0) die_now(0);
    /* Files do not grow from worker to worker (tmpfs is memory; out of a sandbox, disk). */
    for (int i = 0; i < npaths; i++) if (paths[i] && paths[i] != hole && strcmp(paths[i], "exe") != 0) truncate(paths[i], 0);
    int p[2], sv[2];
    add_fd(open("f0", O_RDWR | O_CREAT, 0644), T_FILE);
    add_fd(open("d0", O_RDONLY | O_DIRECTORY), T_DIR);
    add_fd(open(".", O_RDONLY | O_DIRECTORY), T_DIR);
    add_fd(open("d0/f1", O_RDONLY | O_CREAT, 0644), T_FILE);
    if (pipe(p) == 0) { add_fd(p[0], T_PIPE); add_fd(p[1], T_PIPE); write(p[1], "data", 4); }
    if (pipe2(p, O_NONBLOCK) == 0) { add_fd(p[0], T_PIPE); add_fd(p[1], T_PIPE); }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) { add_fd(sv[0], T_SOCK); add_fd(sv[1], T_SOCK); write(sv[1], "x", 1); }
    data_sock = sv[0];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) { add_fd(sv[0], T_SOCK); add_fd(sv[1], -1); }
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un u = {.sun_family = AF_UNIX};
    snprintf(u.sun_path, sizeof u.sun_path, "lsk%d", (int)getpid() % 100000);
    lsk_addr = u;
    unlink(u.sun_path);
    listen_fd = -1;
    if (l >= 0 && bind(l, (struct sockaddr *)&u, sizeof u) == 0 && listen(l, 8) == 0) {
        add_fd(l, T_SOCK);
        listen_fd = l;
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0); /* a pending connection for accept */
        if (c >= 0 && connect(c, (struct sockaddr *)&u, sizeof u) == 0) add_fd(c, -1);
    }
    add_fd(socket(AF_UNIX, SOCK_DGRAM, 0), T_UNBOUND); /* unbound: bind and connect can succeed */
    add_fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), T_USOCK);
    add_fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), T_USOCK);
    struct { long type; char text[8]; } msg = {1, "fuzz"};
    msgsnd(msg_id, &msg, 4, IPC_NOWAIT); /* something for msgrcv */
    add_fd(eventfd(1, 0), T_EVENT);
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 1000000}, {0, 1000000}};
    if (t >= 0) timerfd_settime(t, 0, &its, NULL);
    add_fd(t, T_TIMER);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    add_fd(signalfd(-1, &set, 0), T_SIGNAL);
    int e = epoll_create1(0);
    if (e >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[4]};
        epoll_ctl(e, EPOLL_CTL_ADD, fds[4], &ev);
        add_fd(e, T_EPOLL);
    }
    add_fd(memfd_create("kfuzz", MFD_ALLOW_SEALING), T_FILE);
    add_fd((int)raw6(SYS_pidfd_open, raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0, 0), T_PIDFD); /* the worker's own */
    int in = inotify_init1(IN_NONBLOCK); /* watch 1 on f0, for inotify_rm_watch */
    if (in >= 0) inotify_add_watch(in, "f0", IN_ATTRIB);
    add_fd(in, T_INOTIFY);
    /* Timer 0 (and usually 1), so timer_settime/gettime/getoverrun/delete find one. */
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    timer_t tid;
    raw6(SYS_timer_create, CLOCK_MONOTONIC, (long)&sev, (long)&tid, 0, 0, 0);
    raw6(SYS_timer_create, CLOCK_MONOTONIC, (long)&sev, (long)&tid, 0, 0, 0);
    if (!host_mode) {
        add_fd(open("/dev/null", O_RDWR), -1);
        add_fd(open("/proc/self/maps", O_RDONLY), -1);
    }
    closed_fd = dup(fds[0]);
    close(closed_fd);
    if (nfds == 0) fds[nfds++] = 3;
}

static void worker(long first, long end) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    for (int s = 1; s <= 64; s++) if (s != SIGKILL && s != SIGSTOP && s != SIGALRM && s != SIGCHLD && (s < 32 || s > 33)) sigaction(s, &sa, NULL);
    sa.sa_handler = on_alarm; /* no SA_RESTART: a blocking call returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    if (host_mode) { close(0); close(1); close(2); }
    worker_pid = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    open_pool();
    for (long i = 0; i < SCRATCH_SIZE; i++) scratch[i] = (char)i;
    arm_alarm();
    for (long i = first; i < end; i++) {
        if (i != first && i % 256 == 0) open_pool(); /* fds get closed and dup'ed over: a fresh pool now and then */
        sh->idx = i;
        const struct spec *s = choose(i);
        rs = call_key(i) ^ s->key;
        sh->nr = s->nr;
        long a[6];
        for (int j = 0; j < 6; j++) a[j] = s->kinds[j] ? pick(s->kinds[j]) : (long)next();
        sanitize(s->nr, a);
        if (s->cls == 'c') in_child(s, a);
        else record(s, raw6(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]));
        sh->progress++;
    }
    die_now(0);
}

/* ---- the supervisor ---- */

static char *store(char **p, const char *s) {
    char *at = *p;
    strcpy(at, s);
    *p += strlen(s) + 1;
    return at;
}

static void setup_memory(void) {
    char *m = mmap(NULL, SCRATCH_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *r = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *h = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || r == MAP_FAILED || h == MAP_FAILED || arena == MAP_FAILED || sh == MAP_FAILED) exit(3);
    scratch = m;
    if (mprotect(m + SCRATCH_SIZE, 4096, PROT_NONE) != 0) exit(4);
    hole = h + 4096;
    munmap(hole, 4096);
    ro = r;
    /* The read-only page: zeros first (a NULL struct), then argv arrays, names and paths. */
    char *p = r + 512;
    char **av = (char **)p;
    p += 8 * 16;
    char *exe = store(&p, "exe"), *dash = store(&p, "-");
    av[0] = exe; av[1] = NULL;                  /* argv {"exe"} */
    av[2] = NULL;                               /* argv {} */
    av[3] = exe; av[4] = (char *)hole; av[5] = NULL; /* a bad pointer inside */
    av[6] = exe; av[7] = dash; av[8] = NULL;
    argvs[0] = av; argvs[1] = av + 2; argvs[2] = av + 3; argvs[3] = av + 6;
    const char *xnames[] = {"user.fuzz", "user.x", "trusted.fuzz", "security.capability", "", "x", "system.posix_acl_access"};
    for (unsigned i = 0; i < sizeof xnames / sizeof xnames[0]; i++) names[nnames++] = store(&p, xnames[i]);
    /* Paths. Out of a sandbox: relative, no ".." above a directory of the tree, no host object. */
    const char *common[] = {"f0", "d0", "d0/f1", "d0/", "l0", ".", "loop", "d0/../f0", "l0/f1", "nonexistent",
                            "nonexistent/x", "f0/x", "", "exe", "s0", "d0/s1", "fifo", "d0/d1", "d0/d1/d2/../f2"};
    const char *sandbox_only[] = {"/", "..", "../../..", "/proc/self/maps", "/proc/self/fd/3", "/proc/self/cwd/f0",
                                  "/dev/null", "/ro/canary", "/ro", "/ro/../ro/sub", "/proc/self/exe", "/work/../work/f0",
                                  "/proc/self/fd/3/..", "/dev/zero", "/proc/self/status", "/tmp"};
    for (unsigned i = 0; i < sizeof common / sizeof common[0]; i++) paths[npaths++] = store(&p, common[i]);
    exe_path = paths[13];
    self_exe = store(&p, "/proc/self/exe");
    if (!host_mode) for (unsigned i = 0; i < sizeof sandbox_only / sizeof sandbox_only[0]; i++) paths[npaths++] = store(&p, sandbox_only[i]);
    memset(p, 'n', 300); p[300] = 0; paths[npaths++] = p; p += 301;           /* over NAME_MAX */
    for (int i = 0; i < 4200; i++) p[i] = (i % 50 == 49) ? '/' : 'a';          /* over PATH_MAX */
    p[4200] = 0; paths[npaths++] = p; p += 4201;
    names[nnames++] = paths[npaths - 2];
    if (!host_mode) { /* runs into PROT_NONE unterminated (scratch: a fuzzed read may have written it) */
        paths[npaths++] = scratch + SCRATCH_SIZE - 8;
        memset(scratch + SCRATCH_SIZE - 8, 'q', 8);
    }
    paths[npaths++] = hole;
    paths[npaths++] = NULL;
    if (p > r + 4 * 4096) exit(5);
    if (mprotect(r, 4 * 4096, PROT_READ) != 0) exit(4);
}

static void setup_tree(void) {
    close(open("f0", O_CREAT | O_WRONLY, 0644));
    mkdir("d0", 0755);
    mkdir("d0/d1", 0755);
    close(open("d0/f1", O_CREAT | O_WRONLY, 0644));
    symlink("d0", "l0");
    symlink("loop", "loop");
    /* "exe": this program, so execve can succeed (with no arguments it exits 0 at once). */
    int in = open("/proc/self/exe", O_RDONLY), out = open("exe", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    char buf[65536];
    long n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
    close(in);
    close(out);
}

static void reap_strays(void) {
    while (waitpid(-1, NULL, WNOHANG | __WALL) > 0) {}
}

int main(int argc, char **argv) {
    if (argc < 7 || strcmp(argv[1], "fuzz") != 0) return 0; /* exec'd by a fuzzed execve: just exit */
    host_mode = strcmp(argv[2], "host") == 0;
    seed = strtoull(argv[3], NULL, 0);
    long first = atol(argv[4]), count = atol(argv[5]);
    struct stat etc;
    if (!host_mode && stat("/etc", &etc) == 0) {
        fprintf(stderr, "kfuzz: /etc exists, so this is not a jlibos sandbox; refusing to run\n");
        return 77;
    }
    for (int i = 6; i < argc && nspecs < MAX_NR; i++) {
        struct spec *s = &specs[nspecs];
        char kinds[16] = "", cls = 'n';
        if (sscanf(argv[i], "%d:%15[^:]:%c", &s->nr, kinds, &cls) < 2 && sscanf(argv[i], "%d::%c", &s->nr, &cls) < 1) continue;
        if (strcmp(kinds, "-") == 0) kinds[0] = 0;
        strncpy(s->kinds, kinds, 6);
        s->cls = cls;
        s->key = mix((uint64_t)s->nr * 0x9E3779B97F4A7C15ULL + 1);
        if (s->nr >= 0 && s->nr < MAX_NR) nspecs++;
    }
    if (nspecs == 0) return 2;
    setup_memory();
    setup_tree();
    if (strcmp(exe_path, "exe") != 0) return 6;
    /* One System V object of each kind, whose ids the IPC calls get half the time. */
    shm_id = (int)raw6(SYS_shmget, 0 /* IPC_PRIVATE */, 4096, 0600, 0, 0, 0);
    sem_id = (int)raw6(SYS_semget, 0, 4, 0600, 0, 0, 0);
    msg_id = (int)raw6(SYS_msgget, 0, 0600, 0, 0, 0, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL); /* interrupts the supervisor's waitpid every 100 ms */
    struct itimerval it = {{0, 100000}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);

    long end = first + count, at = first, workers = 0;
    while (at < end) {
        sh->idx = at;
        sh->nr = -1;
        long batch_end = at + 5000 < end ? at + 5000 : end;
        pid_t pid = fork();
        if (pid < 0) { perror("kfuzz: fork"); return 3; }
        if (pid == 0) {
            struct itimerval off = {{0, 0}, {0, 0}};
            setitimer(ITIMER_REAL, &off, NULL);
            worker(at, batch_end);
        }
        workers++;
        long seen = sh->progress, since = now_ms();
        int status = 0;
        for (;;) {
            pid_t w = waitpid(pid, &status, WUNTRACED);
            if (w == pid && !WIFSTOPPED(status)) break;
            if (w == pid) { kill(pid, SIGKILL); continue; } /* stopped by a fuzzed signal */
            if (sh->progress != seen) { seen = sh->progress; since = now_ms(); continue; }
            if (now_ms() - since > HANG_MS) {
                if (sh->hangs < 16) { sh->hang_idx[sh->hangs] = sh->idx; sh->hang_nr[sh->hangs] = sh->nr; }
                sh->hangs++;
                kill(pid, SIGKILL);
                since = now_ms();
            }
        }
        reap_strays();
        long done = sh->idx;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && done >= batch_end - 1 && sh->nr >= 0
            && sh->progress > 0) {
            at = batch_end;
        } else { /* the worker died in call sh->idx (or before its first call) */
            if (sh->nr >= 0) { sh->st[sh->nr].calls++; sh->st[sh->nr].died++; }
            at = done + 1;
        }
        /* A worker that ends within its batch stopped at sh->idx; workers never return otherwise. */
    }
    printf("kfuzz: %ld calls, %ld workers, %ld hangs, seed %llu\n", count, workers, sh->hangs, (unsigned long long)seed);
    for (int i = 0; i < sh->hangs && i < 16; i++) printf("hang %ld %d\n", sh->hang_idx[i], sh->hang_nr[i]);
    for (int nr = 0; nr < MAX_NR; nr++) {
        struct stats *st = &sh->st[nr];
        if (!st->calls) continue;
        printf("nr %d calls %ld ok %ld noreturn %ld died %ld blocked %ld errno", nr, st->calls, st->ok, st->noreturn,
               st->died, st->blocked);
        for (int e = 1; e <= MAX_ERRNO; e++) if (st->err[e]) printf(" %d:%ld", e, st->err[e]);
        printf("\n");
        if (st->neio) {
            printf("eio %d", nr);
            for (int k = 0; k < st->neio; k++) printf(" %ld", st->eio[k]);
            printf("\n");
        }
    }
    return 0;
}
