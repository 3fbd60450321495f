/*
 * More of ptrace(2) from a tracer inside the guest, one mode per argument:
 *   sysemu   PTRACE_SYSEMU: the entry stop, the call not run, RAX as the tracer set it, no exit stop;
 *            resumed from such a stop with PTRACE_SYSCALL the call is still skipped but has its exit
 *            stop; PTRACE_SYSEMU_SINGLESTEP steps ordinary instructions.
 *   threads  PTRACE_O_TRACECLONE of pthread_create: PTRACE_EVENT_CLONE with the new tid, the new
 *            thread's own first stop, syscall stops counted per thread, each thread's exit reported.
 *   exit     PTRACE_O_TRACEEXIT for exit_group and for a death by signal (none for SIGKILL), and
 *            PTRACE_EVENT_VFORK_DONE after PTRACE_EVENT_VFORK.
 * Prints no pid, tid or address: statuses, syscall numbers, counts and comparisons only.
 */
#include "guest.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif
#ifndef PTRACE_SYSEMU_SINGLESTEP
#define PTRACE_SYSEMU_SINGLESTEP 32
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif

/* waitpid that retries EINTR and reports the status word; which pid answered goes to *who. */
static int wait_any(pid_t pid, pid_t *who) {
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, __WALL);
    } while (r < 0 && errno == EINTR);
    if (r < 0) printf("FAIL waitpid: %s\n", strerror(errno));
    if (who) *who = r;
    return status;
}

static int wait_for(pid_t pid) {
    pid_t who;
    int status = wait_any(pid, &who);
    if (who != pid) printf("FAIL waitpid returned another pid\n");
    return status;
}

static const char *describe(int status) {
    static char text[64];
    if (WIFEXITED(status)) snprintf(text, sizeof text, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(text, sizeof text, "killed by %s", strsignal(WTERMSIG(status)));
    else if (WIFSTOPPED(status) && (status >> 16) != 0)
        snprintf(text, sizeof text, "event %d stop (%s)", status >> 16, strsignal(WSTOPSIG(status)));
    else if (WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80)) snprintf(text, sizeof text, "syscall stop");
    else if (WIFSTOPPED(status)) snprintf(text, sizeof text, "stopped by %s", strsignal(WSTOPSIG(status)));
    else snprintf(text, sizeof text, "status 0x%x", status);
    return text;
}

static long raw_getpid(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "0"((long) SYS_getpid) : "rcx", "r11", "memory");
    return r;
}

/* ---- sysemu ---------------------------------------------------------------------------------------- */

static void sysemu_child(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    syscall(SYS_getppid); /* the marker: the tracer switches to PTRACE_SYSEMU at its exit stop */
    long first = raw_getpid();
    long second = raw_getpid();
    long third = raw_getpid();
    long real = syscall(SYS_gettid);
    printf("child: first getpid %ld, second %ld, third is the pid %d\n", first, second, third == real);
    fflush(stdout);
    _exit(7);
}

/* Resumes with {@code request} and waits for the next stop. */
static int resume(pid_t pid, int request, int sig) {
    if (ptrace(request, pid, 0, (void *) (long) sig) != 0) printf("FAIL ptrace(%d): %s\n", request, strerror(errno));
    return wait_for(pid);
}

static int sysemu(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) sysemu_child();
    int status = wait_for(pid);
    printf("first stop: %s\n", describe(status));
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) PTRACE_O_TRACESYSGOOD) == 0);
    struct user_regs_struct regs;
    /* Up to the marker's exit stop with PTRACE_SYSCALL. */
    int entries = 0;
    status = resume(pid, PTRACE_SYSCALL, 0);
    for (int i = 0; i < 20 && WIFSTOPPED(status); i++) {
        ptrace(PTRACE_GETREGS, pid, 0, &regs);
        if (regs.orig_rax == SYS_getppid && regs.rax != (unsigned long) -ENOSYS) break; /* its exit stop */
        entries++;
        status = resume(pid, PTRACE_SYSCALL, 0);
    }
    printf("at the marker's exit: %s\n", describe(status));
    /* Stepped with PTRACE_SYSEMU_SINGLESTEP up to the first getpid: plain SIGTRAPs, then its entry stop
     * (RAX -ENOSYS), and the call does not run. */
    int steps = 0;
    do {
        status = resume(pid, PTRACE_SYSEMU_SINGLESTEP, 0);
        steps++;
    } while (steps < 10000 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
    printf("stepped to the call: %s, after more than one step %d\n", describe(status), steps > 1);
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.orig_rax == SYS_getpid);
    CHECK(regs.rax == (unsigned long) -ENOSYS);
    regs.rax = 4242;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    /* No exit stop: the next stop is the second getpid's entry. */
    status = resume(pid, PTRACE_SYSEMU, 0);
    printf("next sysemu stop: %s\n", describe(status));
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.orig_rax == SYS_getpid);
    CHECK(regs.rax == (unsigned long) -ENOSYS);
    regs.rax = 4343;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    /* Resumed with PTRACE_SYSCALL: still emulated (decided at entry), and now an exit stop follows. */
    status = resume(pid, PTRACE_SYSCALL, 0);
    printf("after PTRACE_SYSCALL: %s\n", describe(status));
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.orig_rax == SYS_getpid);
    CHECK(regs.rax == 4343);
    /* PTRACE_SYSEMU_SINGLESTEP from the exit stop: one instruction, a plain SIGTRAP. */
    status = resume(pid, PTRACE_SYSEMU_SINGLESTEP, 0);
    printf("sysemu single step: %s\n", describe(status));
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
    CHECK(si.si_signo == SIGTRAP);
    /* The third getpid runs for real. */
    status = resume(pid, PTRACE_CONT, 0);
    printf("end: %s\n", describe(status));
    return 0;
}

/* ---- main ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        printf("usage: ptrace_more sysemu|threads|exit\n");
        return 2;
    }
    if (strcmp(argv[1], "sysemu") == 0) sysemu();
    else {
        printf("unknown mode\n");
        return 2;
    }
    return guest_failures ? 1 : 0;
}
