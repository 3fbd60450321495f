/*
 * seccomp: strict mode and BPF filters through the raw interface (prctl and seccomp(2)), each case in
 * a child of its own since filters cannot be removed: ERRNO, TRAP with its siginfo, KILL_PROCESS and
 * KILL_THREAD, TRACE and USER_NOTIF without a tracer or listener, strict mode, inheritance across fork,
 * execve and threads (TSYNC), stacking precedence, program validation, and EACCES without
 * no_new_privs. The kernel headers' constants are defined here (musl-gcc has no kernel headers).
 *
 * The initial seccomp mode is never printed: a container runtime may already have filtered the native
 * run. Wait statuses print the signal only: whether a core was dumped depends on the host's settings.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

struct bpf_insn { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct bpf_prog { unsigned short len; struct bpf_insn *filter; };

#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_MISC 0x07
#define BPF_W 0x00
#define BPF_B 0x10
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_ADD 0x00
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_MOD 0x90
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_K 0x00
#define BPF_A 0x10
#define BPF_TXA 0x80
#define STMT(code, k) { (uint16_t)(code), 0, 0, (k) }
#define JUMP(code, k, jt, jf) { (uint16_t)(code), (jt), (jf), (k) }

#define MODE_STRICT 1
#define MODE_FILTER 2
#define SET_MODE_STRICT 0
#define SET_MODE_FILTER 1
#define GET_ACTION_AVAIL 2
#define FLAG_TSYNC 1U
#define FLAG_LOG 2U
#define FLAG_TSYNC_ESRCH 16U
#define RET_KILL_PROCESS 0x80000000U
#define RET_KILL_THREAD 0x00000000U
#define RET_TRAP 0x00030000U
#define RET_ERRNO 0x00050000U
#define RET_USER_NOTIF 0x7fc00000U
#define RET_TRACE 0x7ff00000U
#define RET_LOG 0x7ffc0000U
#define RET_ALLOW 0x7fff0000U
#define ARCH_X86_64 0xc000003eU
#define SYS_SECCOMP_CODE 1
#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif
#ifndef PR_GET_SECCOMP
#define PR_GET_SECCOMP 21
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#endif

/* seccomp_data offsets: nr, arch, instruction_pointer, args[6]. */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG0 16

static const char *self_path = "/proc/self/exe";

static long sc(unsigned op, unsigned flags, void *args) {
    return syscall(SYS_seccomp, op, flags, args);
}

static long install(struct bpf_insn *f, unsigned short n, unsigned flags) {
    struct bpf_prog prog = { n, f };
    return sc(SET_MODE_FILTER, flags, &prog);
}

/* A filter that answers `ret` for syscall `nr` and allows everything else (killing a foreign arch). */
static long filter_one(int nr, uint32_t ret, unsigned flags) {
    struct bpf_insn f[] = {
        STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_X86_64, 1, 0),
        STMT(BPF_RET | BPF_K, RET_KILL_PROCESS),
        STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
        STMT(BPF_RET | BPF_K, ret),
        STMT(BPF_RET | BPF_K, RET_ALLOW),
    };
    return install(f, sizeof f / sizeof f[0], flags);
}

