/*
 * More of ptrace(2) from a tracer inside the guest, one mode per argument:
 *   sysemu   PTRACE_SYSEMU: the entry stop, the call not run, RAX as the tracer set it, no exit stop;
 *            resumed from such a stop with PTRACE_SYSCALL the call is still skipped but has its exit
 *            stop; PTRACE_SYSEMU_SINGLESTEP steps ordinary instructions.
 *   threads  PTRACE_O_TRACECLONE of pthread_create: PTRACE_EVENT_CLONE with the new tid, the new
 *            thread's own first stop, syscall stops counted per thread, each thread's exit reported.
 *   seccomp  SECCOMP_RET_TRACE: ENOSYS without a tracer asking for it; PTRACE_EVENT_SECCOMP with the
 *            filter's data between the entry and exit stops, where the tracer may skip or change the call.
 *   exit     PTRACE_O_TRACEEXIT for exit_group and for a death by signal (SIGKILL too, as Linux 6.x), a
 *            SIGKILL ending a thread's exit stop, and PTRACE_EVENT_VFORK_DONE after PTRACE_EVENT_VFORK.
 *   group-stop  SIGSTOP let through at its delivery stop: each traced thread, one of them blocked in
 *            pause(), reports its group-stop, and runs on when the tracer restarts it.
 *   sigmask  PTRACE_GETSIGMASK and PTRACE_SETSIGMASK (SIGKILL stays unblockable; only 8-byte sets).
 *   strace-threads  a thread that writes, for StraceTest's strace -f (not compared here).
 * Prints no pid, tid or address: statuses, syscall numbers, counts and comparisons only.
 */
#include "guest.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
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
    long fourth = raw_getpid();
    long real = syscall(SYS_gettid);
    printf("child: first getpid %ld, second %ld, third %ld, fourth is the pid %d\n", first, second, third, fourth == real);
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
    /* The third getpid emulated, then PTRACE_SYSEMU_SINGLESTEP from its entry stop: no stop at its exit,
     * the instruction after it runs, then the step's SIGTRAP. */
    status = resume(pid, PTRACE_SYSEMU, 0);
    printf("third call: %s\n", describe(status));
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.orig_rax == SYS_getpid);
    unsigned long call_rip = regs.rip;
    regs.rax = 4444;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    status = resume(pid, PTRACE_SYSEMU_SINGLESTEP, 0);
    printf("stepped from the emulated call: %s\n", describe(status));
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.rip > call_rip && regs.rip <= call_rip + 15);
    /* The fourth getpid runs for real. */
    status = resume(pid, PTRACE_CONT, 0);
    printf("end: %s\n", describe(status));
    return 0;
}

/* ---- threads --------------------------------------------------------------------------------------- */

#define MAIN_MARKS 3
#define THREAD_MARKS 5

static void *marking_thread(void *arg) {
    for (int i = 0; i < THREAD_MARKS; i++) syscall(SYS_getppid);
    return arg;
}

static void threads_child(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    pthread_t th;
    if (pthread_create(&th, NULL, marking_thread, NULL) != 0) _exit(99);
    pthread_join(th, NULL);
    for (int i = 0; i < MAIN_MARKS; i++) syscall(SYS_getppid);
    _exit(3);
}

/* What the tracer saw of one task. */
struct task_seen {
    pid_t tid;
    int in_call;          /* between an entry and an exit stop */
    int marks_in, marks_out;
    int first_stop;       /* the status of its first stop, for the new thread */
    int end;              /* its exit status, once reported */
    int ended;
    int order;            /* when its end was reported */
};

