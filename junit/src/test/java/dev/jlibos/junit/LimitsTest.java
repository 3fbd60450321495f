package dev.jlibos.junit;

import dev.jlibos.kernel.process.Limit;

import java.nio.file.Path;
import java.time.Duration;

import static dev.jlibos.junit.GuestAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guests running into the limits an embedder sets: each ends with a clear reason; the JVM is unharmed. */
class LimitsTest {
    private static final String MALLOC_FOREVER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            int main(void) {
                for (long mib = 0;; mib++) {
                    char *p = malloc(1 << 20);
                    if (p == NULL) { printf("malloc failed after %ld MiB\\n", mib); return 3; }
                    memset(p, 1, 1 << 20);
                }
            }
            """;

    @JlibosTest
    void aGuestThatMallocsForeverStopsAtTheMemoryLimit(GuestRunner guests) throws Exception {
        Path hog = TestPrograms.compile(guests.workDir(), "hog", MALLOC_FOREVER);

        GuestResult r = guests.program(hog.toString()).memoryLimit(64L << 20).run();

        assertThat(r).exitedWith(3).exceeded(Limit.MEMORY).stdoutStartsWith("malloc failed after ");
        long mib = Long.parseLong(r.stdoutText().replaceAll("\\D", ""));
        assertTrue(mib > 30 && mib < 64, r.stdoutText());
        assertTrue(r.describe().contains("limit: memory limit reached"), r.describe());
    }

    @JlibosTest
    void aSpinningGuestIsKilledWhenItsCpuTimeRunsOut(GuestRunner guests) {
        GuestResult r = guests.sh("while :; do :; done").cpuTimeLimit(Duration.ofMillis(300))
                .timeout(Duration.ofSeconds(30)).run();

        assertThat(r).killedBy(9).exceeded(Limit.CPU_TIME);
        assertTrue(!r.timedOut() && r.elapsed().toSeconds() < 10, r.describe());
        assertTrue(r.statusText().contains("CPU time limit"), r.statusText());
    }

    @JlibosTest
    void anotherGuestRunsNormallyBesideASpinningOne(GuestRunner guests) {
        var results = guests.runAll(
                guests.sh("while :; do :; done").cpuTimeLimit(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(60)),
                guests.sh("i=0; while [ $i -lt 200 ]; do i=$((i+1)); done; echo counted $i"));

        assertThat(results.get(0)).killedBy(9).exceeded(Limit.CPU_TIME);
        assertThat(results.get(1)).exitedWith(0).withinLimits().stdoutIs("counted 200\n");
    }

    @JlibosTest
    void sleepingDoesNotUseCpuTime(GuestRunner guests) {
        GuestResult r = guests.busybox("sleep", "1").cpuTimeLimit(Duration.ofMillis(300)).run();

        assertThat(r).exitedWith(0).withinLimits();
    }

    @JlibosTest
    void openingTooManyFilesFailsWithEmfile(GuestRunner guests) throws Exception {
        Path opener = TestPrograms.compile(guests.workDir(), "opener", """
                #include <errno.h>
                #include <fcntl.h>
                #include <stdio.h>
                #include <string.h>
                int main(void) {
                    for (int n = 0;; n++)
                        if (open("/", O_RDONLY) < 0) { printf("opened %d then %s\\n", n, strerror(errno)); return 0; }
                }
                """);

        GuestResult r = guests.program(opener.toString()).maxOpenFiles(16).run();

        assertThat(r).exitedWith(0).exceeded(Limit.OPEN_FILES).stdoutIs("opened 13 then Too many open files\n");
    }

    @JlibosTest
    void forkingPastMaxProcessesFailsWithEagain(GuestRunner guests) throws Exception {
        Path forker = TestPrograms.compile(guests.workDir(), "forker", """
                #include <errno.h>
                #include <stdio.h>
                #include <string.h>
                #include <unistd.h>
                int main(void) {
                    for (int n = 0; n < 100; n++) {
                        pid_t pid = fork();
                        if (pid == 0) { pause(); _exit(0); }
                        if (pid < 0) { printf("forked %d then %s\\n", n, strerror(errno)); return 0; }
                    }
                    puts("no limit");
                    return 1;
                }
                """);

        GuestResult r = guests.program(forker.toString()).maxProcesses(5).run();

        assertThat(r).exitedWith(0).exceeded(Limit.PROCESSES).stdoutIs("forked 4 then Resource temporarily unavailable\n");
    }

    @JlibosTest
    void aShellForkBombIsContained(GuestRunner guests) throws Exception {
        int threads = Thread.activeCount();

        GuestResult r = guests.sh("f() { f | f & }; f; sleep 1; echo survived").maxProcesses(20)
                .timeout(java.time.Duration.ofSeconds(20)).run();

        assertThat(r).exceeded(Limit.PROCESSES);
        // Every guest process had a host thread; all of them end with the machine.
        // Killed processes unwind on their own host threads; on a loaded 2-core CI machine that can take seconds.
        for (int i = 0; i < 300 && Thread.activeCount() > threads + 1; i++) Thread.sleep(100);
        assertTrue(Thread.activeCount() <= threads + 1, () -> Thread.activeCount() + " threads, " + threads + " before: "
                + Thread.getAllStackTraces().entrySet().stream()
                        .map(e -> e.getKey().getName() + " " + e.getKey().getState() + " at "
                                + java.util.Arrays.stream(e.getValue()).limit(6).map(Object::toString).toList())
                        .collect(java.util.stream.Collectors.joining("\n")));
    }

    private static final String FILL_TMPFS = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            static char chunk[65536];
            int main(void) {
                int fd = open("/t/fill", O_WRONLY | O_CREAT, 0644);
                long total = 0;
                for (;;) {
                    ssize_t n = write(fd, chunk, sizeof chunk);
                    if (n < 0) { printf("wrote %ld then %s\\n", total, strerror(errno)); break; }
                    total += n;
                }
                int big = open("/t/big", O_WRONLY | O_CREAT, 0644);
                printf("ftruncate 8 MiB: %s\\n", ftruncate(big, 8 << 20) ? strerror(errno) : "ok");
                printf("fallocate 8 MiB: %s\\n", fallocate(big, FALLOC_FL_KEEP_SIZE, 0, 8 << 20) ? strerror(errno) : "ok");
                unlink("/t/fill");
                printf("after unlink: %zd\\n", write(big, chunk, sizeof chunk));
                return 0;
            }
            """;

