/*
 * jobctl: job control. Stop signals stop a process, SIGCONT resumes it, the parent sees both through
 * waitpid (WUNTRACED, WCONTINUED), waitid (WSTOPPED, WCONTINUED) and SIGCHLD (CLD_STOPPED,
 * CLD_CONTINUED); SIGKILL ends a stopped process. Usage: jobctl CASE.
 */
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) { }
}

/* A child that stops itself: WIFSTOPPED via WUNTRACED, then SIGCONT gives WIFCONTINUED, then its exit. */
static void case_stop_self(void) {
    int p[2], go[2];
    CHECK(pipe(p) == 0 && pipe(go) == 0);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        close(go[1]);
        raise(SIGSTOP);
        /* Runs only after SIGCONT; exits only when told, so that the continuation is reported first. */
        write(p[1], "c", 1);
        char x;
        read(go[0], &x, 1);
        _exit(7);
    }
    close(p[1]);
    close(go[0]);
    int status;
    CHECK(waitpid(c, &status, WUNTRACED) == c);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(!WIFEXITED(status) && !WIFSIGNALED(status) && !WIFCONTINUED(status));
    /* The stop is reported once. */
    CHECK(waitpid(c, &status, WUNTRACED | WNOHANG) == 0);
    CHECK(kill(c, SIGCONT) == 0);
    CHECK(waitpid(c, &status, WCONTINUED) == c);
    CHECK(WIFCONTINUED(status));
    char b;
    CHECK(read(p[0], &b, 1) == 1 && b == 'c');
    close(go[1]);
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    close(p[0]);
}

/* Without WUNTRACED a stop is not reported: waitpid waits on until the child exits. */
static void case_no_untraced(void) {
    pid_t c = fork();
    if (c == 0) {
        raise(SIGSTOP);
        _exit(3);
    }
    int status;
    /* Let it stop, then continue it from a second child so that waitpid(c, 0) has something to wait for. */
    CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status));
    pid_t helper = fork();
    if (helper == 0) {
        nap_ms(100);
        kill(c, SIGCONT);
        _exit(0);
    }
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    CHECK(waitpid(helper, &status, 0) == helper && WIFEXITED(status));
}

/* SIGTSTP with a handler runs the handler and does not stop; with SIG_DFL it stops. */
static volatile sig_atomic_t tstp_seen;
static void on_tstp(int sig) { (void)sig; tstp_seen++; }

static void case_tstp(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_tstp;
    CHECK(sigaction(SIGTSTP, &sa, NULL) == 0);
    CHECK(raise(SIGTSTP) == 0);
    CHECK(tstp_seen == 1);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGTSTP, SIG_DFL);
        /* A group of its own, whose parent is in another group of the session: not orphaned, so the
           stop is not discarded (Linux discards SIGTSTP in an orphaned group, which the test's own
           group may be, depending on how the test runner was started). */
        setpgid(0, 0);
        kill(getpid(), SIGTSTP);
        _exit(tstp_seen == 1 ? 9 : 1); /* the handler ran in the parent before fork */
    }
    int status;
    CHECK(waitpid(c, &status, WUNTRACED) == c);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP);
    CHECK(kill(c, SIGCONT) == 0);
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
}

/* SIGKILL ends a stopped process: reported as killed by SIGKILL. */
static void case_kill_stopped(void) {
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    int status;
    CHECK(kill(c, SIGSTOP) == 0);
    CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(kill(c, SIGTERM) == 0); /* pending while stopped: a stopped process does not die of it yet */
    nap_ms(50);
    CHECK(waitpid(c, &status, WNOHANG) == 0);
    CHECK(kill(c, SIGKILL) == 0);
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* A child spinning in user code is stopped too, and a pending stop is discarded by SIGCONT. */
static void case_spin(void) {
    pid_t c = fork();
    if (c == 0) {
        volatile unsigned long n = 0;
        for (;;) n++;
    }
    int status;
    CHECK(kill(c, SIGSTOP) == 0);
    CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status));
    CHECK(kill(c, SIGCONT) == 0);
    CHECK(waitpid(c, &status, WCONTINUED) == c && WIFCONTINUED(status));
    CHECK(kill(c, SIGKILL) == 0);
    CHECK(waitpid(c, &status, 0) == c && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* waitid with WSTOPPED/WCONTINUED, WNOWAIT, and SIGCHLD's si_code for both. */
static volatile sig_atomic_t chld_codes[8];
static volatile sig_atomic_t chld_count;
static void on_chld(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    if (chld_count < 8) chld_codes[chld_count] = si->si_code;
    chld_count++;
}

static void case_waitid(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t c = fork();
    if (c == 0) {
        close(go[1]);
        raise(SIGSTOP);
        char x;
        read(go[0], &x, 1); /* exit only once the continuation was reported */
        _exit(4);
    }
    close(go[0]);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOWAIT) == 0);
    CHECK(si.si_pid == c && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0);
    CHECK(kill(c, SIGCONT) == 0);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)c, &si, WCONTINUED) == 0);
    CHECK(si.si_pid == c && si.si_code == CLD_CONTINUED && si.si_status == SIGCONT);
    close(go[1]);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, (id_t)c, &si, WEXITED) == 0 && si.si_code == CLD_EXITED && si.si_status == 4);
    /* SIGCHLD came for the stop (the later ones may coalesce: SIGCHLD is a standard signal). */
    int saw_stopped = 0;
    for (int i = 0; i < chld_count && i < 8; i++) {
        if (chld_codes[i] == CLD_STOPPED) saw_stopped = 1;
    }
    CHECK(saw_stopped);
}

/* SA_NOCLDSTOP: no SIGCHLD for stops, only for the exit. */
static volatile sig_atomic_t plain_chld;
static void on_plain_chld(int sig) { (void)sig; plain_chld++; }

static void case_nocldstop(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_plain_chld;
    sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    pid_t c = fork();
    if (c == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int status;
    CHECK(waitpid(c, &status, WUNTRACED) == c && WIFSTOPPED(status));
    nap_ms(20);
    CHECK(plain_chld == 0);
    CHECK(kill(c, SIGCONT) == 0);
    CHECK(waitpid(c, &status, 0) == c && WIFEXITED(status));
    nap_ms(20);
    CHECK(plain_chld == 1);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2) return 2;
    const char *c = argv[1];
    if (!strcmp(c, "stop-self")) case_stop_self();
    else if (!strcmp(c, "no-untraced")) case_no_untraced();
    else if (!strcmp(c, "tstp")) case_tstp();
    else if (!strcmp(c, "kill-stopped")) case_kill_stopped();
    else if (!strcmp(c, "spin")) case_spin();
    else if (!strcmp(c, "waitid")) case_waitid();
    else if (!strcmp(c, "nocldstop")) case_nocldstop();
    else return 2;
    return guest_failures != 0;
}