static int threads(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) threads_child();
    int status = wait_for(pid);
    printf("first stop: %s\n", describe(status));
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE)) == 0);
    struct task_seen main_task = {.tid = pid}, new_task = {.tid = 0};
    unsigned long event_tid = 0;
    int clone_events = 0, ends = 0, unknown = 0, other_signals = 0;
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
    while (ends < 2) {
        pid_t who;
        status = wait_any(-1, &who);
        if (who < 0) break;
        struct task_seen *t = who == pid ? &main_task : NULL;
        if (!t) {
            if (new_task.tid == 0) new_task.tid = who; /* its first stop may come before the clone event */
            if (who == new_task.tid) t = &new_task;
        }
        if (!t) {
            unknown++;
            if (WIFSTOPPED(status)) ptrace(PTRACE_SYSCALL, who, 0, 0);
            continue;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            t->end = status;
            t->ended = 1;
            t->order = ++ends;
            continue;
        }
        int sig = 0;
        if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
            struct user_regs_struct regs;
            ptrace(PTRACE_GETREGS, who, 0, &regs);
            if (regs.orig_rax == SYS_getppid) {
                if (!t->in_call) t->marks_in++;
                else t->marks_out++;
            }
            t->in_call = !t->in_call;
        } else if (status >> 16 == PTRACE_EVENT_CLONE) {
            clone_events++;
            ptrace(PTRACE_GETEVENTMSG, who, 0, &event_tid);
        } else if (t == &new_task && t->first_stop == 0) {
            t->first_stop = status;
        } else {
            other_signals++;
            sig = WSTOPSIG(status);
        }
        ptrace(PTRACE_SYSCALL, who, 0, (void *) (long) sig);
    }
    printf("clone events %d, its message is the new thread's tid %d\n", clone_events, event_tid == (unsigned long) new_task.tid);
    printf("new thread's first stop: %s\n", describe(new_task.first_stop));
    printf("main thread: getppid entry stops %d, exit stops %d\n", main_task.marks_in, main_task.marks_out);
    printf("new thread: getppid entry stops %d, exit stops %d\n", new_task.marks_in, new_task.marks_out);
    printf("new thread: %s, reported %s\n", describe(new_task.end), new_task.order == 1 ? "first" : "second");
    printf("main thread: %s, reported %s\n", describe(main_task.end), main_task.order == 1 ? "first" : "second");
    printf("other tasks %d, other signal stops %d\n", unknown, other_signals);
    CHECK_ERRNO(waitpid(-1, &status, __WALL | WNOHANG), ECHILD);
    return 0;
}

/* ---- exit ------------------------------------------------------------------------------------------ */

static volatile int thread_ready;

static void *pausing_thread(void *arg) {
    thread_ready = 1;
    for (;;) pause();
    return arg;
}

/* Runs every task of a traced child to its end, CONT-ing each stop (signals other than SIGSTOP passed
 * on); prints each task's events in order, naming the tasks by the order they were first seen. */
static void run_to_end(pid_t pid, int tasks_expected) {
    pid_t tids[4] = {pid};
    char log[4][256] = {{0}};
    int known = 1, ends = 0;
    while (ends < tasks_expected) {
        pid_t who;
        int status = wait_any(-1, &who);
        if (who < 0) break;
        int n = 0;
        while (n < known && tids[n] != who) n++;
        if (n == known && known < 4) tids[known++] = who;
        char line[96];
        unsigned long msg = 0;
        int sig = 0;
        if (WIFSTOPPED(status) && status >> 16 != 0) {
            ptrace(PTRACE_GETEVENTMSG, who, 0, &msg);
            int event = status >> 16;
            if (event == PTRACE_EVENT_EXIT) snprintf(line, sizeof line, "exit event (message 0x%lx); ", msg);
            else {
                int k = 0;
                while (k < known && (unsigned long) tids[k] != msg) k++;
                snprintf(line, sizeof line, "event %d (message: task %d); ", event, k);
            }
        } else if (WIFSTOPPED(status)) {
            sig = WSTOPSIG(status) == SIGSTOP ? 0 : WSTOPSIG(status);
            snprintf(line, sizeof line, "%s; ", describe(status));
        } else {
            snprintf(line, sizeof line, "%s", describe(status));
            ends++;
        }
        if (n < 4) strncat(log[n], line, sizeof log[n] - strlen(log[n]) - 1);
        if (WIFSTOPPED(status)) ptrace(PTRACE_CONT, who, 0, (void *) (long) sig);
    }
    for (int i = 0; i < known; i++) printf("  task %d: %s\n", i, log[i]);
}

