/*
 * ptrace(2) from a tracer inside the guest: PTRACE_TRACEME and a self-sent SIGSTOP, syscall stops with
 * PTRACE_O_TRACESYSGOOD, GETREGS/SETREGS (changing and cancelling a call), PEEKDATA/POKEDATA,
 * PTRACE_GET_SYSCALL_INFO, a signal replaced at its delivery stop, PTRACE_O_TRACEFORK with
 * GETEVENTMSG and the traced grandchild's exit, PTRACE_O_TRACEEXEC, DETACH, KILL, SEIZE + INTERRUPT,
 * and the errors; a debugger's breakpoints: POKETEXT and /proc/PID/mem writes into read-only code that already
 * ran, int3's SIGTRAP, PTRACE_SINGLESTEP and the debug status register. Prints no pid or address: only
 * statuses, syscall numbers and comparisons.
 */
#include "guest.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/* PTRACE_GET_SYSCALL_INFO's structure, spelled out: the libcs' headers do not all have it. */
#define GET_SYSCALL_INFO 0x420e
#define INFO_ENTRY 1
#define INFO_EXIT 2
struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    union {
        struct {
            uint64_t nr;
            uint64_t args[6];
        } entry;
        struct {
            int64_t rval;
            uint8_t is_error;
        } exit;
    };
};
#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#endif

/* Written by the tracer (POKEDATA) and by the child; read back by the tracer (PEEKDATA). */
static volatile long shared_word = 0x1234;
/* What the child saw, read by the tracer at the child's exit_group entry. */
static volatile long results[8];
static volatile int handled_signal;

/* A check inside a loop: printed only when it fails, so the output does not depend on the loop count. */
#define CHECK_QUIET(cond)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("FAIL %s (line %d)\n", #cond, __LINE__);                   \
            guest_failures++;                                                  \
        }                                                                      \
    } while (0)

static void on_signal(int sig) {
    handled_signal = sig;
}

static long raw(long nr, long a, long b, long c) {
    return syscall(nr, a, b, c);
}

/* waitpid that retries EINTR and reports the status word. */
static int wait_for(pid_t pid, int flags) {
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, flags);
    } while (r < 0 && errno == EINTR);
    if (r != pid) printf("FAIL waitpid returned %s\n", r < 0 ? strerror(errno) : "another pid");
    return status;
}

static int syscall_stop(int status) {
    return WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80);
}

/* The child of the syscall test: only raw calls, so the trace does not depend on the libc. */
static void traced_child(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
    pid_t self = (pid_t) raw(SYS_getpid, 0, 0, 0);
    raw(SYS_kill, self, SIGSTOP, 0);
    results[0] = raw(SYS_getppid, 0, 0, 0);    /* the tracer turns it into getpid */
    results[1] = raw(SYS_getuid, 0, 0, 0);     /* the tracer cancels it: 42 */
    results[2] = raw(SYS_lseek, -1, 0x1234, SEEK_SET); /* EBADF, looked at with GET_SYSCALL_INFO */
    results[3] = shared_word;                  /* poked by the tracer */
    results[4] = self;
    raw(SYS_kill, self, SIGUSR1, 0);           /* replaced by SIGUSR2 at its delivery stop */
    results[5] = handled_signal;
    raw(SYS_exit_group, 7, 0, 0);
}