    @JlibosTest
    void fillingATmpfsStopsWithEnospcAtItsSize(GuestRunner guests) throws Exception {
        Path filler = TestPrograms.compile(guests.workDir(), "filler", FILL_TMPFS);

        GuestResult r = guests.program(filler.toString()).tmpfs("/t", 1L << 20).run();

        assertThat(r).exitedWith(0).exceeded(Limit.TMPFS).stdoutIs("""
                wrote 1048576 then No space left on device
                ftruncate 8 MiB: No space left on device
                fallocate 8 MiB: No space left on device
                after unlink: 65536
                """);
        assertTrue(r.describe().contains("tmpfs size limit reached"), r.describe());
        assertThat(guests.busybox("echo", "next guest").run()).exitedWith(0).stdoutIs("next guest\n");
    }

    @JlibosTest
    void endlessOutputStopsAtTheOutputLimitWithSigxfsz(GuestRunner guests) {
        GuestResult r = guests.busybox("yes").outputLimit(1L << 20).run();

        assertThat(r).killedBy(25).exceeded(Limit.OUTPUT);
        assertTrue(r.stdout().length == 1 << 20, r.stdout().length + " bytes of stdout");
        assertTrue(r.describe().contains("output limit reached"), r.describe());
        assertThat(guests.busybox("echo", "next guest").run()).exitedWith(0).stdoutIs("next guest\n");
    }

    @JlibosTest
    void guestsAreBoundedByDefault(GuestRunner guests) {
        var defaults = dev.jlibos.kernel.GuestOptions.DEFAULTS;
        GuestResult r = guests.sh("ulimit -u; ulimit -H -n").run();

        assertThat(r).exitedWith(0).stdoutIs(defaults.maxProcesses() + "\n" + defaults.maxOpenFiles() + "\n");
        assertTrue(defaults.maxOutput() > 0 && defaults.tmpfsSize() > 0, defaults.toString());
    }

