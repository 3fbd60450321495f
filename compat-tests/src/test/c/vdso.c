/*
 * vdso: the clock calls libc routes through the vDSO (clock_gettime, gettimeofday, time, getcpu) agree
 * with the raw syscalls and never go backwards. Prints only conditions, never times.
 *
 *   vdso          the differential checks (identical with or without a vDSO)
 *   vdso probe    whether AT_SYSINFO_EHDR is there, and if so: its ELF header, its symbols, a call
 *   vdso loop N   N calls of clock_gettime(CLOCK_MONOTONIC), for --strace counting
 */
#define _GNU_SOURCE
#include "guest.h"
#include <elf.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static long long ns(const struct timespec *t) { return (long long)t->tv_sec * 1000000000LL + t->tv_nsec; }

static int raw_gettime(clockid_t id, struct timespec *ts) { return (int)syscall(SYS_clock_gettime, id, ts); }

static const struct { clockid_t id; const char *name; int monotonic; } CLOCKS[] = {
    {CLOCK_REALTIME, "CLOCK_REALTIME", 0},
    {CLOCK_MONOTONIC, "CLOCK_MONOTONIC", 1},
    {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW", 1},
    {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE", 0},
    {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", 1},
    {CLOCK_BOOTTIME, "CLOCK_BOOTTIME", 1},
};

/* For every clock: libc and raw syscall readings interleaved, 2000 rounds. */
static void clocks(void) {
    for (size_t c = 0; c < sizeof CLOCKS / sizeof CLOCKS[0]; c++) {
        int backwards = 0, out_of_order = 0, bad_nsec = 0, failed = 0, far = 0;
        struct timespec prev, a, b, d;
        failed += clock_gettime(CLOCKS[c].id, &prev) != 0;
        for (int i = 0; i < 2000; i++) {
            failed += clock_gettime(CLOCKS[c].id, &a) != 0;
            failed += raw_gettime(CLOCKS[c].id, &b) != 0;
            failed += clock_gettime(CLOCKS[c].id, &d) != 0;
            bad_nsec += a.tv_nsec < 0 || a.tv_nsec >= 1000000000L || d.tv_nsec < 0 || d.tv_nsec >= 1000000000L;
            if (CLOCKS[c].monotonic) {
                backwards += ns(&a) < ns(&prev) || ns(&d) < ns(&a);
                out_of_order += ns(&b) < ns(&a) || ns(&d) < ns(&b); /* one clock, whichever path serves it */
            } else {
                /* Realtime may be stepped by NTP: only ask that the syscall's reading lie within 50 ms of
                 * the bracket of vDSO readings around it (a busy host may pause the thread between them). */
                far += ns(&b) < ns(&a) - 50000000LL || ns(&b) > ns(&d) + 50000000LL;
            }
            prev = d;
        }
        printf("%-22s calls failed: %d, tv_nsec out of range: %d, backwards: %d, vdso/syscall out of order: %d, "
               "vdso/syscall apart > 50ms: %d\n", CLOCKS[c].name, failed, bad_nsec, backwards, out_of_order, far);
        if (failed || bad_nsec || backwards || out_of_order || far) guest_failures++;
    }
}

static void others(void) {
    struct timespec rt, raw, cpu;
    struct timeval tv;
    CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
    CHECK(rt.tv_sec > 1577836800 && rt.tv_sec < 4102444800); /* 2020 .. 2100 */
    time_t t = time(NULL);
    /* Linux's time() is the coarse clock (the last tick's second): up to a tick behind clock_gettime. */
    CHECK(t >= rt.tv_sec - 1 && t - rt.tv_sec < 2);
    time_t t2 = 0;
    CHECK(time(&t2) >= t && t2 >= t);
    CHECK(gettimeofday(&tv, NULL) == 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec < 2);
    struct timezone tz; /* glibc fills it (zeros), musl leaves it alone: only the return is compared */
    CHECK(gettimeofday(&tv, &tz) == 0);
    CHECK(raw_gettime(CLOCK_REALTIME, &raw) == 0 && llabs(ns(&raw) - ((long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL)) < 50000000LL);

    /* clock_getres through libc (the vDSO's, where there is one) and the raw syscall agree. */
    for (size_t c = 0; c < sizeof CLOCKS / sizeof CLOCKS[0]; c++) {
        struct timespec via_libc = {99, 99}, via_syscall = {77, 77};
        int ok = clock_getres(CLOCKS[c].id, &via_libc) == 0 && syscall(SYS_clock_getres, CLOCKS[c].id, &via_syscall) == 0
                 && via_libc.tv_sec == via_syscall.tv_sec && via_libc.tv_nsec == via_syscall.tv_nsec;
        printf("clock_getres(%s) agrees with the syscall: %s\n", CLOCKS[c].name, ok ? "yes" : "no");
        if (!ok) guest_failures++;
    }
    CHECK(clock_getres(CLOCK_MONOTONIC, NULL) == 0);
    CHECK_ERRNO(clock_getres((clockid_t)12345, NULL), EINVAL);

    /* Clocks the vDSO does not serve: its syscall fallback answers. */
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && ns(&cpu) > 0);
    CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0 && ns(&cpu) > 0);
    CHECK(clock_gettime(CLOCK_TAI, &cpu) == 0 && cpu.tv_sec > 1577836800);
    CHECK_ERRNO(clock_gettime((clockid_t)10, &cpu), EINVAL);
    CHECK_ERRNO(clock_gettime((clockid_t)16, &cpu), EINVAL);
    CHECK_ERRNO(clock_gettime((clockid_t)12345, &cpu), EINVAL);
    CHECK_ERRNO(raw_gettime(CLOCK_MONOTONIC, (struct timespec *)8), EFAULT);
    CHECK_ERRNO(syscall(SYS_gettimeofday, (struct timeval *)8, NULL), EFAULT);

    unsigned cpu_no = 99, node = 99;
    CHECK(sched_getcpu() >= 0);
    CHECK(syscall(SYS_getcpu, &cpu_no, &node, NULL) == 0 && cpu_no < 4096 && node < 4096);
}

/* After fork the child has the vDSO too (same address, a live clock), and the parent's still works. */
static void forked(void) {
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec a, b;
        int ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0 && ns(&a) >= ns(&before);
        for (int i = 0; i < 1000; i++) {
            ok &= clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(&b) >= ns(&a);
            a = b;
        }
        ok &= raw_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(&b) >= ns(&a);
        ok &= getauxval(AT_SYSINFO_EHDR) == (unsigned long)getauxval(AT_SYSINFO_EHDR);
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &after) == 0 && ns(&after) >= ns(&before));
}