static void test_syscalls(void) {
    printf("-- syscall stops\n");
    pid_t child = fork();
    if (child == 0) traced_child();
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_SETOPTIONS, child, NULL, (void *) PTRACE_O_TRACESYSGOOD) == 0);
    CHECK(ptrace(PTRACE_PEEKDATA, child, (void *) &shared_word, NULL) == 0x1234);
    CHECK(ptrace(PTRACE_POKEDATA, child, (void *) &shared_word, (void *) 0x5678) == 0);

    int entry = 1, stops = 0, saw_info = 0, cancelled = 0;
    for (;;) {
        CHECK_QUIET(ptrace(PTRACE_SYSCALL, child, NULL, NULL) == 0);
        status = wait_for(child, 0);
        if (WIFEXITED(status)) {
            printf("child exited with %d\n", WEXITSTATUS(status));
            break;
        }
        if (!syscall_stop(status)) {
            int sig = WSTOPSIG(status);
            printf("signal-delivery-stop: %s\n", sig == SIGUSR1 ? "SIGUSR1" : "other");
            siginfo_t si;
            CHECK(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_signo == SIGUSR1 && si.si_code == SI_USER);
            /* The tracer delivers SIGUSR2 instead. */
            CHECK(ptrace(PTRACE_SYSCALL, child, NULL, (void *) SIGUSR2) == 0);
            status = wait_for(child, 0);
            /* The next stop: rt_sigreturn of the SIGUSR2 handler's frame, at its entry. */
            entry = 1;
            if (!syscall_stop(status)) {
                printf("FAIL no syscall stop after the signal\n");
                break;
            }
        }
        struct user_regs_struct regs;
        CHECK_QUIET(ptrace(PTRACE_GETREGS, child, NULL, &regs) == 0);
        long nr = (long) regs.orig_rax;
        if (entry) {
            if (stops++ == 0) CHECK((long) regs.rax == -ENOSYS);
            printf("entry %ld\n", nr);
            if (nr == SYS_getppid) {
                regs.orig_rax = SYS_getpid;
                CHECK(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
            } else if (nr == SYS_getuid) {
                regs.orig_rax = (unsigned long) -1;
                CHECK(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
                cancelled = 1;
            } else if (nr == SYS_lseek) {
                struct syscall_info info;
                long n = ptrace(GET_SYSCALL_INFO, child, (void *) sizeof info, &info);
                CHECK(n == 80 && info.op == INFO_ENTRY && info.arch == AUDIT_ARCH_X86_64);
                CHECK(info.entry.nr == SYS_lseek && (long) info.entry.args[0] == -1 && info.entry.args[1] == 0x1234);
                saw_info = 1;
            } else if (nr == SYS_exit_group) {
                errno = 0;
                long r0 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[0], NULL);
                long r1 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[1], NULL);
                long r2 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[2], NULL);
                long r3 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[3], NULL);
                long r4 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[4], NULL);
                long r5 = ptrace(PTRACE_PEEKDATA, child, (void *) &results[5], NULL);
                CHECK(errno == 0);
                CHECK(r0 == r4); /* getppid ran as getpid */
                CHECK(r1 == 42);
                CHECK(r2 == -1); /* syscall(2) returns -1 with errno EBADF */
                CHECK(r3 == 0x5678);
                CHECK(r5 == SIGUSR2);
                CHECK(regs.rdi == 7);
            }
        } else {
            printf("exit  %ld\n", nr);
            if (cancelled) {
                /* The cancelled getuid (orig_rax -1): its result is what the tracer puts in rax. */
                cancelled = 0;
                regs.rax = 42;
                CHECK(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
            } else if (nr == SYS_lseek) {
                struct syscall_info info;
                long n = ptrace(GET_SYSCALL_INFO, child, (void *) sizeof info, &info);
                CHECK(n == 33 && info.op == INFO_EXIT && info.exit.rval == -EBADF && info.exit.is_error == 1);
            }
        }
        entry = !entry;
    }
    CHECK(saw_info);
}

