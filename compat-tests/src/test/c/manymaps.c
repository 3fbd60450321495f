/*
 * Guest memory at Linux's scale: one mapping split into thousands of areas by mprotect (thread stacks with
 * guard pages, malloc arenas and JITs make such maps), guard pages that still fault, the vm.max_map_count
 * limit (65,530 areas by default) reached as ENOMEM, and lengths that wrap around the address space.
 */
#include "guest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static sigjmp_buf jump;
static void on_segv(int sig) { siglongjmp(jump, 1); }

static int faults(volatile char *p) {
    if (sigsetjmp(jump, 1)) return 1;
    (void)*p;
    return 0;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    signal(SIGSEGV, on_segv);

    /* 6,000 guard pages in one mapping: 12,000 areas. */
    long n = 6000;
    char *p = mmap(NULL, (size_t)(2 * n * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    long failed = 0;
    for (long i = 0; i < n; i++) failed += mprotect(p + (2 * i + 1) * page, (size_t)page, PROT_NONE) != 0;
    CHECK(failed == 0);
    long sum = 0;
    for (long i = 0; i < n; i++) p[2 * i * page] = (char)i;
    for (long i = 0; i < n; i++) sum += (unsigned char)p[2 * i * page];
    printf("sum %ld\n", sum);
    CHECK(faults(p + page + 100) == 1);
    CHECK(faults(p + (2 * n - 1) * page) == 1);
    CHECK(faults(p + 2 * page) == 0);
    /* Giving the pages back their rights joins the areas again (Linux merges them). */
    CHECK(mprotect(p, (size_t)(2 * n * page), PROT_READ | PROT_WRITE) == 0);
    CHECK(faults(p + page) == 0);
    CHECK(munmap(p, (size_t)(2 * n * page)) == 0);

    /* Past vm.max_map_count: mprotect fails with ENOMEM before the host or the engine gives out. */
    n = 34000;
    p = mmap(NULL, (size_t)(2 * n * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    int first_errno = 0;
    failed = 0;
    for (long i = 0; i < n; i++) {
        if (mprotect(p + (2 * i + 1) * page, (size_t)page, PROT_NONE) != 0) {
            if (!failed) first_errno = errno;
            failed++;
        }
    }
    printf("some mprotect failed: %s, first errno %s\n", failed ? "yes" : "no", first_errno ? strerror(first_errno) : "-");
    CHECK(failed > 0 && failed < n && first_errno == ENOMEM);
    CHECK(munmap(p, (size_t)(2 * n * page)) == 0);

    /* Lengths that wrap around the address space. */
    char *q = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q != MAP_FAILED);
    CHECK_ERRNO(msync(q, (size_t)-page, MS_SYNC), ENOMEM);
    CHECK_ERRNO(mprotect(q, (size_t)-page, PROT_READ), ENOMEM);
    CHECK_ERRNO(munmap(q, (size_t)-page), EINVAL);
    CHECK(msync(q, 0, MS_ASYNC) == 0);
    /* Lengths within a page of 2^64 round up to 0 (kfuzz, issue 17: mprotect threw, munmap succeeded).
     * Raw syscalls: musl's mprotect wrapper rounds the range itself, so the kernel sees another length. */
    CHECK_ERRNO(syscall(SYS_mprotect, q, (size_t)-1, PROT_NONE), ENOMEM);
    CHECK_ERRNO(syscall(SYS_mprotect, q, (size_t)-1 - 100, PROT_READ), ENOMEM);
    CHECK_ERRNO(munmap(q, (size_t)-1), EINVAL);
    CHECK_ERRNO(madvise(q, (size_t)-1, MADV_DONTNEED), EINVAL);
    CHECK_ERRNO(madvise(q, (size_t)-page, MADV_DONTNEED), EINVAL);
    CHECK(madvise(q, 0, MADV_DONTNEED) == 0);
    CHECK(msync(q, (size_t)-1, MS_ASYNC) == 0);
    q[0] = 1; /* still mapped and writable */
    CHECK(munmap(q, (size_t)page) == 0);
    return guest_finish();
}