static int nnp(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Runs `fn` in a child and prints how the child ended. */
static void in_child(const char *name, void (*fn)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        guest_failures = 0;
        fn();
        fflush(stdout);
        _exit(guest_failures ? 1 : 0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFSIGNALED(status)) {
        printf("%s: killed by signal %d\n", name, WTERMSIG(status));
    } else {
        printf("%s: exited %d\n", name, WEXITSTATUS(status));
        if (WEXITSTATUS(status) == 1) guest_failures++; /* a failed check in the child */
    }
}

/* ERRNO: the filtered call is not made and fails with the filter's data, capped at 4095. */
static void errno_case(void) {
    CHECK(nnp() == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    /* getpid's libc wrapper, called often, is what jlibos may answer in the guest: it must still be filtered. */
    pid_t before = getpid();
    for (int i = 0; i < 5; i++) CHECK(getpid() == before);
    CHECK(filter_one(SYS_getpid, RET_ERRNO | ESRCH, 0) == 0);
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER);
    for (int i = 0; i < 3; i++) printf("getpid() = %d\n", (int)getpid());
    CHECK_ERRNO(syscall(SYS_getpid), ESRCH);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 0xffff, 0) == 0);
    errno = 0;
    long r = syscall(SYS_getppid);
    printf("getppid with RET_ERRNO|0xffff: %ld errno %d\n", r, errno);
    CHECK(filter_one(SYS_close, RET_ERRNO | 0, 0) == 0);
    CHECK(close(-1) == 0); /* ERRNO(0): "succeeds" without running */
    /* Arguments: dup(42) refused, dup(1) allowed. */
    struct bpf_insn f[] = {
        STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_dup, 0, 3),
        STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARG0),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, 42, 0, 1),
        STMT(BPF_RET | BPF_K, RET_ERRNO | E2BIG),
        STMT(BPF_RET | BPF_K, RET_ALLOW),
    };
    CHECK(install(f, 6, FLAG_LOG) == 0);
    CHECK_ERRNO(dup(42), E2BIG);
    int fd = dup(1);
    CHECK(fd > 2);
    CHECK(close(fd) == 0);
    /* TRACE without a tracer and USER_NOTIF without a listener: ENOSYS. */
    CHECK(filter_one(SYS_getuid, RET_TRACE, 0) == 0);
    CHECK_ERRNO(syscall(SYS_getuid), ENOSYS);
    CHECK(filter_one(SYS_getgid, RET_USER_NOTIF, 0) == 0);
    CHECK_ERRNO(syscall(SYS_getgid), ENOSYS);
    /* LOG acts as ALLOW. */
    CHECK(filter_one(SYS_getegid, RET_LOG, 0) == 0);
    CHECK(syscall(SYS_getegid) == getegid());
}

/* The program computes its verdict: arithmetic, scratch memory, X, RET A and the "packet" length. */
static void compute_case(void) {
    CHECK(nnp() == 0);
    struct bpf_insn f[] = {
        STMT(BPF_LD | BPF_W | BPF_LEN, 0),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, 64, 1, 0),
        STMT(BPF_RET | BPF_K, RET_KILL_PROCESS),
        STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
        STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
        STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
        STMT(BPF_ST, 5),
        STMT(BPF_LDX | BPF_W | BPF_MEM, 5),
        STMT(BPF_MISC | BPF_TXA, 0),
        STMT(BPF_ALU | BPF_DIV | BPF_K, 1),
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid * 3 + 1, 1, 0),
        STMT(BPF_RET | BPF_K, RET_ALLOW),
        STMT(BPF_LD | BPF_IMM, RET_ERRNO | ERANGE),
        STMT(BPF_RET | BPF_A, 0),
    };
    CHECK(install(f, sizeof f / sizeof f[0], 0) == 0);
    CHECK_ERRNO(syscall(SYS_getppid), ERANGE);
    CHECK(syscall(SYS_getpid) > 0);
}

static volatile int trap_signo, trap_code, trap_errno, trap_syscall, trap_rip_ok, trap_rax;
static volatile unsigned trap_arch;
static volatile int trap_addr_set;

static void on_sigsys(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    unsigned char *raw = (unsigned char *)info;
    void *call_addr;
    int nr;
    unsigned arch;
    memcpy(&call_addr, raw + 16, sizeof call_addr);
    memcpy(&nr, raw + 24, sizeof nr);
    memcpy(&arch, raw + 28, sizeof arch);
    trap_signo = sig;
    trap_code = info->si_code;
    trap_errno = info->si_errno;
    trap_syscall = nr;
    trap_arch = arch;
    trap_addr_set = call_addr != NULL;
    trap_rip_ok = (void *)uc->uc_mcontext.gregs[REG_RIP] == call_addr;
    trap_rax = (int)uc->uc_mcontext.gregs[REG_RAX];
}

/* TRAP: SIGSYS with SYS_SECCOMP, the filter's data in si_errno; the call returns RAX as it was. */
static void trap_case(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSYS, &sa, NULL) == 0);
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_TRAP | 0x42, 0) == 0);
    long r = syscall(SYS_getppid);
    printf("after the handler getppid returned %ld\n", r);
    printf("signo %d code %d (SYS_SECCOMP %d) errno 0x%x syscall %d arch 0x%x\n", trap_signo, trap_code,
           SYS_SECCOMP_CODE, trap_errno, trap_syscall, trap_arch);
    CHECK(trap_addr_set);
    CHECK(trap_rip_ok);
    CHECK(trap_rax == SYS_getppid);
}