/* musl's __vdsosym in miniature: symbol lookup through PT_DYNAMIC, DT_HASH and DT_SYMTAB. */
static void *vdso_symbol(const Elf64_Ehdr *eh, const char *name) {
    const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    uintptr_t base = UINTPTR_MAX;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && base == UINTPTR_MAX) base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC) dyn = (const void *)((const char *)eh + ph[i].p_offset);
    }
    if (!dyn || base == UINTPTR_MAX) return NULL;
    const char *strings = NULL;
    const Elf64_Sym *syms = NULL;
    const uint32_t *hash = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_STRTAB) strings = (const char *)(base + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_SYMTAB) syms = (const void *)(base + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_HASH) hash = (const void *)(base + dyn->d_un.d_ptr);
    }
    if (!strings || !syms || !hash) return NULL;
    for (uint32_t i = 0; i < hash[1]; i++) {
        if (syms[i].st_shndx != SHN_UNDEF && strcmp(strings + syms[i].st_name, name) == 0)
            return (void *)(base + syms[i].st_value);
    }
    return NULL;
}

static void probe(void) {
    const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR present: %s\n", eh ? "yes" : "no");
    if (!eh) return;
    CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
    CHECK(eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB);
    CHECK(eh->e_type == ET_DYN && eh->e_machine == EM_X86_64);
    CHECK(((uintptr_t)eh & 4095) == 0);
    static const char *names[] = {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_getcpu",
                                  "__vdso_clock_getres", "clock_gettime", "gettimeofday", "time", "getcpu",
                                  "clock_getres"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("symbol %s: %s\n", names[i], vdso_symbol(eh, names[i]) ? "found" : "missing");
    int (*cgt)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))vdso_symbol(eh, "__vdso_clock_gettime");
    if (cgt) {
        struct timespec a, b, c;
        CHECK(cgt(CLOCK_MONOTONIC, &a) == 0 && raw_gettime(CLOCK_MONOTONIC, &b) == 0 && cgt(CLOCK_MONOTONIC, &c) == 0);
        CHECK(ns(&a) <= ns(&b) && ns(&b) <= ns(&c));
        CHECK(cgt(12345, &a) == -EINVAL);               /* the vDSO returns -errno, libc sets errno */
    }
    time_t (*tm)(time_t *) = (time_t (*)(time_t *))vdso_symbol(eh, "__vdso_time");
    if (tm) CHECK(tm(NULL) - time(NULL) <= 1);
    int (*gc)(unsigned *, unsigned *, void *) = (int (*)(unsigned *, unsigned *, void *))vdso_symbol(eh, "__vdso_getcpu");
    if (gc) {
        unsigned cpu_no = 9999, node = 9999;
        CHECK(gc(&cpu_no, &node, NULL) == 0 && cpu_no < 4096 && node < 4096);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "probe") == 0) {
        probe();
        return guest_finish();
    }
    if (argc > 2 && strcmp(argv[1], "loop") == 0) {
        struct timespec a, b;
        int n = atoi(argv[2]), backwards = 0;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
            clock_gettime(CLOCK_MONOTONIC, &b);
            backwards += ns(&b) < ns(&a);
            a = b;
        }
        printf("loop backwards: %d\n", backwards);
        return backwards != 0;
    }
    clocks();
    others();
    forked();
    return guest_finish();
}
