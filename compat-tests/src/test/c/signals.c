/* signals to self: signal(), SA_SIGINFO, fault siginfo, masking + sigpending, sigaltstack, SA_RESETHAND, kill, timers,
 * and a blocking read interrupted by a handler with and without SA_RESTART. */
#define _GNU_SOURCE
#include "guest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count, alrm_count, reset_count;
static volatile int info_signo, info_code, info_pid_ok;
static volatile int segv_addr_ok, segv_code;
static sigjmp_buf env;
static char *alt_base;
static size_t alt_size;
static volatile int on_alt, alt_flag_onstack;

static void on_usr1(int sig) { if (sig == SIGUSR1) usr1_count++; }
static void on_alrm(int sig) { (void)sig; alrm_count++; }
static void on_reset(int sig) { (void)sig; reset_count++; }

static void on_usr2(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    usr2_count++;
    info_signo = si->si_signo;
    info_code = si->si_code;
    info_pid_ok = si->si_pid == getpid();
}

static void on_segv(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    segv_addr_ok = si->si_addr == (void *)16;
    segv_code = si->si_code;
    siglongjmp(env, 1);
}

static void on_alt_stack(int sig) {
    (void)sig;
    char local;
    on_alt = (char *)&local >= alt_base && (char *)&local < alt_base + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flag_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
}

static const char *code_name(int c) {
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SEGV_MAPERR: return "SEGV_MAPERR";
    case SEGV_ACCERR: return "SEGV_ACCERR";
    default: return "other";
    }
}

/*
 * A handler interrupts a read blocked on an empty pipe (a child writes long after the timer fires): with
 * SA_RESTART the read resumes and returns the byte, the kernel re-running the syscall (ERESTARTSYS);
 * without it the read fails with EINTR.
 */
static void blocked_read_after_handler(int restart) {
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        struct timespec ts = {0, 250000000};
        nanosleep(&ts, NULL);
        _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
    }
    close(p[1]);
    struct sigaction sa = {0};
    sa.sa_handler = on_alrm;
    sa.sa_flags = restart ? SA_RESTART : 0;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    int before = alrm_count;
    struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = 20000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    char x = 0;
    if (restart) {
        CHECK(read(p[0], &x, 1) == 1 && x == 'x');
    } else {
        CHECK_ERRNO(read(p[0], &x, 1), EINTR);
        CHECK(read(p[0], &x, 1) == 1 && x == 'x');
    }
    CHECK(alrm_count == before + 1);
    close(p[0]);
    int status;
    CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void) {
    CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(usr1_count == 1);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(usr1_count == 2);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    CHECK(raise(SIGUSR2) == 0);
    printf("raise: si_signo is SIGUSR2: %s, si_code %s, si_pid is self: %s\n",
           info_signo == SIGUSR2 ? "yes" : "no", code_name(info_code), info_pid_ok ? "yes" : "no");
    CHECK(kill(getpid(), SIGUSR2) == 0);
    printf("kill: si_code %s, si_pid is self: %s\n", code_name(info_code), info_pid_ok ? "yes" : "no");
    union sigval v = {.sival_int = 7};
    CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
    printf("sigqueue: si_code %s\n", code_name(info_code));
    CHECK(usr2_count == 3);

    /* A NULL-page write: si_addr must be the faulting address, not the instruction. */
    struct sigaction ss = {0};
    ss.sa_sigaction = on_segv;
    ss.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &ss, NULL) == 0);
    if (sigsetjmp(env, 1) == 0) {
        *(volatile int *)16 = 1;
        printf("FAIL write to address 16 did not fault\n");
        guest_failures++;
    }
    printf("NULL-page write: si_addr equals 16: %s, si_code %s\n", segv_addr_ok ? "yes" : "no", code_name(segv_code));
    CHECK(segv_addr_ok);
    /* siglongjmp(env, 1) restored the mask saved by sigsetjmp(env, 1): SIGSEGV is unblocked again. */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGSEGV));

    /* Blocked signals stay pending until unblocked. */
    sigset_t block, pending, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(usr1_count == 2);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1));
    CHECK(!sigismember(&pending, SIGUSR2));
    CHECK(raise(SIGUSR1) == 0); /* standard signals do not queue: still one delivery */
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK(usr1_count == 3);
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    /* SIGKILL and SIGSTOP cannot be blocked: the kernel drops them from the mask silently. */
    sigemptyset(&block);
    sigaddset(&block, SIGKILL);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGKILL));
    CHECK_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERRNO(sigaction(0, &sa, NULL), EINVAL);

    /* sigaltstack + SA_ONSTACK. */
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t st = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    CHECK(sigaltstack(&st, NULL) == 0);
    struct sigaction as = {0};
    as.sa_handler = on_alt_stack;
    as.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGWINCH, &as, NULL) == 0);
    CHECK(raise(SIGWINCH) == 0);
    printf("SA_ONSTACK handler on alternate stack: %s, SS_ONSTACK reported: %s\n", on_alt ? "yes" : "no",
           alt_flag_onstack ? "yes" : "no");
    stack_t q;
    CHECK(sigaltstack(NULL, &q) == 0 && q.ss_sp == alt_base && !(q.ss_flags & SS_ONSTACK));
    as.sa_flags = 0;
    on_alt = 1;
    CHECK(sigaction(SIGWINCH, &as, NULL) == 0);
    CHECK(raise(SIGWINCH) == 0);
    printf("handler without SA_ONSTACK on alternate stack: %s\n", on_alt ? "yes" : "no");
    stack_t tiny = {.ss_sp = alt_base, .ss_size = 100, .ss_flags = 0};
    CHECK_ERRNO(sigaltstack(&tiny, NULL), ENOMEM);

    /* SA_RESETHAND: the disposition reverts to SIG_DFL on delivery. */
    struct sigaction rs = {0};
    rs.sa_handler = on_reset;
    rs.sa_flags = SA_RESETHAND;
    CHECK(sigaction(SIGURG, &rs, NULL) == 0);
    CHECK(raise(SIGURG) == 0);
    CHECK(reset_count == 1);
    struct sigaction cur;
    CHECK(sigaction(SIGURG, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL);
    CHECK(raise(SIGURG) == 0); /* default for SIGURG is ignore */
    CHECK(reset_count == 1);

    /* Ignored signals are discarded, even while blocked. */
    CHECK(signal(SIGUSR1, SIG_IGN) == on_usr1);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(usr1_count == 3);

    /* An interval timer interrupts pause(). */
    CHECK(signal(SIGALRM, on_alrm) != SIG_ERR);
    struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = 20000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERRNO(pause(), EINTR);
    CHECK(alrm_count == 1);
    CHECK(alarm(0) == 0);

    blocked_read_after_handler(1);
    blocked_read_after_handler(0);
    return guest_finish();
}