/* TRAP with SIGSYS blocked: forced, so it kills. */
static void trap_blocked_case(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSYS);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_TRAP, 0) == 0);
    fflush(stdout);
    syscall(SYS_getppid);
    printf("FAIL still alive after a blocked TRAP\n");
}

static void kill_process_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_KILL_PROCESS, 0) == 0);
    fflush(stdout);
    syscall(SYS_getppid);
    printf("FAIL still alive after KILL_PROCESS\n");
}

static void kill_thread_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_KILL_THREAD, 0) == 0);
    fflush(stdout);
    syscall(SYS_getppid);
    printf("FAIL still alive after KILL_THREAD\n");
}

/* An unknown action is a kill. */
static void unknown_action_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, 0x00010000U, 0) == 0);
    fflush(stdout);
    syscall(SYS_getppid);
    printf("FAIL still alive after an unknown action\n");
}

/* Strict mode: read, write, exit and rt_sigreturn only (not even exit_group); no_new_privs not needed. */
static void strict_exit_case(void) {
    fflush(stdout);
    if (prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0) != 0) _exit(99);
    static const char msg[] = "strict mode: write works\n";
    write(1, msg, sizeof msg - 1);
    syscall(SYS_exit, 7);
}

static void strict_kill_case(void) {
    fflush(stdout);
    if (sc(SET_MODE_STRICT, 0, NULL) != 0) _exit(99);
    static const char msg[] = "strict mode: about to call getpid\n";
    write(1, msg, sizeof msg - 1);
    syscall(SYS_getpid);
    write(1, "FAIL alive\n", 11);
    syscall(SYS_exit, 0);
}

/* Every filter runs; the most severe action wins, and among equals the newest filter's data. */
static void stacking_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 5, 0) == 0);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 6, 0) == 0);
    CHECK_ERRNO(syscall(SYS_getppid), 6);
    CHECK(filter_one(SYS_getppid, RET_ALLOW, 0) == 0);
    CHECK(filter_one(SYS_getppid, RET_LOG, 0) == 0);
    CHECK(filter_one(SYS_getppid, RET_TRACE, 0) == 0);
    CHECK(filter_one(SYS_getppid, RET_USER_NOTIF, 0) == 0);
    CHECK_ERRNO(syscall(SYS_getppid), 6);
    CHECK(filter_one(SYS_gettid, RET_USER_NOTIF, 0) == 0);
    CHECK(filter_one(SYS_gettid, RET_TRACE, 0) == 0);
    CHECK(filter_one(SYS_gettid, RET_LOG, 0) == 0);
    CHECK_ERRNO(syscall(SYS_gettid), ENOSYS);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 9, 0) == 0);
    CHECK_ERRNO(syscall(SYS_getppid), 9);
    struct bpf_insn all_allow[] = { STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK(install(all_allow, 1, 0) == 0);
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER);
    CHECK(prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0) == -1 && errno == EINVAL); /* filter -> strict */
}

static void inherit_fork_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | EDOM, 0) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        CHECK_ERRNO(syscall(SYS_getppid), EDOM);
        CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER);
        CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
        fflush(stdout);
        _exit(guest_failures ? 1 : 0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void inherit_exec_case(void) {
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | EDOM, 0) == 0);
    CHECK(filter_one(SYS_getpid, RET_ERRNO | ESRCH, 0) == 0);
    fflush(stdout);
    char *argv[] = { (char *)"seccomp", (char *)"exec-child", NULL };
    execv(self_path, argv);
    printf("FAIL execv: %s\n", strerror(errno));
}

/* The image execve started: the filters and no_new_privs came along. */
static int exec_child(void) {
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    CHECK_ERRNO(syscall(SYS_getppid), EDOM);
    for (int i = 0; i < 5; i++) printf("exec'ed getpid() = %d\n", (int)getpid());
    return guest_failures ? 1 : 0;
}