static pid_t traced_child(int options) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        return 0;
    }
    int status = wait_for(pid);
    if (!WIFSTOPPED(status)) printf("FAIL first stop: %s\n", describe(status));
    if (ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) (long) options) != 0) printf("FAIL SETOPTIONS: %s\n", strerror(errno));
    return pid;
}

static void *exiting_thread(void *arg) {
    syscall(SYS_exit, 3);
    return arg;
}

/* Runs a traced child whose second thread exits: SIGKILL once that thread is in its exit stop, left there. */
static void later_kill(pid_t pid) {
    char log[2][160] = {"", ""};
    int ends = 0, killed = 0;
    while (ends < 2) {
        pid_t who;
        int status = wait_any(-1, &who);
        if (who < 0) break;
        int n = who == pid ? 0 : 1;
        char line[64];
        if (WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_EXIT) {
            unsigned long msg = 0;
            ptrace(PTRACE_GETEVENTMSG, who, 0, &msg);
            snprintf(line, sizeof line, "exit event (message 0x%lx); ", msg);
            strncat(log[n], line, sizeof log[n] - strlen(log[n]) - 1);
            if (n == 1 && !killed) {
                killed = 1;
                kill(pid, SIGKILL);
                continue; /* the thread stays in its exit stop: only the kill ends it */
            }
        } else {
            snprintf(line, sizeof line, "%s%s", describe(status), WIFSTOPPED(status) ? "; " : "");
            strncat(log[n], line, sizeof log[n] - strlen(log[n]) - 1);
            if (!WIFSTOPPED(status)) {
                ends++;
                continue;
            }
        }
        ptrace(PTRACE_CONT, who, 0, 0);
    }
    printf("  task 0: %s\n  task 1: %s\n", log[0], log[1]);
}

