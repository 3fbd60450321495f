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
}