static void invalid_case(void) {
    CHECK(nnp() == 0);
    struct bpf_insn ok[] = { STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(ok, 0, 0), EINVAL);
    static struct bpf_insn big[4097];
    for (int i = 0; i < 4097; i++) big[i] = (struct bpf_insn)STMT(BPF_RET | BPF_K, RET_ALLOW);
    CHECK_ERRNO(install(big, 4097, 0), EINVAL);
    struct bpf_insn bad_opcode[] = { STMT(0xffff, 0), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(bad_opcode, 2, 0), EINVAL);
    struct bpf_insn far_jump[] = { STMT(BPF_JMP | BPF_JA, 1), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(far_jump, 2, 0), EINVAL);
    struct bpf_insn far_branch[] = { JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(far_branch, 2, 0), EINVAL);
    struct bpf_insn past_data[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 64), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(past_data, 2, 0), EINVAL);
    struct bpf_insn unaligned[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 2), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(unaligned, 2, 0), EINVAL);
    struct bpf_insn byte_load[] = { STMT(BPF_LD | BPF_B | BPF_ABS, 0), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(byte_load, 2, 0), EINVAL);
    struct bpf_insn no_ret[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 0) };
    CHECK_ERRNO(install(no_ret, 1, 0), EINVAL);
    struct bpf_insn unset_memory[] = { STMT(BPF_LD | BPF_MEM, 3), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(unset_memory, 2, 0), EINVAL);
    struct bpf_insn modulo[] = { STMT(BPF_ALU | BPF_MOD | BPF_K, 3), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(modulo, 2, 0), EINVAL);
    struct bpf_insn div_zero[] = { STMT(BPF_ALU | BPF_DIV | BPF_K, 0), STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(div_zero, 2, 0), EINVAL);
    /* Memory stored on one branch only is not stored on every path. */
    struct bpf_insn one_path[] = {
        JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
        STMT(BPF_ST, 0),
        STMT(BPF_LD | BPF_MEM, 0),
        STMT(BPF_RET | BPF_A, 0),
    };
    CHECK_ERRNO(install(one_path, 4, 0), EINVAL);
    CHECK_ERRNO(install(ok, 1, 0x80), EINVAL);
    CHECK_ERRNO(sc(SET_MODE_FILTER, 0, (void *)8), EFAULT);
    CHECK_ERRNO(install((struct bpf_insn *)8, 1, 0), EFAULT);
    CHECK_ERRNO(sc(99, 0, NULL), EINVAL);
    CHECK_ERRNO(sc(SET_MODE_STRICT, 1, NULL), EINVAL);
    CHECK_ERRNO(prctl(PR_SET_SECCOMP, 3, 0, 0, 0), EINVAL);
    uint32_t actions[] = { RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO, RET_TRACE, RET_LOG, RET_ALLOW };
    for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        printf("action 0x%08x available: %ld\n", actions[i], sc(GET_ACTION_AVAIL, 0, &actions[i]));
    }
    uint32_t unknown = 0x00010000;
    CHECK_ERRNO(sc(GET_ACTION_AVAIL, 0, &unknown), EOPNOTSUPP);
    CHECK_ERRNO(sc(GET_ACTION_AVAIL, 1, &unknown), EINVAL);
    /* None of these installed anything. */
    CHECK(syscall(SYS_getppid) > 0);
}

/* Without no_new_privs and without CAP_SYS_ADMIN (root dropped), filters are refused; strict mode is not. */
static void eacces_case(void) {
    if (geteuid() == 0) CHECK(setuid(65534) == 0);
    CHECK(geteuid() != 0);
    struct bpf_insn ok[] = { STMT(BPF_RET | BPF_K, RET_ALLOW) };
    CHECK_ERRNO(install(ok, 0, 0), EINVAL); /* the length is checked first */
    CHECK_ERRNO(install(ok, 1, 0), EACCES);
    CHECK_ERRNO(install((struct bpf_insn *)8, 1, 0), EACCES); /* before the instructions are read */
    struct bpf_prog prog = { 1, ok };
    CHECK_ERRNO(prctl(PR_SET_SECCOMP, MODE_FILTER, &prog, 0, 0), EACCES);
    CHECK(nnp() == 0);
    CHECK(prctl(PR_SET_SECCOMP, MODE_FILTER, &prog, 0, 0) == 0);
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER);
}

/* Threads: filters are per thread; TSYNC gives the caller's to all, with no_new_privs. */
static int to_thread[2], to_main[2];
static volatile int thread_tid;

/* Hand-offs between the two threads print only when they fail, so the output keeps one order. */
static void step(int fd) {
    char c = 0;
    if (write(fd, &c, 1) != 1) {
        printf("FAIL step write\n");
        guest_failures++;
    }
}

static void await_step(int fd) {
    char c;
    if (read(fd, &c, 1) != 1) {
        printf("FAIL step read\n");
        guest_failures++;
    }
}

