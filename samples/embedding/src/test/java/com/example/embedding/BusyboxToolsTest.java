package com.example.embedding;

import dev.jlibos.junit.GuestResult;
import dev.jlibos.junit.GuestRunner;
import dev.jlibos.junit.JlibosTest;
import dev.jlibos.kernel.process.Limit;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static dev.jlibos.junit.GuestAssertions.assertThat;

/** How a project tests native command-line tools with jlibos: one hermetic sandbox per guest run. */
class BusyboxToolsTest {
    @JlibosTest
    void sha256sumOfAnInMemoryFile(GuestRunner guests) {
        GuestResult r = guests.busybox("sha256sum", "/data/fox.txt")
                .file("/data/fox.txt", "The quick brown fox jumps over the lazy dog")
                .run();

        assertThat(r).exitedWith(0)
                .stdoutIs("d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592  /data/fox.txt\n");
    }

    @JlibosTest
    void aPipelineWritesItsReportToTmpfs(GuestRunner guests) {
        GuestResult r = guests.sh("sort /in/names | uniq -c | sort -rn > /out/report")
                .file("/in/names", "bob\nalice\nbob\ncarol\nbob\nalice\n")
                .tmpfs("/out")
                .run();

        assertThat(r).exitedWith(0).stderrIsEmpty()
                .fileIs("/out/report", "      3 bob\n      2 alice\n      1 carol\n");
    }

    @JlibosTest
    void inputsAndOutputsThroughTheTestsWorkDirectory(GuestRunner guests) throws Exception {
        Files.writeString(guests.workDir().resolve("numbers.txt"), "3\n1\n2\n");

        GuestResult r = guests.sh("sort -n numbers.txt > sorted.txt").run(); // cwd is /work = workDir()

        assertThat(r).exitedWith(0);
        org.junit.jupiter.api.Assertions.assertEquals("1\n2\n3\n", Files.readString(guests.workDir().resolve("sorted.txt")));
    }

    @JlibosTest
    void aHungToolIsKilledAtItsTimeout(GuestRunner guests) {
        GuestResult r = guests.sh("while :; do :; done").timeout(Duration.ofMillis(500)).run();

        assertThat(r).timedOut().killedBy(9).exceeded(Limit.TIMEOUT);
    }

    @JlibosTest
    void guestsRunInParallel(GuestRunner guests) {
        List<GuestResult> rs = guests.runAll(
                guests.busybox("echo", "first"),
                guests.busybox("echo", "second"));

        assertThat(rs.get(0)).stdoutIs("first\n");
        assertThat(rs.get(1)).stdoutIs("second\n");
    }
}
