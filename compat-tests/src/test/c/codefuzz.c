/*
 * The instruction-stream fuzzer (issue 17): random bytes as guest code. Iteration i fills an RWX page
 * with bytes from a stream seeded with (seed, i) and jumps into it; SIGSEGV, SIGILL, SIGFPE, SIGBUS,
 * SIGTRAP and SIGALRM (a 20 ms timer, for loops) jump back through a handler on an alternate stack.
 * Random code makes random syscalls too, so a worker may die, exit, block signals or unmap itself: a
 * supervisor forks workers and starts the next one after the iteration that ended the last (a worker
 * still in one iteration after 3 s is killed, and the iteration reported as stuck).
 *
 * Usage: codefuzz SEED ITERATIONS [FIRST]. Prints "codefuzz: seed S, N iterations, W workers, ..." with
 * how the iterations ended. NEVER run it natively: random syscalls with random arguments run on the
 * host then. The test runs it in a jlibos sandbox, in a child JVM (an engine crash ends only that JVM).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CODE_SIZE 4096
#define SILENT_MS 3000

struct shared {
    volatile long next;      /* the iteration the worker is running */
    volatile long progress;  /* bumped after each */
    long by_signal[65];      /* iterations that ended in this signal's handler */
    long returned;           /* the random code returned to its caller */
    long worker_deaths[65];  /* workers ended by a signal (index 0: by an exit) */
    volatile int finished;   /* the last worker ran its last iteration */
};

static struct shared *sh;
static sigjmp_buf back;
static unsigned char *code;
static char *code_stack;
#define CODE_STACK 65536
static volatile int caught;

static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static unsigned long worker_fs; /* the thread pointer, which random code may move (wrfsbase) */

/*
 * What random code may change that siglongjmp does not restore: the thread pointer (libc's TLS, and
 * musl's syscall wrappers through errno) and the FPU's control words. Raw instructions only: until the
 * thread pointer is back, no libc function may run.
 */
static inline void restore_cpu_state(void) {
    unsigned int mxcsr = 0x1f80;
    register long rdi __asm__("rdi") = 0x1002; /* ARCH_SET_FS */
    register long rsi __asm__("rsi") = (long)worker_fs;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(SYS_arch_prctl), "r"(rdi), "r"(rsi) : "rcx", "r11", "memory");
    __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

static void on_fault(int s) {
    restore_cpu_state();
    caught = s;
    siglongjmp(back, 1);
}

/* Where random code that returns lands: back to the loop, with the registers sigsetjmp saved. */
static void returned(void) {
    restore_cpu_state();
    siglongjmp(back, 2);
}

/*
 * Jumps into the code on a stack of its own (stores relative to rsp corrupted the worker's locals, and a
 * worker looped for ever) with every other register zeroed, so that no pointer of this program (such as
 * the shared table's) is at hand for the random bytes, and "returned" as the return address. Never
 * comes back here: every way out is a siglongjmp.
 */
__attribute__((noreturn)) static void enter(void) {
    __asm__ volatile("mov %2, %%rsp\n\tpush %0\n\tpush %1\n\t"
                     "xor %%eax, %%eax\n\txor %%ebx, %%ebx\n\txor %%ecx, %%ecx\n\txor %%edx, %%edx\n\t"
                     "xor %%esi, %%esi\n\txor %%edi, %%edi\n\txor %%ebp, %%ebp\n\txor %%r8d, %%r8d\n\t"
                     "xor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\txor %%r11d, %%r11d\n\txor %%r12d, %%r12d\n\t"
                     "xor %%r13d, %%r13d\n\txor %%r14d, %%r14d\n\txor %%r15d, %%r15d\n\tret"
                     : : "r"(returned), "r"(code), "r"(code_stack + CODE_STACK) : "memory");
    __builtin_unreachable();
}

static void worker(uint64_t seed, long end) {
    syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &worker_fs);
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigfillset(&sa.sa_mask);
    const int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP, SIGALRM, SIGSYS};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);
    for (long i = sh->next; i < end; i++) {
        sh->next = i;
        uint64_t r = mix(seed * 0x9E3779B97F4A7C15ULL ^ mix((uint64_t)i));
        for (int b = 0; b < CODE_SIZE; b += 8) {
            uint64_t w = mix(r += 0x9E3779B97F4A7C15ULL);
            memcpy(code + b, &w, 8);
        }
        struct itimerval it = {{0, 0}, {0, 20000}};
        setitimer(ITIMER_REAL, &it, NULL);
        caught = 0;
        int how = sigsetjmp(back, 1);
        if (how == 0) enter();
        else if (how == 2) sh->returned++;
        else sh->by_signal[caught & 63]++;
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
        sh->progress++;
    }
    sh->finished = 1;
    syscall(SYS_exit_group, 0);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct stat etc;
    if (stat("/etc", &etc) == 0) {
        fprintf(stderr, "codefuzz: /etc exists, so this is not a jlibos sandbox; refusing to run\n");
        return 77;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long stuck_at[16], nstuck = 0;
    long count = atol(argv[2]), first = argc > 3 ? atol(argv[3]) : 0, end = first + count, workers = 0;
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code_stack = mmap(NULL, CODE_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED || code == MAP_FAILED || code_stack == MAP_FAILED) return 3;
    sh->next = first;
    while (sh->next < end) {
        pid_t pid = fork();
        if (pid < 0) { perror("codefuzz: fork"); return 3; }
        if (pid == 0) worker(seed, end);
        workers++;
        long seen = sh->next, since = now_ms();
        int stuck = 0;
        int status;
        for (;;) {
            pid_t w = waitpid(pid, &status, WNOHANG | WUNTRACED | __WALL);
            if (w == pid && !WIFSTOPPED(status)) break;
            if (w == pid) kill(pid, SIGKILL); /* stopped */
            if (now_ms() - since > SILENT_MS && !stuck) { /* one iteration for 3 s: its 20 ms timer did not end it */
                stuck = 1;
                if (nstuck < 16) stuck_at[nstuck] = sh->next;
                nstuck++;
                kill(pid, SIGKILL);
            }
            if (sh->next != seen) { seen = sh->next; since = now_ms(); }
            struct timespec t = {0, 2000000};
            nanosleep(&t, NULL);
        }
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0) {} /* what the random code forked */
        sh->worker_deaths[WIFSIGNALED(status) ? WTERMSIG(status) & 63 : 0]++;
        if (sh->finished) break;
        sh->next++; /* the iteration that ended the worker is not run again */
    }
    printf("codefuzz: seed %llu, %ld iterations, %ld workers, handled:", (unsigned long long)seed, count, workers);
    for (int s = 1; s < 65; s++) if (sh->by_signal[s]) printf(" SIG%d %ld", s, sh->by_signal[s]);
    printf(", returned %ld, workers ended by exit %ld", sh->returned, sh->worker_deaths[0]);
    for (int s = 1; s < 65; s++) if (sh->worker_deaths[s]) printf(" SIG%d %ld", s, sh->worker_deaths[s]);
    printf(", stuck %ld\n", nstuck);
    for (long k = 0; k < nstuck && k < 16; k++) printf("stuck at iteration %ld (killed after 3 s)\n", stuck_at[k]);
    return 0;
}
