/* mmap: anonymous, file-backed private/shared, mprotect + caught SIGSEGV, munmap, mremap, brk. */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)ctx;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

/* Writes (or reads) one byte at p; returns 1 if that raised SIGSEGV. */
static int faults(volatile char *p, int write) {
    fault_addr = NULL;
    if (sigsetjmp(env, 1) == 0) {
        if (write) *p = 1; else (void)*p;
        return 0;
    }
    return 1;
}

static const char *code_name(int c) {
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    char *a = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK(((uintptr_t)a & (uintptr_t)(page - 1)) == 0);
    int nonzero = 0;
    for (long i = 0; i < page * 3; i++) nonzero += a[i] != 0;
    CHECK(nonzero == 0);
    memset(a, 'x', (size_t)page * 3);

    CHECK(mprotect(a + page, (size_t)page, PROT_READ) == 0);
    CHECK(a[page] == 'x');
    int f = faults(a + page + 5, 1);
    printf("write to read-only page: %s, si_addr matches: %s, si_code %s\n", f ? "SIGSEGV" : "no fault",
           fault_addr == a + page + 5 ? "yes" : "no", code_name(fault_code));
    CHECK(f == 1);
    CHECK(faults(a, 1) == 0); /* neighbours keep their protection */
    CHECK(faults(a + 2 * page, 1) == 0);
    CHECK(mprotect(a + page, (size_t)page, PROT_NONE) == 0);
    f = faults(a + page, 0);
    printf("read of PROT_NONE page: %s, si_code %s\n", f ? "SIGSEGV" : "no fault", code_name(fault_code));
    CHECK(mprotect(a + page, (size_t)page, PROT_READ | PROT_WRITE) == 0);
    CHECK(faults(a + page, 1) == 0);

    CHECK(munmap(a + page, (size_t)page) == 0);
    f = faults(a + page, 0);
    printf("read of unmapped page: %s, si_addr matches: %s, si_code %s\n", f ? "SIGSEGV" : "no fault",
           fault_addr == a + page ? "yes" : "no", code_name(fault_code));
    CHECK(a[0] == 1 && a[1] == 'x' && a[2 * page] == 1); /* faults() wrote the 1s */
    CHECK(munmap(a, (size_t)page * 3) == 0); /* unmapping a partly unmapped range is fine */
    CHECK_ERRNO(munmap(a + 1, (size_t)page), EINVAL);
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);

    /* File-backed: a private mapping never writes through; a shared one does. */
    int fd = open("map.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char pattern[8192];
    for (int i = 0; i < 8192; i++) pattern[i] = (char)('A' + i % 26);
    CHECK(write(fd, pattern, sizeof pattern) == (ssize_t)sizeof pattern);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(memcmp(m, pattern, 8192) == 0);
    m[0] = '#';
    char first;
    CHECK(pread(fd, &first, 1, 0) == 1 && first == 'A');
    CHECK(munmap(m, 8192) == 0);

    char *off = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, page);
    CHECK(off != MAP_FAILED && off[0] == pattern[page]);
    munmap(off, (size_t)page);

    char *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED);
    memcpy(s + 100, "SHARED-WRITE", 12);
    CHECK(msync(s, 8192, MS_SYNC) == 0);
    char back[12];
    CHECK(pread(fd, back, 12, 100) == 12 && memcmp(back, "SHARED-WRITE", 12) == 0);
    CHECK(pwrite(fd, "FILE", 4, 200) == 4);
    CHECK(memcmp(s + 200, "FILE", 4) == 0); /* and the page cache is shared the other way */
    munmap(s, 8192);
    close(fd);

    /* Beyond EOF inside the last page reads zeros; a whole page beyond is SIGBUS (not tested). */
    fd = open("short.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(write(fd, "abc", 3) == 3);
    char *t = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(t != MAP_FAILED && t[2] == 'c' && t[3] == 0 && t[page - 1] == 0);
    munmap(t, (size_t)page);
    close(fd);

    /* mremap: grow with MAYMOVE keeps contents, new tail is zero. */
    char *g = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < page; i++) g[i] = (char)(i * 13);
    char *g2 = mremap(g, (size_t)page, (size_t)page * 16, MREMAP_MAYMOVE);
    CHECK(g2 != MAP_FAILED);
    int kept = 1;
    for (long i = 0; i < page; i++) kept &= g2[i] == (char)(i * 13);
    CHECK(kept);
    CHECK(g2[page * 16 - 1] == 0);
    g2[page * 16 - 1] = 9;
    char *g3 = mremap(g2, (size_t)page * 16, (size_t)page * 2, 0);
    CHECK(g3 == g2 && g3[page] == 0);
    munmap(g3, (size_t)page * 2);

    /* brk through the raw syscall: musl's sbrk() refuses non-zero increments. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(cur != 0);
    uintptr_t want = cur + 16 * (uintptr_t)page;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, want);
    printf("brk grew: %s\n", got == want ? "yes" : "no");
    CHECK(got == want);
    memset((void *)cur, 0x77, 16 * (size_t)page);
    CHECK(((volatile char *)cur)[16 * page - 1] == 0x77);
    CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
    f = faults((volatile char *)cur + 8 * page, 0);
    printf("read above shrunk brk: %s\n", f ? "SIGSEGV" : "no fault");
    return guest_finish();
}
