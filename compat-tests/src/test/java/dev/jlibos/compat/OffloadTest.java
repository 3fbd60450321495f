package dev.jlibos.compat;

import dev.jlibos.compat.GuestPrograms.Flavour;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.syscalls.offload.OffloadPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offload to the host kernel: src/test/c/offload.c natively and under each policy. Forwarded calls
 * must give exactly what served calls (and Linux) give; --strace shows which calls went to the host.
 * Identity calls (getpid, getuid...) are never forwarded: the guest's pid namespace is not the JVM's.
 */
class OffloadTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private record Run(String stdout, String strace, ExitStatus status) {
        /** Names of the calls --strace marked as forwarded. */
        Set<String> forwarded() {
            Set<String> names = new TreeSet<>();
            for (String line : strace.split("\n")) {
                if (line.endsWith(" [host]")) names.add(line.substring(0, line.indexOf('(')));
            }
            return names;
        }

        Set<String> served() {
            Set<String> names = new TreeSet<>();
            for (String line : strace.split("\n")) {
                if (!line.endsWith(" [host]") && line.indexOf('(') > 0) names.add(line.substring(0, line.indexOf('(')));
            }
            return names;
        }
    }

    private static Run run(Machine.Builder b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), trace = new ByteArrayOutputStream();
        ExitStatus s = b.stdout(out).stderr(new ByteArrayOutputStream())
                .strace(new PrintStream(trace, true, StandardCharsets.UTF_8))
                .timeout(Duration.ofSeconds(60)).build().run();
        return new Run(out.toString(StandardCharsets.UTF_8), trace.toString(StandardCharsets.UTF_8), s);
    }

    private static Run offloadProgram(Path dir, OffloadPolicy policy) throws Exception {
        Path bin = GuestPrograms.binary(Flavour.GLIBC, "offload");
        return run(Machine.builder().program(bin.toString()).args(List.of("offload", dir.toString()))
                .cwd(dir.toString()).offload(policy));
    }

    @Test
    void forwardedCallsGiveWhatServedCallsAndLinuxGive(@TempDir Path dir) throws Exception {
        Path bin = GuestPrograms.binary(Flavour.GLIBC, "offload");
        RunResult linux = new NativeRunner().run(bin, List.of(bin.toString(), dir.toString()), List.of(), dir, new byte[0]);
        assertEquals(0, linux.exitCode(), linux.stdoutText());
        Run served = offloadProgram(dir, null); // default: auto, only unimplemented calls forwarded
        Run all = offloadProgram(dir, OffloadPolicy.ALL);
        assertEquals(linux.stdoutText(), served.stdout());
        assertEquals(linux.stdoutText(), all.stdout());
        assertEquals(0, all.status().code());

        assertEquals(Set.of("memfd_create", "syncfs"), served.forwarded(),
                "auto forwards only what jlibos does not implement");
        for (String call : List.of("getrandom", "read", "write", "pread64", "pwrite64", "lseek", "fstat", "stat",
                "newfstatat", "openat", "readlink", "unlink", "rename", "access")) {
            assertTrue(all.forwarded().contains(call), call + " forwarded with --offload=all: " + all.forwarded());
        }
        for (String call : List.of("mmap", "brk", "mprotect", "arch_prctl", "set_tid_address", "exit_group", "close",
                "chdir", "rt_sigaction", "prlimit64", "uname" /* the guest's names are its own (sethostname) */)) {
            assertFalse(all.forwarded().contains(call), call + " must never be forwarded");
        }
    }

    @Test
    void noneGivesEnosysForUnimplementedCalls(@TempDir Path dir) throws Exception {
        Run none = offloadProgram(dir, OffloadPolicy.NONE);
        assertTrue(none.forwarded().isEmpty(), none.forwarded().toString());
        assertTrue(none.stdout().contains("flock = 0\n"), none.stdout()); // served by jlibos (FileLockCalls)
        assertTrue(none.stdout().contains("memfd_create: Function not implemented"), none.stdout());
    }

    /** A sandbox walks every path itself: even --offload=all forwards no path-taking call there. */
    @Test
    void aSandboxNeverForwardsPaths() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox not installed");
        Run r = run(Machine.builder().program(BUSYBOX.toString()).sandbox().file("/data/x.txt", "hello\n".getBytes())
                .args(List.of("busybox", "sha256sum", "/data/x.txt")).offload(OffloadPolicy.ALL));
        assertEquals(0, r.status().code());
        assertTrue(r.stdout().startsWith("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"), r.stdout());
        for (String call : r.forwarded()) {
            assertFalse(Set.of("open", "openat", "stat", "newfstatat", "access", "readlink", "statx").contains(call), call);
        }
        assertTrue(r.forwarded().contains("read"), "the file's host fd is still forwarded: " + r.forwarded());
    }

    /** A pipe or a Java stream has no host fd: with --offload=all such calls are served, not failed. */
    @Test
    void callsOnDescriptionsWithoutHostFdAreServed() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox not installed");
        Run r = run(Machine.builder().program(BUSYBOX.toString()).args(List.of("busybox", "sh", "-c", "echo hi | busybox cat"))
                .offload(OffloadPolicy.ALL));
        assertEquals("hi\n", r.stdout());
        assertTrue(r.served().contains("write"), r.served().toString()); // echo into the pipe, cat to the stream
    }
}