    @JlibosTest
    void anMmapBombStopsAtTheCommittedMemoryLimitWhileReservationsAreFree(GuestRunner guests) throws Exception {
        Path bomb = TestPrograms.compile(guests.workDir(), "mmapbomb", """
                #include <errno.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/mman.h>
                int main(void) {
                    char *res = mmap(0, 512L << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
                    printf("reserve 512 MiB: %s\\n", res == MAP_FAILED ? strerror(errno) : "ok");
                    printf("commit 128 MiB of it: %s\\n", mprotect(res, 128 << 20, PROT_READ | PROT_WRITE) ? strerror(errno) : "ok");
                    printf("commit 8 MiB of it: %s\\n", mprotect(res, 8 << 20, PROT_READ | PROT_WRITE) ? strerror(errno) : "ok");
                    long mib = 0;
                    while (mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) mib++;
                    printf("then %ld MiB, then %s\\n", mib, strerror(errno));
                    return 0;
                }
                """);

        GuestResult r = guests.program(bomb.toString()).committedMemory(64L << 20).run();

        assertThat(r).exitedWith(0).exceeded(Limit.MEMORY).stdoutStartsWith("""
                reserve 512 MiB: ok
                commit 128 MiB of it: Cannot allocate memory
                commit 8 MiB of it: ok
                then\s""");
        long mib = Long.parseLong(r.stdoutText().replaceAll("(?s).*then (\\d+) MiB.*", "$1"));
        assertTrue(mib > 30 && mib < 56, r.stdoutText());
        assertTrue(r.describe().contains("limit: memory limit reached"), r.describe());
        assertThat(guests.busybox("echo", "next guest").run()).exitedWith(0).stdoutIs("next guest\n");
    }

    @JlibosTest
    void manyProcessesUnderTheirOwnFdLimitsStopAtTheJvmsBudgetWithEnfile(GuestRunner guests) throws Exception {
        Path hog = TestPrograms.compile(guests.workDir(), "fdhog", """
                #include <errno.h>
                #include <fcntl.h>
                #include <signal.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/wait.h>
                #include <unistd.h>
                int main(void) {
                    pid_t kids[4];
                    for (int k = 0; k < 4; k++) {
                        int ready[2];
                        pipe(ready);
                        if ((kids[k] = fork()) == 0) {
                            while (open("/dev/null", O_RDONLY) >= 0) {}
                            printf("child %d: %s\\n", k, strerror(errno));
                            fflush(stdout);
                            write(ready[1], "x", 1);
                            pause(); // keeps its descriptors open
                            _exit(0);
                        }
                        char c;
                        read(ready[0], &c, 1);
                        close(ready[0]);
                        close(ready[1]);
                    }
                    for (int k = 0; k < 4; k++) kill(kids[k], SIGKILL);
                    for (int k = 0; k < 4; k++) waitpid(kids[k], NULL, 0);
                    return 0;
                }
                """);
        int before = dev.jlibos.vfs.HostFdBudget.held();
        dev.jlibos.vfs.HostFdBudget.setLimit(before + 300);
        GuestResult r;
        try {
            r = guests.program(hog.toString()).maxOpenFiles(200).run();
        } finally {
            dev.jlibos.vfs.HostFdBudget.setLimit(-1);
        }

        // The first child stops at its own limit (EMFILE) holding ~200 host fds; the second runs out of
        // the JVM's budget before reaching its own, and so do the others.
        assertThat(r).exitedWith(0).exceeded(Limit.OPEN_FILES).stdoutIs("""
                child 0: Too many open files
                child 1: Too many open files in system
                child 2: Too many open files in system
                child 3: Too many open files in system
                """);
        assertTrue(r.describe().contains("host file descriptors"), r.describe());
        assertTrue(dev.jlibos.vfs.HostFdBudget.held() == before,
                () -> dev.jlibos.vfs.HostFdBudget.held() + " host fds held after the run, " + before + " before");
        assertThat(guests.busybox("echo", "next guest").run()).exitedWith(0).stdoutIs("next guest\n");
    }

    @JlibosTest
    void aForkBombStopsAtTheCommittedMemoryLimitWithEnomem(GuestRunner guests) throws Exception {
        Path bomb = TestPrograms.compile(guests.workDir(), "forkmem", """
                #include <errno.h>
                #include <stdio.h>
                #include <string.h>
                #include <unistd.h>
                int main(void) {
                    for (int n = 0; n < 100; n++) {
                        pid_t pid = fork();
                        if (pid == 0) { pause(); _exit(0); }
                        if (pid < 0) { printf("forked %s then %s\\n", n > 2 && n < 20 ? "a few" : "too many or none", strerror(errno)); return 0; }
                    }
                    puts("no limit");
                    return 1;
                }
                """);

        // Each process costs an engine (8 MiB) and its 8 MiB stack, so 160 MiB hold a handful of them.
        GuestResult r = guests.program(bomb.toString()).committedMemory(160L << 20).run();

        assertThat(r).exitedWith(0).exceeded(Limit.MEMORY).stdoutIs("forked a few then Cannot allocate memory\n");
        assertThat(guests.busybox("echo", "next guest").run()).exitedWith(0).stdoutIs("next guest\n");
    }
}
