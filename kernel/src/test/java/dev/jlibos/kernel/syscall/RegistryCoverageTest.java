package dev.jlibos.kernel.syscall;

import dev.jlibos.kernel.Families;
import dev.jlibos.syscalls.SyscallTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry covers the ABI table and serves every call static glibc, musl and busybox need (issue 2). */
class RegistryCoverageTest {
    /** Issue 2's list: what static glibc 2.36 / musl 1.2 programs and busybox applets call. */
    private static final List<String> REQUIRED = List.of(
            "exit", "exit_group", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
            "setuid", "setgid", "uname", "sysinfo", "prlimit64", "getrlimit", "set_tid_address",
            "set_robust_list", "rseq", "arch_prctl",
            "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
            "open", "openat", "close", "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
            "fstat", "stat", "lstat", "newfstatat", "statx", "getdents64", "access", "faccessat", "faccessat2",
            "getcwd", "chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename",
            "renameat", "renameat2", "symlink", "symlinkat", "readlink", "readlinkat", "link", "linkat",
            "chmod", "fchmod", "fchmodat", "utimensat", "ftruncate", "truncate", "fsync", "dup", "dup2", "dup3",
            "fcntl", "ioctl", "pipe", "pipe2", "umask", "getrandom",
            "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
            "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "kill", "tgkill", "tkill");

    @Test
    void everyNumberOfTheAbiTableHasAnEntry() {
        List<SyscallRegistry.Entry> all = Families.registry().describeAll();
        assertEquals(SyscallTable.all().size(), all.size());
        for (SyscallRegistry.Entry e : all) {
            assertNotNull(e.support(), e.def().name());
            if (e.support() == Support.PARTIAL) assertTrue(!e.note().isBlank(), e.def().name() + " needs a note");
            if (e.support() == Support.ERRNO) assertNotNull(e.errno(), e.def().name());
        }
    }

    @Test
    void everySyscallIssueTwoNeedsIsServed() {
        List<String> missing = new ArrayList<>();
        for (SyscallRegistry.Entry e : Families.registry().describeAll()) {
            if (REQUIRED.contains(e.def().name()) && e.support() == Support.UNIMPLEMENTED) missing.add(e.def().name());
        }
        assertEquals(List.of(), missing, "required syscalls without a handler");
    }
}
