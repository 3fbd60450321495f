/*
 * argv/env/stdin: prints argc, each argument, the environment (sorted, since a
 * native launcher does not promise envp order), selected getenv() results and
 * a checksum of stdin.
 */
#include "guest.h"
#include <stdlib.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    const char *slash = strrchr(argv[0], '/');
    printf("argv[0] basename=[%s]\n", slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    CHECK(argv[argc] == NULL);

    int envc = 0;
    while (environ[envc]) envc++;
    printf("envc=%d\n", envc);
    char **sorted = malloc(sizeof(char *) * (size_t)(envc + 1));
    memcpy(sorted, environ, sizeof(char *) * (size_t)envc);
    qsort(sorted, (size_t)envc, sizeof(char *), cmp);
    for (int i = 0; i < envc; i++) printf("env: %s\n", sorted[i]);

    const char *names[] = {"FOO", "EMPTY", "WITH_EQ", "MISSING"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s)=%s%s%s\n", names[i], v ? "[" : "", v ? v : "(null)", v ? "]" : "");
    }
    CHECK(setenv("ADDED", "1", 1) == 0);
    CHECK(strcmp(getenv("ADDED"), "1") == 0);

    unsigned long long h = 0;
    size_t total = 0;
    char buf[4096];
    ssize_t r;
    while ((r = read(0, buf, sizeof buf)) > 0) {
        h = fnv1a(buf, (size_t)r, h);
        total += (size_t)r;
    }
    CHECK(r == 0);
    printf("stdin: %zu bytes, checksum %016llx\n", total, h);
    return guest_finish();
}