static int exits(void) {
    /* exit_group from the leader while another thread waits in pause(). */
    pid_t pid = traced_child(PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE);
    if (pid == 0) {
        pthread_t th;
        pthread_create(&th, NULL, pausing_thread, NULL);
        while (!thread_ready) sched_yield();
        _exit(4);
    }
    printf("exit_group with a second thread:\n");
    ptrace(PTRACE_CONT, pid, 0, 0);
    run_to_end(pid, 2);

    /* A fatal signal the tracer lets through: the exit event, then the death. */
    pid = traced_child(PTRACE_O_TRACEEXIT);
    if (pid == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    printf("SIGTERM:\n");
    ptrace(PTRACE_CONT, pid, 0, 0);
    run_to_end(pid, 1);

    /* SIGKILL: the exit event too (Linux 6.x reports it; the stop lasts until the tracer resumes it). */
    pid = traced_child(PTRACE_O_TRACEEXIT);
    if (pid == 0) {
        for (;;) pause();
    }
    printf("SIGKILL:\n");
    ptrace(PTRACE_CONT, pid, 0, 0);
    kill(pid, SIGKILL);
    run_to_end(pid, 1);

    /* SIGKILL while a thread sits in the exit stop of its exit(2): that stop ends (the thread dies with the
     * process), and the exit stop the kill causes in the main thread is reported. */
    pid = traced_child(PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE);
    if (pid == 0) {
        pthread_t th;
        pthread_create(&th, NULL, exiting_thread, NULL);
        for (;;) pause();
    }
    printf("SIGKILL during a thread's exit stop:\n");
    ptrace(PTRACE_CONT, pid, 0, 0);
    later_kill(pid);

    /* vfork: PTRACE_EVENT_VFORK, the traced child's own stop, then PTRACE_EVENT_VFORK_DONE once it exits. */
    pid = traced_child(PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE);
    if (pid == 0) {
        pid_t c = vfork();
        if (c == 0) _exit(6);
        int status;
        waitpid(c, &status, 0);
        _exit(WEXITSTATUS(status) + 1);
    }
    printf("vfork:\n");
    ptrace(PTRACE_CONT, pid, 0, 0);
    run_to_end(pid, 2);
    return 0;
}

/* ---- seccomp --------------------------------------------------------------------------------------- */

#ifndef PTRACE_EVENT_SECCOMP
#define PTRACE_EVENT_SECCOMP 7
#endif
#ifndef PTRACE_O_TRACESECCOMP
#define PTRACE_O_TRACESECCOMP 0x80
#endif
#define GET_SYSCALL_INFO 0x420e

/* The classic BPF the filter needs, spelled out: musl has no <linux/filter.h>. */
struct bpf_insn { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct bpf_prog { unsigned short len; struct bpf_insn *filter; };
#define LD_NR 0x20 /* BPF_LD|BPF_W|BPF_ABS of seccomp_data.nr (offset 0) */
#define JEQ 0x15   /* BPF_JMP|BPF_JEQ|BPF_K */
#define RET 0x06   /* BPF_RET|BPF_K */
#define RET_TRACE 0x7ff00000U
#define RET_ALLOW 0x7fff0000U
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

/* getppid, gettid and getuid go to the tracer (SECCOMP_RET_TRACE with data 0x42, 0x43, 0x44); the rest runs. */
static int trace_filter(void) {
    struct bpf_insn code[] = {
        {LD_NR, 0, 0, 0},
        {JEQ, 0, 1, SYS_getppid},
        {RET, 0, 0, RET_TRACE | 0x42},
        {JEQ, 0, 1, SYS_gettid},
        {RET, 0, 0, RET_TRACE | 0x43},
        {JEQ, 0, 1, SYS_getuid},
        {RET, 0, 0, RET_TRACE | 0x44},
        {RET, 0, 0, RET_ALLOW},
    };
    struct bpf_prog prog = {sizeof code / sizeof code[0], code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, &prog);
}

static void seccomp_child(int traced) {
    long ppid = syscall(SYS_getppid), pid = syscall(SYS_getpid);
    if (trace_filter() != 0) {
        printf("FAIL seccomp filter: %s\n", strerror(errno));
        _exit(1);
    }
    errno = 0;
    long a = syscall(SYS_getppid);
    int a_err = errno;
    long b = syscall(SYS_gettid);
    long c = syscall(SYS_getuid);
    if (!traced) {
        printf("child without a tracer: getppid %ld (%s)\n", a, strerror(a_err));
    } else {
        printf("child: getppid is the parent %d, gettid %ld, getuid gave the pid %d\n", a == ppid, b, c == pid);
    }
    fflush(stdout);
    _exit(0);
}

static int seccomp_trace(void) {
    /* No tracer: SECCOMP_RET_TRACE is ENOSYS. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) seccomp_child(0);
    printf("untraced: %s\n", describe(wait_for(pid)));
    /* Traced without PTRACE_O_TRACESECCOMP: ENOSYS too. */
    pid = traced_child(0);
    if (pid == 0) seccomp_child(0);
    ptrace(PTRACE_CONT, pid, 0, 0);
    printf("traced without the option: %s\n", describe(wait_for(pid)));
    /* With it, under PTRACE_SYSCALL: entry stop, seccomp stop, exit stop; the tracer lets getppid run,
     * skips gettid (orig_rax -1) with 777 as its result, and turns getuid into getpid. */
    pid = traced_child(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD);
    if (pid == 0) seccomp_child(1);
    char log[1024] = "";
    int filtered = 0; /* the stops after the filter's installation are logged */
    int status = resume(pid, PTRACE_SYSCALL, 0);
    while (WIFSTOPPED(status)) {
        struct user_regs_struct regs;
        ptrace(PTRACE_GETREGS, pid, 0, &regs);
        long nr = (long) regs.orig_rax;
        const char *name = nr == SYS_getppid ? "getppid" : nr == SYS_gettid ? "gettid" : nr == SYS_getuid ? "getuid"
                         : nr == SYS_getpid ? "getpid" : NULL;
        char line[160] = "";
        if (nr == SYS_seccomp) filtered = 1;
        if (!filtered) {
            /* not yet */
        } else if (status >> 16 == PTRACE_EVENT_SECCOMP) {
            unsigned long msg = 0;
            ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
            struct {
                uint8_t op, pad[3];
                uint32_t arch;
                uint64_t ip, sp, nr, args[6];
                uint32_t ret_data;
            } info;
            memset(&info, 0, sizeof info);
            long size = ptrace(GET_SYSCALL_INFO, pid, (void *) sizeof info, &info);
            snprintf(line, sizeof line, "%s: seccomp stop (data 0x%lx, rax -ENOSYS %d, info op %d size %ld ret_data 0x%x nr ok %d); ",
                     name ? name : "?", msg, regs.rax == (unsigned long) -ENOSYS, info.op, size, info.ret_data,
                     (long) info.nr == nr);
            if (nr == SYS_gettid) {
                regs.orig_rax = -1;
                regs.rax = 777;
                ptrace(PTRACE_SETREGS, pid, 0, &regs);
            } else if (nr == SYS_getuid) {
                regs.orig_rax = SYS_getpid;
                ptrace(PTRACE_SETREGS, pid, 0, &regs);
            }
        } else if (name && WSTOPSIG(status) == (SIGTRAP | 0x80)) {
            snprintf(line, sizeof line, "%s: syscall stop; ", name);
        }
        strncat(log, line, sizeof log - strlen(log) - 1);
        int sig = WSTOPSIG(status) == (SIGTRAP | 0x80) || status >> 16 ? 0 : WSTOPSIG(status);
        status = resume(pid, PTRACE_SYSCALL, sig);
    }
    printf("traced with PTRACE_O_TRACESECCOMP: %s\n", describe(status));
    for (char *line = strtok(log, ";"); line; line = strtok(NULL, ";")) {
        if (line[0] == ' ') line++;
        if (line[0] != '\0') printf("  %s\n", line);
    }
    return 0;
}

/* ---- strace-threads: a target for StraceTest (strace -f of a threaded program) --------------------- */

static void *writing_thread(void *arg) {
    static const char text[] = "second thread\n";
    write(1, text, sizeof text - 1);
    syscall(SYS_getppid);
    return arg;
}

static int strace_threads(void) {
    static const char before[] = "main thread\n", after[] = "joined\n";
    write(1, before, sizeof before - 1);
    pthread_t th;
    if (pthread_create(&th, NULL, writing_thread, NULL) != 0) return 1;
    pthread_join(th, NULL);
    write(1, after, sizeof after - 1);
    return 0;
}

/* ---- group-stop: SIGSTOP to a traced process with two traced threads ------------------------------- */

static volatile int spinning;

static void *spinning_thread(void *arg) {
    spinning = 1;
    for (;;) pause();
    return arg;
}

static int group_stop(void) {
    pid_t pid = traced_child(PTRACE_O_TRACECLONE);
    if (pid == 0) {
        pthread_t th;
        pthread_create(&th, NULL, spinning_thread, NULL);
        while (!spinning) sched_yield();
        raise(SIGSTOP); /* the signal-delivery stop; the tracer lets it stop the whole process */
        _exit(9);
    }
    ptrace(PTRACE_CONT, pid, 0, 0);
    pid_t thread_tid = 0;
    int delivery = 0, group_stops = 0, ends = 0, others = 0;
    int stopped_tasks[2] = {0, 0};
    while (ends < 2) {
        pid_t who;
        int status = wait_any(-1, &who);
        if (who < 0) break;
        if (who != pid && thread_tid == 0) thread_tid = who;
        if (who != pid && who != thread_tid) {
            others++;
            continue;
        }
        int task = who == pid ? 0 : 1;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            ends++;
            continue;
        }
        int sig = 0;
        if (status >> 16 == PTRACE_EVENT_CLONE || (task == 1 && WSTOPSIG(status) == SIGSTOP && !stopped_tasks[1] && group_stops == 0 && delivery == 0)) {
            /* the clone event and the new thread's first stop */
        } else if (WSTOPSIG(status) == SIGSTOP) {
            siginfo_t si;
            if (ptrace(PTRACE_GETSIGINFO, who, 0, &si) == 0) {
                delivery++; /* a signal-delivery stop: let SIGSTOP stop the process */
                sig = SIGSTOP;
            } else {
                /* A group-stop (GETSIGINFO: EINVAL): held until both threads are in theirs, then both run on. */
                group_stops++;
                stopped_tasks[task]++;
                if (stopped_tasks[0] && stopped_tasks[1]) {
                    ptrace(PTRACE_CONT, who == pid ? thread_tid : pid, 0, 0);
                } else {
                    continue;
                }
            }
        } else {
            others++;
            sig = WSTOPSIG(status);
        }
        ptrace(PTRACE_CONT, who, 0, (void *) (long) sig);
    }
    printf("SIGSTOP delivery stops %d, group-stops %d (leader %d, thread %d), other stops %d, ends %d\n", delivery,
           group_stops, stopped_tasks[0], stopped_tasks[1], others, ends);
    return 0;
}

/* ---- sigmask: PTRACE_GETSIGMASK and PTRACE_SETSIGMASK ---------------------------------------------- */

#ifndef PTRACE_GETSIGMASK
#define PTRACE_GETSIGMASK 0x420a
#define PTRACE_SETSIGMASK 0x420b
#endif

static int signal_masks(void) {
    pid_t pid = traced_child(0);
    if (pid == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(SIGSTOP);
        sigprocmask(SIG_BLOCK, NULL, &set);
        printf("child: SIGUSR1 blocked %d, SIGUSR2 blocked %d, SIGHUP blocked %d, SIGKILL blocked %d\n",
               sigismember(&set, SIGUSR1), sigismember(&set, SIGUSR2), sigismember(&set, SIGHUP), sigismember(&set, SIGKILL));
        fflush(stdout);
        _exit(0);
    }
    int status = resume(pid, PTRACE_CONT, 0);
    printf("stop: %s\n", describe(status));
    unsigned long mask = 0;
    CHECK(ptrace(PTRACE_GETSIGMASK, pid, (void *) 8, &mask) == 0);
    printf("mask has SIGUSR1 %d, SIGUSR2 %d\n", (int) (mask >> (SIGUSR1 - 1) & 1), (int) (mask >> (SIGUSR2 - 1) & 1));
    CHECK_ERRNO(ptrace(PTRACE_GETSIGMASK, pid, (void *) 4, &mask), EINVAL);
    CHECK_ERRNO(ptrace(PTRACE_SETSIGMASK, pid, (void *) 16, &mask), EINVAL);
    mask |= 1UL << (SIGUSR2 - 1) | 1UL << (SIGKILL - 1);
    CHECK(ptrace(PTRACE_SETSIGMASK, pid, (void *) 8, &mask) == 0);
    CHECK(ptrace(PTRACE_GETSIGMASK, pid, (void *) 8, &mask) == 0);
    printf("after SETSIGMASK: SIGUSR2 %d, SIGKILL %d\n", (int) (mask >> (SIGUSR2 - 1) & 1), (int) (mask >> (SIGKILL - 1) & 1));
    status = resume(pid, PTRACE_CONT, 0);
    printf("end: %s\n", describe(status));
    return 0;
}

/* ---- main ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        printf("usage: ptrace_more sysemu|threads|exit|seccomp|group-stop|sigmask|strace-threads\n");
        return 2;
    }
    if (strcmp(argv[1], "sysemu") == 0) sysemu();
    else if (strcmp(argv[1], "threads") == 0) threads();
    else if (strcmp(argv[1], "exit") == 0) exits();
    else if (strcmp(argv[1], "seccomp") == 0) seccomp_trace();
    else if (strcmp(argv[1], "group-stop") == 0) group_stop();
    else if (strcmp(argv[1], "sigmask") == 0) signal_masks();
    else if (strcmp(argv[1], "strace-threads") == 0) return strace_threads();
    else {
        printf("unknown mode\n");
        return 2;
    }
    return guest_failures ? 1 : 0;
}
