/*
 * Shared helpers for the differential guest programs.
 *
 * Every line a program prints must be identical natively and under jlibos, so
 * checks print the *condition*, never a pid, an address or a time. A failed
 * check still prints (so the diff shows which one) and makes main() return 1.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int guest_failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            printf("ok   %s\n", #cond);                                        \
        } else {                                                               \
            printf("FAIL %s (line %d)\n", #cond, __LINE__);                    \
            guest_failures++;                                                  \
        }                                                                      \
    } while (0)

/* Expect a -1 return with a given errno; prints errno's name and strerror. */
#define CHECK_ERRNO(call, want)                                                \
    do {                                                                       \
        errno = 0;                                                             \
        long guest_rc_ = (long)(call);                                         \
        int guest_err_ = errno;                                                \
        if (guest_rc_ == -1 && guest_err_ == (want)) {                         \
            printf("ok   %s -> %s (%s)\n", #call, #want, strerror(guest_err_)); \
        } else {                                                               \
            printf("FAIL %s -> rc=%ld errno=%d (%s), want %s (line %d)\n",     \
                   #call, guest_rc_, guest_err_, strerror(guest_err_), #want,  \
                   __LINE__);                                                  \
            guest_failures++;                                                  \
        }                                                                      \
    } while (0)

/* FNV-1a: checksums of buffers are printed instead of the buffers. */
/* Same for calls that report failure with NULL (opendir, getcwd...). */
#define CHECK_NULL_ERRNO(call, want)                                           \
    do {                                                                       \
        errno = 0;                                                             \
        int guest_null_ = (call) == NULL;                                      \
        int guest_err_ = errno;                                                \
        if (guest_null_ && guest_err_ == (want)) {                             \
            printf("ok   %s -> NULL, %s (%s)\n", #call, #want, strerror(guest_err_)); \
        } else {                                                               \
            printf("FAIL %s -> %s errno=%d (%s), want NULL, %s (line %d)\n",  \
                   #call, guest_null_ ? "NULL" : "non-NULL", guest_err_,       \
                   strerror(guest_err_), #want, __LINE__);                     \
            guest_failures++;                                                  \
        }                                                                      \
    } while (0)

static inline unsigned long long fnv1a(const void *p, size_t n, unsigned long long h) {
    const unsigned char *b = p;
    if (h == 0) h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static inline int guest_finish(void) {
    printf("%s: %d failure(s)\n", guest_failures ? "FAILED" : "PASSED", guest_failures);
    return guest_failures ? 1 : 0;
}

#endif
