package dev.jlibos.syscalls.trace;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON Lines and strace -c sinks on hand-made records. */
class TraceSinksTest {
    private static SyscallRecord record(String name, int nr, long result, long nanos, String text) {
        return new SyscallRecord(1000, 1001, nr, name, new long[] {-100, 4096, 0, 0, 0, 0}, result,
                SyscallRecord.errnoOf(result), 5, nanos, text);
    }

    @Test
    void jsonLineHasEveryFieldAndEscapesText() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesTrace trace = new JsonLinesTrace(out)) {
            trace.onSyscall(record("openat", 257, -2, 1500, "openat(AT_FDCWD, \"/a\\\\b\n\", O_RDONLY) = -1 ENOENT"));
            trace.onSyscall(record("getpid", 39, 1000, 80, null));
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(
                "{\"pid\":1000,\"tid\":1001,\"nr\":257,\"name\":\"openat\",\"args\":[-100,4096,0,0,0,0],\"result\":-2,"
                        + "\"errno\":\"ENOENT\",\"start_ns\":5,\"duration_ns\":1500,"
                        + "\"text\":\"openat(AT_FDCWD, \\\"/a\\\\\\\\b\\n\\\", O_RDONLY) = -1 ENOENT\"}",
                "{\"pid\":1000,\"tid\":1001,\"nr\":39,\"name\":\"getpid\",\"args\":[-100,4096,0,0,0,0],\"result\":1000,"
                        + "\"errno\":null,\"start_ns\":5,\"duration_ns\":80}"), lines);
    }

    @Test
    void mmapAddressesAreNotErrors() {
        assertEquals(0, SyscallRecord.errnoOf(-4096L * 2));
        assertEquals(0, SyscallRecord.errnoOf(0x7fff_0000_0000L));
        assertEquals(4095, SyscallRecord.errnoOf(-4095));
    }

    @Test
    void statsTableIsSortedByTimeWithTotals() {
        SyscallStats stats = new SyscallStats();
        stats.onSyscall(record("read", 0, 10, 3_000, null));
        stats.onSyscall(record("read", 0, -11, 1_000, null));
        stats.onSyscall(record("write", 1, 10, 12_000, null));
        assertEquals("""
                % time     seconds  usecs/call     calls    errors syscall
                ------ ----------- ----------- --------- --------- ----------------
                 75.00    0.000012          12         1           write
                 25.00    0.000004           2         2         1 read
                ------ ----------- ----------- --------- --------- ----------------
                100.00    0.000016           5         3         1 total
                """, stats.format());
    }
}