/* PTRACE_O_TRACEFORK: the grandchild is traced from its first instruction; the tracer sees its end first. */
static void test_fork_event(void) {
    printf("-- fork event\n");
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        raise(SIGSTOP);
        pid_t g = fork();
        if (g == 0) _exit(9);
        int st = 0;
        while (waitpid(g, &st, 0) < 0 && errno == EINTR) {
        }
        _exit(WIFEXITED(st) ? 20 + WEXITSTATUS(st) : 99);
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_SETOPTIONS, child, NULL, (void *) (PTRACE_O_TRACEFORK | PTRACE_O_EXITKILL)) == 0);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && status >> 8 == (SIGTRAP | (PTRACE_EVENT_FORK << 8)));
    unsigned long msg = 0;
    CHECK(ptrace(PTRACE_GETEVENTMSG, child, NULL, &msg) == 0);
    pid_t grandchild = (pid_t) msg;
    CHECK(grandchild > 0 && grandchild != child);
    status = wait_for(grandchild, __WALL);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_CONT, grandchild, NULL, NULL) == 0);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(grandchild, __WALL);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
    /* The grandchild's SIGCHLD stops the traced child, though its action is to ignore it. */
    while (WIFSTOPPED(status = wait_for(child, 0))) {
        printf("signal-delivery-stop: %s\n", WSTOPSIG(status) == SIGCHLD ? "SIGCHLD" : "other");
        CHECK(ptrace(PTRACE_CONT, child, NULL, (void *) (long) WSTOPSIG(status)) == 0);
    }
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* PTRACE_O_TRACEEXEC: PTRACE_EVENT_EXEC; without it, a SIGTRAP after the exec. */
static void test_exec(int with_option) {
    printf("-- exec %s\n", with_option ? "event" : "sigtrap");
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        raise(SIGSTOP);
        char *argv[] = {"ptrace", "exec-child", NULL};
        execv("/proc/self/exe", argv);
        _exit(101);
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    if (with_option) CHECK(ptrace(PTRACE_SETOPTIONS, child, NULL, (void *) PTRACE_O_TRACEEXEC) == 0);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    if (with_option) {
        CHECK(WIFSTOPPED(status) && status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)));
        unsigned long msg = 0;
        CHECK(ptrace(PTRACE_GETEVENTMSG, child, NULL, &msg) == 0 && (pid_t) msg == child);
    } else {
        CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP && status >> 16 == 0);
    }
    /* The tracee stops in the new image: detach and let it end as it would. */
    CHECK(ptrace(PTRACE_DETACH, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void test_kill_and_errors(void) {
    printf("-- kill and errors\n");
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        CHECK_ERRNO(ptrace(PTRACE_TRACEME, 0, NULL, NULL), EPERM);
        fflush(stdout);
        raise(SIGSTOP);
        for (;;) pause();
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK_ERRNO(ptrace(PTRACE_ATTACH, getpid(), NULL, NULL), EPERM);
    CHECK_ERRNO(ptrace(PTRACE_GETEVENTMSG, getpid(), NULL, NULL), ESRCH);
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKUSER, child, (void *) offsetof(struct user_regs_struct, orig_rax), NULL) != -1 || errno == 0);
    CHECK_ERRNO(ptrace(PTRACE_PEEKUSER, child, (void *) 3, NULL), EIO);
    CHECK_ERRNO(ptrace(PTRACE_PEEKDATA, child, (void *) 8, NULL), EIO);
    CHECK_ERRNO(ptrace(PTRACE_SETOPTIONS, child, NULL, (void *) 0x40000000), EINVAL);
    CHECK_ERRNO(ptrace(PTRACE_INTERRUPT, child, NULL, NULL), EIO); /* not seized */
    struct user_regs_struct regs;
    struct iovec iov = {&regs, sizeof regs};
    CHECK(ptrace(PTRACE_GETREGSET, child, (void *) NT_PRSTATUS, &iov) == 0 && iov.iov_len == sizeof regs);
    CHECK_ERRNO(ptrace(PTRACE_GETREGSET, child, (void *) 0x999, &iov), EINVAL);
    struct user_fpregs_struct fp;
    CHECK(ptrace(PTRACE_GETFPREGS, child, NULL, &fp) == 0 && fp.mxcr_mask != 0 && fp.cwd == 0x37f);
    CHECK(ptrace(PTRACE_KILL, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK_ERRNO(ptrace(PTRACE_CONT, child, NULL, NULL), ESRCH);
}

/* PTRACE_SEIZE does not stop the tracee; PTRACE_INTERRUPT does, as a PTRACE_EVENT_STOP. */
static void test_seize(void) {
    printf("-- seize\n");
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        CHECK_QUIET(write(ready[1], "x", 1) == 1);
        for (;;) pause();
    }
    close(ready[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    CHECK(ptrace(PTRACE_SEIZE, child, NULL, (void *) PTRACE_O_TRACESYSGOOD) == 0);
    CHECK_ERRNO(ptrace(PTRACE_GETREGS, child, NULL, NULL), ESRCH); /* running: not stopped */
    CHECK(ptrace(PTRACE_INTERRUPT, child, NULL, NULL) == 0);
    int status = wait_for(child, __WALL);
    CHECK(WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGTRAP);
    CHECK(ptrace(PTRACE_DETACH, child, NULL, NULL) == 0);
    kill(child, SIGKILL);
    status = wait_for(child, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* What StraceTest traces with /usr/bin/strace -f: a few calls whose trace is the same everywhere. */
static int strace_target(void) {
    char buf[1];
    CHECK_ERRNO(open("/nonexistent", O_RDONLY), ENOENT);
    CHECK(read(0, buf, 0) == 0);
    pid_t child = fork();
    if (child == 0) _exit(3);
    int status = wait_for(child, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    return 0;
}

/* A stop signal the tracer injects becomes a group-stop, which has no siginfo; CONT runs the tracee on. */
static void test_group_stop(void) {
    printf("-- group stop\n");
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        raise(SIGSTOP);
        _exit(12);
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_signo == SIGSTOP);
    CHECK(ptrace(PTRACE_CONT, child, NULL, (void *) SIGSTOP) == 0);
    status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK_ERRNO(ptrace(PTRACE_GETSIGINFO, child, NULL, &si), EINVAL);
    CHECK_ERRNO(ptrace(PTRACE_SETSIGINFO, child, NULL, &si), EINVAL);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/*
 * strace's start: the child stops itself, the tracer seizes and interrupts it (a PTRACE_EVENT_STOP with
 * SIGSTOP), sends SIGCONT and listens (a PTRACE_EVENT_STOP with SIGTRAP once continued), then sees
 * SIGCONT's delivery.
 */
static void test_seize_stopped(void) {
    printf("-- seize a stopped process\n");
    pid_t child = fork();
    if (child == 0) {
        raise(SIGSTOP);
        _exit(13);
    }
    int status = wait_for(child, WUNTRACED);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_SEIZE, child, NULL, (void *) PTRACE_O_TRACESYSGOOD) == 0);
    CHECK(ptrace(PTRACE_INTERRUPT, child, NULL, NULL) == 0);
    CHECK(kill(child, SIGCONT) == 0);
    status = wait_for(child, __WALL);
    CHECK(WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_LISTEN, child, NULL, NULL) == 0);
    status = wait_for(child, __WALL);
    CHECK(WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGTRAP);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, __WALL);
    CHECK(WIFSTOPPED(status) && status >> 16 == 0 && WSTOPSIG(status) == SIGCONT);
    CHECK(ptrace(PTRACE_CONT, child, NULL, (void *) SIGCONT) == 0);
    status = wait_for(child, __WALL);
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* ---- a debugger's requests: breakpoints in read-only code, single steps, debug registers, /proc/PID/mem ---- */

#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif
#define DR6_RESERVED 0xffff0ff0UL
#define DR6_BS 0x4000UL
#define DEBUGREG(n) ((void *) (offsetof(struct user, u_debugreg) + 8 * (n)))

/* Called through volatile pointers, so the compiler can neither inline nor clone them. */
__attribute__((noinline)) int bp_add(int a, int b) {
    __asm__ volatile("");
    return a + 3 * b;
}
__attribute__((noinline)) int bp_mul(int a, int b) {
    __asm__ volatile("");
    return a * b + 1;
}
static int (*volatile call_add)(int, int) = bp_add;
static int (*volatile call_mul)(int, int) = bp_mul;

/* Both functions run before the tracer patches them, so their old translations must be dropped. */
static int debuggee_sum(void) {
    int r = 0;
    for (int i = 0; i < 3; i++) r += call_add(i, 1);
    return r + call_mul(4, 5);
}

static volatile int trap_code = -1;
static void *volatile trap_addr = (void *) 1;
static void on_trap(int sig, siginfo_t *si, void *ctx) {
    (void) sig;
    (void) ctx;
    trap_code = si->si_code;
    trap_addr = si->si_addr;
}

/* Stopped at a breakpoint: SIGTRAP from int3 (SI_KERNEL, no address) with rip just past the 0xcc. */
static void expect_breakpoint(pid_t child, void *at, struct user_regs_struct *regs) {
    int status = wait_for(child, 0);
    CHECK_QUIET(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
    siginfo_t si;
    CHECK_QUIET(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_signo == SIGTRAP);
    CHECK_QUIET(si.si_code == SI_KERNEL && si.si_addr == NULL);
    CHECK_QUIET(ptrace(PTRACE_GETREGS, child, NULL, regs) == 0 && regs->rip == (uintptr_t) at + 1);
}

static void test_breakpoints(void) {
    printf("-- breakpoints and single steps\n");
    /* int3 in a process nobody traces: SIGTRAP with si_code SI_KERNEL and no address, as do_int3 sends it. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &sa, NULL);
    __asm__ volatile("int3");
    CHECK(trap_code == SI_KERNEL && trap_addr == NULL);
    signal(SIGTRAP, SIG_DFL);

    int expected = debuggee_sum();
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        int warm = debuggee_sum();
        raise(SIGSTOP);
        _exit((debuggee_sum() + warm) & 0x7f);
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    void *add = (void *) bp_add, *mul = (void *) bp_mul;
    errno = 0;
    long word = ptrace(PTRACE_PEEKTEXT, child, add, NULL);
    CHECK(errno == 0 && word == *(long *) add); /* the code as the program has it */
    long trapped = (word & ~0xffL) | 0xcc;
    CHECK(ptrace(PTRACE_POKETEXT, child, add, (void *) trapped) == 0); /* into read-only code */
    CHECK(ptrace(PTRACE_PEEKTEXT, child, add, NULL) == trapped);
    CHECK(*(long *) add == word); /* the tracer's own copy of the code is untouched */
    CHECK(ptrace(PTRACE_PEEKUSER, child, DEBUGREG(6), NULL) == (long) DR6_RESERVED);
    CHECK(ptrace(PTRACE_PEEKUSER, child, DEBUGREG(7), NULL) == 0);
    CHECK(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), NULL) == 0);
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(4), NULL), EIO);
    /*
     * What DR7 may arm: no I/O breakpoint, a one-byte instruction breakpoint, a watched range aligned to its
     * length, user addresses only. (Whether an armed watchpoint fires is not compared: some virtual
     * machines never raise it; GdbTest compares gdb's hardware watchpoint with its software one.)
     */
    static long watched[2];
    CHECK(ptrace(PTRACE_POKEUSER, child, DEBUGREG(0), (void *) ((long) &watched[1] + 1)) == 0);
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), (void *) (1L | 1L << 16 | 3L << 18)), EINVAL);
    CHECK(ptrace(PTRACE_POKEUSER, child, DEBUGREG(0), (void *) &watched[1]) == 0);
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), (void *) (1L | 2L << 16 | 3L << 18)), EINVAL);
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), (void *) (1L | 3L << 18)), EINVAL);
    CHECK(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), (void *) (1L | 1L << 16 | 3L << 18)) == 0);
    CHECK(ptrace(PTRACE_PEEKUSER, child, DEBUGREG(7), NULL) == (1L | 1L << 16 | 3L << 18));
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(0), (void *) 0x7ffffffff000L), EINVAL);
    CHECK(ptrace(PTRACE_PEEKUSER, child, DEBUGREG(0), NULL) == (long) &watched[1]);
    CHECK_ERRNO(ptrace(PTRACE_POKEUSER, child, DEBUGREG(1), (void *) -1L), EINVAL);
    CHECK(ptrace(PTRACE_POKEUSER, child, DEBUGREG(7), NULL) == 0);

    /* Each of the three calls hits the breakpoint; the tracer steps over it as gdb does. */
    int hits = 0, steps_ok = 1;
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        expect_breakpoint(child, add, &regs);
        hits++;
        if (i == 0) {
            /* A tracee in a ptrace stop shows as 't (tracing stop)' with its tracer in /proc/PID/status. */
            char status_path[64], text[4096];
            snprintf(status_path, sizeof status_path, "/proc/%d/status", (int) child);
            int fd = open(status_path, O_RDONLY);
            ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
            text[n > 0 ? n : 0] = 0;
            if (fd >= 0) close(fd);
            char tracer[32];
            snprintf(tracer, sizeof tracer, "\nTracerPid:\t%d\n", (int) getpid());
            CHECK(strstr(text, "\nState:\tt (tracing stop)\n") != NULL);
            CHECK(strstr(text, tracer) != NULL);
            /* PTRACE_SETSIGINFO replaces what GETSIGINFO answers for this stop. */
            siginfo_t si;
            CHECK(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0);
            si.si_errno = 77;
            CHECK(ptrace(PTRACE_SETSIGINFO, child, NULL, &si) == 0);
            memset(&si, 0, sizeof si);
            CHECK(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_errno == 77 && si.si_signo == SIGTRAP);
        }
        CHECK_QUIET(ptrace(PTRACE_POKETEXT, child, add, (void *) word) == 0);
        regs.rip--;
        CHECK_QUIET(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
        CHECK_QUIET(ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) == 0);
        status = wait_for(child, 0);
        siginfo_t si;
        struct user_regs_struct after;
        CHECK_QUIET(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
        CHECK_QUIET(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_code == TRAP_TRACE);
        CHECK_QUIET(ptrace(PTRACE_GETREGS, child, NULL, &after) == 0);
        /* One instruction of bp_add ran: rip moved into its body, and the trap flag does not show. */
        steps_ok &= after.rip > (uintptr_t) add && after.rip < (uintptr_t) add + 16;
        steps_ok &= si.si_addr == (void *) after.rip && (after.eflags & 0x100) == 0;
        steps_ok &= (unsigned long) ptrace(PTRACE_PEEKUSER, child, DEBUGREG(6), NULL) == (DR6_RESERVED | DR6_BS);
        if (i == 2) break; /* the breakpoint stays removed; the child stays stopped after its step */
        CHECK_QUIET(ptrace(PTRACE_POKETEXT, child, add, (void *) trapped) == 0);
        CHECK_QUIET(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    }
    CHECK(hits == 3 && steps_ok);
    /* Now bp_mul gets a breakpoint through /proc/PID/mem. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int) child);
    int mem = open(path, O_RDWR);
    CHECK(mem >= 0);
    unsigned char original, probe, int3 = 0xcc;
    CHECK(pread(mem, &original, 1, (off_t) (uintptr_t) mul) == 1 && original == *(unsigned char *) mul);
    CHECK(pwrite(mem, &int3, 1, (off_t) (uintptr_t) mul) == 1);
    CHECK_ERRNO(pread(mem, &probe, 1, 8), EIO); /* nothing is mapped there */
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    expect_breakpoint(child, mul, &regs);
    CHECK(pwrite(mem, &original, 1, (off_t) (uintptr_t) mul) == 1);
    CHECK(pread(mem, &probe, 1, (off_t) (uintptr_t) mul) == 1 && probe == original);
    regs.rip--;
    CHECK(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == ((2 * expected) & 0x7f));
    close(mem);
}