static void *thread_main(void *arg) {
    (void)arg;
    thread_tid = (int)syscall(SYS_gettid);
    await_step(to_thread[0]);
    printf("thread: nnp %d, getppid %s\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
           syscall(SYS_getppid) > 0 ? "works" : "fails");
    step(to_main[1]);
    await_step(to_thread[0]);
    errno = 0;
    long r = syscall(SYS_getppid);
    printf("thread after TSYNC: nnp %d, seccomp %d, getppid %ld errno %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
           prctl(PR_GET_SECCOMP, 0, 0, 0, 0), r, errno);
    CHECK(filter_one(SYS_getuid, RET_ERRNO | 1, 0) == 0); /* a filter of its own: no longer syncable */
    step(to_main[1]);
    await_step(to_thread[0]);
    return NULL;
}

static void tsync_case(void) {
    CHECK(pipe(to_thread) == 0 && pipe(to_main) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0);
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 11, 0) == 0);
    step(to_thread[1]);
    await_step(to_main[0]);
    CHECK(filter_one(SYS_getppid, RET_ERRNO | 12, FLAG_TSYNC) == 0);
    CHECK_ERRNO(syscall(SYS_getppid), 12);
    step(to_thread[1]);
    await_step(to_main[0]);
    long r = filter_one(SYS_getppid, RET_ERRNO | 13, FLAG_TSYNC);
    CHECK(r == thread_tid);
    CHECK_ERRNO(filter_one(SYS_getppid, RET_ERRNO | 13, FLAG_TSYNC | FLAG_TSYNC_ESRCH), ESRCH);
    step(to_thread[1]);
    CHECK(pthread_join(th, NULL) == 0);
}

/*
 * KILL_THREAD of one thread of several: that thread ends alone. (Not joined: musl's pthread_join waits
 * for a word only the thread's own exit path sets; the thread is watched with tgkill instead.)
 */
static volatile int filtered_tid;

static void *filtered_thread(void *arg) {
    (void)arg;
    filtered_tid = (int)syscall(SYS_gettid);
    if (nnp() != 0 || filter_one(SYS_getppid, RET_KILL_THREAD, 0) != 0) return NULL;
    syscall(SYS_getppid);
    printf("FAIL the thread survived KILL_THREAD\n");
    return NULL;
}

static void kill_one_thread_case(void) {
    pthread_t th;
    CHECK(pthread_create(&th, NULL, filtered_thread, NULL) == 0);
    int gone = 0;
    for (int i = 0; i < 500 && !gone; i++) {
        struct timespec pause = { 0, 10 * 1000 * 1000 };
        nanosleep(&pause, NULL);
        gone = filtered_tid != 0 && syscall(SYS_tgkill, getpid(), filtered_tid, 0) == -1 && errno == ESRCH;
    }
    CHECK(gone);
    CHECK(syscall(SYS_getppid) > 0);
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);
}

/* The leader killed alone: the process ends when its last thread exits, with the leader's SIGSYS. */
static void *survivor(void *arg) {
    (void)arg;
    await_step(to_thread[0]);
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    syscall(SYS_exit, 5);
    return NULL;
}

static void kill_leader_case(void) {
    CHECK(pipe(to_thread) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, survivor, NULL) == 0);
    CHECK(nnp() == 0);
    CHECK(filter_one(SYS_getppid, RET_KILL_THREAD, 0) == 0);
    fflush(stdout);
    step(to_thread[1]);
    syscall(SYS_getppid);
    printf("FAIL the leader survived KILL_THREAD\n");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0) return exec_child();
    in_child("errno", errno_case);
    in_child("compute", compute_case);
    in_child("trap", trap_case);
    in_child("trap blocked", trap_blocked_case);
    in_child("kill process", kill_process_case);
    in_child("kill thread", kill_thread_case);
    in_child("unknown action", unknown_action_case);
    in_child("strict exit", strict_exit_case);
    in_child("strict kill", strict_kill_case);
    in_child("stacking", stacking_case);
    in_child("fork", inherit_fork_case);
    in_child("exec", inherit_exec_case);
    in_child("invalid", invalid_case);
    in_child("eacces", eacces_case);
    in_child("tsync", tsync_case);
    in_child("kill one thread", kill_one_thread_case);
    in_child("kill the leader", kill_leader_case);
    return guest_finish();
}
