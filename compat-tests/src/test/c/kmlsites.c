/*
 * The kml-shim's syscall-site rewriting (issue 5), checked against Linux: libc's getpid/getuid/...
 * wrappers are rewritten into jumps to an in-guest stub after their first call, so every answer below is
 * compared with the same call made through syscall(), whose generic site is never rewritten. The
 * rewriting must also leave address 0 as Linux has it: NULL reads, NULL calls and NULL buffers fault,
 * and mprotect/munmap there act on nothing. (Whether mmap may map page 0 depends on the host's
 * vm.mmap_min_addr and on CAP_SYS_RAWIO, so it is not compared.)
 */
#define _GNU_SOURCE
#include "guest.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int ids_agree(void) {
    for (int i = 0; i < 3000; i++) {
        if (getpid() != syscall(SYS_getpid) || getuid() != syscall(SYS_getuid) || geteuid() != syscall(SYS_geteuid)
            || getgid() != syscall(SYS_getgid) || getegid() != syscall(SYS_getegid)) {
            return 0;
        }
    }
    return 1;
}

static void *thread_pid(void *arg) {
    (void)arg;
    return (void *)(long)(getpid() == syscall(SYS_getpid) ? getpid() : -1);
}

static sigjmp_buf fault_return;
static volatile int fault_code;
static void *volatile fault_address;

static void on_segv(int sig, siginfo_t *info, void *ctx) {
    (void)sig;
    (void)ctx;
    fault_code = info->si_code;
    fault_address = info->si_addr;
    siglongjmp(fault_return, 1);
}

/* Runs f and reports whether it died of SIGSEGV as an unmapped access at address 0. */
static int faults_at_null(void (*f)(void)) {
    fault_code = 0;
    fault_address = (void *)1;
    if (sigsetjmp(fault_return, 1) == 0) {
        f();
        return 0;
    }
    return fault_code == SEGV_MAPERR && fault_address == NULL;
}

static void read_null(void) {
    volatile int *p = NULL;
    (void)*p;
}

static void write_null(void) {
    volatile int *p = NULL;
    *p = 1;
}

static void (*volatile null_function)(void);
static void call_null(void) {
    null_function();
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "site") == 0) {
        /* For SyscallRewriteTest, not the differential run: getpid's syscall bytes after use. */
        const unsigned char *code = (const unsigned char *)getpid;
        int ok = ids_agree();
        printf("%s %02x %02x\n", ok ? "agree" : "disagree", code[5], code[6]);
        return 0;
    }
    CHECK(ids_agree()); /* the first round rewrites the wrappers; the rest run through the stub */
    CHECK(ids_agree());

    pid_t self = getpid();
    pthread_t t;
    void *from_thread;
    CHECK(pthread_create(&t, NULL, thread_pid, NULL) == 0);
    CHECK(pthread_join(t, &from_thread) == 0);
    CHECK((long)from_thread == self);

    /* A child inherits the rewritten code; its answers must be its own. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) _exit(getpid() != self && getpid() == syscall(SYS_getpid) && getppid() == self && ids_agree() ? 0 : 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* set*id changes the answers (as root; otherwise the calls fail alike and nothing changes). */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        int ok = ids_agree();
        if (geteuid() == 0) {
            ok = ok && setresgid(4321, 4322, 4323) == 0 && getgid() == 4321 && getegid() == 4322;
            ok = ok && setresuid(1234, 1235, 1236) == 0 && getuid() == 1234 && geteuid() == 1235;
        } else {
            ok = ok && setresuid(0, 0, 0) == -1;
        }
        _exit(ok && ids_agree() ? 0 : 1);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Address 0 stays Linux's: nothing there for the guest to read, write, call or change. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    CHECK(faults_at_null(read_null));
    CHECK(faults_at_null(write_null));
    CHECK(faults_at_null(call_null));
    CHECK_ERRNO(write(1, NULL, 1), EFAULT);
    CHECK_ERRNO(mprotect(NULL, 4096, PROT_READ), ENOMEM);
    CHECK(munmap(NULL, 4096) == 0);
    CHECK(ids_agree()); /* and the rewritten wrappers still work */
    return guest_finish();
}