/* Six instructions at a known place: getpid's number, syscall, nop, mov, pushf, pop. */
extern char step_sequence[];
__attribute__((noinline, noclone)) void step_target(void) {
    __asm__ volatile(".globl step_sequence\nstep_sequence:\n"
                     "mov $39, %%eax\n syscall\n nop\n mov $1, %%ecx\n pushf\n pop %%rdx\n"
                     ::: "rax", "rcx", "rdx", "r11", "memory");
}

/*
 * PTRACE_SINGLESTEP instruction by instruction: TRAP_TRACE with si_addr at the next instruction, except over
 * syscall, which Linux reports at the call's exit as TRAP_BRKPT after the call ran; pushf sees the trap flag.
 */
static void test_step_sequence(void) {
    printf("-- single steps over a syscall\n");
    pid_t child = fork();
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(100);
        raise(SIGSTOP);
        step_target();
        _exit(14);
    }
    int status = wait_for(child, 0);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    long word = ptrace(PTRACE_PEEKTEXT, child, step_sequence, NULL);
    CHECK(ptrace(PTRACE_POKETEXT, child, step_sequence, (void *) ((word & ~0xffL) | 0xcc)) == 0);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    struct user_regs_struct regs;
    expect_breakpoint(child, step_sequence, &regs);
    CHECK(ptrace(PTRACE_POKETEXT, child, step_sequence, (void *) word) == 0);
    regs.rip--;
    CHECK(ptrace(PTRACE_SETREGS, child, NULL, &regs) == 0);
    for (int i = 0; i < 6; i++) {
        CHECK_QUIET(ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) == 0);
        status = wait_for(child, 0);
        siginfo_t si;
        CHECK_QUIET(ptrace(PTRACE_GETSIGINFO, child, NULL, &si) == 0 && si.si_signo == SIGTRAP);
        CHECK_QUIET(ptrace(PTRACE_GETREGS, child, NULL, &regs) == 0);
        printf("step %d: %s, si_code %d, si_addr %s, rip at +%ld, rax %s, pushed TF %d\n", i,
               WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP ? "SIGTRAP" : "other", si.si_code,
               si.si_addr == (void *) regs.rip ? "rip" : "elsewhere", (long) (regs.rip - (uintptr_t) step_sequence),
               (pid_t) regs.rax == child ? "pid" : (long) regs.rax == 39 ? "39" : "other", (regs.rdx & 0x100) != 0);
    }
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    status = wait_for(child, 0);
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0) return 11;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "strace-target") == 0) return strace_target();
    test_syscalls();
    test_fork_event();
    test_exec(1);
    test_exec(0);
    test_kill_and_errors();
    test_seize();
    test_group_stop();
    test_seize_stopped();
    test_breakpoints();
    test_step_sequence();
    return guest_failures != 0;
}
