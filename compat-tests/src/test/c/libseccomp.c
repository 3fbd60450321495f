/*
 * libseccomp: filters built with libseccomp (not raw BPF, which seccomp.c covers), linked statically
 * against Debian's libseccomp: ERRNO for a call, ERRNO only for one argument value (libseccomp's argument
 * comparisons), TRAP with its SIGSYS siginfo, KILL_PROCESS in a child, LOG, inheritance over fork, and
 * the filter's notion of the native architecture. Built and run by LibseccompTest (glibc only).
 */
#define _GNU_SOURCE
#include "guest.h"
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int trapped_nr = -1, trapped_code = -1;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
    (void)sig;
    (void)ctx;
    trapped_nr = si->si_syscall;
    trapped_code = si->si_code;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK(seccomp_arch_native() == SCMP_ARCH_X86_64);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    CHECK(ctx != NULL);
    CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getppid), 0) == 0);
    CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EBADMSG), SCMP_SYS(dup), 1, SCMP_A0(SCMP_CMP_EQ, 42)) == 0);
    CHECK(seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(uname), 0) == 0);
    CHECK(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(getpriority), 0) == 0);
    CHECK(seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getuid), 0) == 0);
    CHECK(seccomp_load(ctx) == 0);
    seccomp_release(ctx);

    CHECK_ERRNO(syscall(SYS_getppid), EPERM);
    CHECK_ERRNO(dup(42), EBADMSG);
    CHECK_ERRNO(dup(43), EBADF); /* another argument value: allowed, and 43 is not open */
    CHECK(getuid() == getuid()); /* LOG: allowed */

    struct sigaction sa = {0};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    struct utsname u;
    syscall(SYS_uname, &u); /* the handler runs instead of the call */
    CHECK(trapped_nr == SYS_uname);
    CHECK(trapped_code == 1 /* SYS_SECCOMP */);

    pid_t pid = fork();
    if (pid == 0) {
        /* The filter is inherited: still EPERM here, and getpriority kills the whole child. */
        if (syscall(SYS_getppid) != -1 || errno != EPERM) _exit(3);
        getpriority(PRIO_PROCESS, 0);
        _exit(4);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
    return guest_failures ? 1 : 0;
}
