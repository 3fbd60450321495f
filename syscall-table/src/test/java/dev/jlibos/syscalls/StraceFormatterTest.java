package dev.jlibos.syscalls;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Expected lines are what strace 6.1 printed on Linux x86-64 for the same calls (only guest addresses,
 * which differ from run to run, were replaced by addresses of this test's memory).
 */
class StraceFormatterTest {
    private final TestGuest g = new TestGuest();
    private final StraceFormatter f = new StraceFormatter();

    private String exit(String name, long result, long... args) {
        return f.formatExit(SyscallTable.byName(name), args, result, g.mem);
    }

    private String entry(String name, long... args) {
        return f.formatEntry(SyscallTable.byName(name), args, g.mem);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------------------------------------
    // Whole lines

    @Test
    void writeEscapesAndAligns() {
        long hi = g.bytes(latin1("hello\n"));
        assertEquals("write(1, \"hello\\n\", 6)", entry("write", 1, hi, 6));
        assertEquals("write(1, \"hello\\n\", 6)                  = 6", exit("write", 6, 1, hi, 6));
        long mixed = g.bytes(latin1("\0" + "1\0a\u000b\f\u007f\u0080 digits\u0001" + "8\u0001" + "9\0"));
        assertEquals("write(1, \"\\0001\\0a\\v\\f\\177\\200 digits\\18\\19\\0\", 20) = 20", exit("write", 20, 1, mixed, 20));
        long utf8 = g.bytes("é€".getBytes(StandardCharsets.UTF_8));
        assertEquals("write(1, \"\\303\\251\\342\\202\\254\", 5)     = 5", exit("write", 5, 1, utf8, 5));
    }

    @Test
    void buffersAreCutAt32Bytes() {
        long s = g.bytes(latin1("abcdefghijklmnopqrstuvwxyz0123456789"));
        assertEquals("write(1, \"abcdefghijklmnopqrstuvwxyz012345\"..., 36) = 36", exit("write", 36, 1, s, 36));
        assertEquals("write(1, \"abcdefghijklmnopqrstuvwxyz012345\", 32) = 32", exit("write", 32, 1, s, 32));
        assertEquals("write(1, \"abcdefghijklmnopqrstuvwxyz012345\"..., 33) = 33", exit("write", 33, 1, s, 33));
    }

    @Test
    void readShowsThePointerBeforeAndTheDataAfter() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, '>', 0, 1, 0, 0, 0,
            0x10, 't', 2, 0, 0, 0, 0, 0, 0x40, 0, 0, 0};
        long buf = g.bytes(elf);
        assertEquals("read(3, 0x" + Long.toHexString(buf) + ", 832)", entry("read", 3, buf, 832));
        assertEquals("read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832",
                exit("read", 832, 3, buf, 832));
        assertEquals("read(0, \"\", 0)                          = 0", exit("read", 0, 0, buf, 0));
        assertEquals("read(0, NULL, 0)                        = 0", exit("read", 0, 0, 0, 0));
        // strace pads the call to column 40 before "= ".
        assertEquals(String.format("%-40s= -1 EBADF (Bad file descriptor)", "read(-1, 0x" + Long.toHexString(buf) + ", 10) "),
                exit("read", -9, -1, buf, 10));
        assertEquals("pread64(0, \"\", 5, 4294967295)           = 0", exit("pread64", 0, 0, buf, 5, 4294967295L));
    }

    @Test
    void badPointersPrintAsHex() {
        assertEquals("write(1, 0x10, 5)                       = 5", exit("write", 5, 1, TestGuest.BAD, 5));
        assertEquals("read(55, 0x10, 10)                      = -1 EBADF (Bad file descriptor)",
                exit("read", -9, 55, TestGuest.BAD, 10));
        assertEquals("access(0x10, F_OK)                      = -1 EFAULT (Bad address)",
                exit("access", -14, TestGuest.BAD, 0));
        assertEquals("rt_sigprocmask(SIG_BLOCK, 0x10, NULL, 8) = -1 EFAULT (Bad address)",
                exit("rt_sigprocmask", -14, 0, TestGuest.BAD, 0, 8));
        // A string or buffer that runs off the end of its mapping faults as a whole.
        long unterminated = g.tail(latin1("abc"));
        assertEquals("chdir(0x" + Long.toHexString(unterminated) + ")", entry("chdir", unterminated));
        assertEquals("write(1, 0x" + Long.toHexString(unterminated) + ", 4)", entry("write", 1, unterminated, 4));
        assertEquals("write(1, \"abc\", 3)", entry("write", 1, unterminated, 3));
        assertEquals("execve(0x10, 0x10, 0x10)", entry("execve", TestGuest.BAD, TestGuest.BAD, TestGuest.BAD));
    }

    @Test
    void withoutMemoryEverythingIsANumber() {
        assertEquals("openat(AT_FDCWD, 0x10000, O_RDONLY)", f.formatEntry(Sysno.OPENAT, new long[] {AT_FDCWD, 0x10000, 0}, null));
    }

    @Test
    void openFamily() {
        long p = g.cstr("/nonexist");
        assertEquals("openat(AT_FDCWD, \"/nonexist\", O_RDONLY|O_CREAT|O_EXCL|0x80000000, 0644) = 3",
                exit("openat", 3, AT_FDCWD, p, 0100 | 0200 | 0x80000000L, 0644));
        assertEquals("openat(AT_FDCWD, \"/nonexist\", O_WRONLY|O_TRUNC|O_NOFOLLOW|O_PATH|O_TMPFILE, 000) = -1 ENOTDIR (Not a directory)",
                exit("openat", -20, AT_FDCWD, p, 1 | 01000 | 0400000 | 0200000 | 010000000 | 020200000, 0));
        long x = g.cstr("x");
        assertEquals("openat(5, \"x\", O_ACCMODE)               = -1 EBADF (Bad file descriptor)",
                exit("openat", -9, 5, x, 3, 0777));
        assertEquals("open(\"/nonexist\", O_RDONLY|O_CLOEXEC)   = 3", exit("open", 3, p, 02000000, 0));
        long dev = g.cstr("/dev/null");
        assertEquals("openat(AT_FDCWD, \"/dev/null\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3",
                exit("openat", 3, AT_FDCWD, dev, 1 | 0100 | 01000, 0666));
        long dot = g.cstr(".");
        assertEquals("openat(AT_FDCWD, \".\", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY)",
                entry("openat", AT_FDCWD, dot, 04000 | 02000000 | 0200000));
        assertEquals("openat(AT_FDCWD, \"/nonexist\", O_RDONLY) = -1 ENOENT (No such file or directory)",
                exit("openat", -2, AT_FDCWD, p, 0, 0));
    }

    @Test
    void pathsAreNotCut() {
        long p = g.cstr("/a/very/long/path/name/that/exceeds/thirty/two/bytes/for/sure");
        assertEquals("openat(AT_FDCWD, \"/a/very/long/path/name/that/exceeds/thirty/two/bytes/for/sure\", O_RDONLY) = -1 ENOENT (No such file or directory)",
                exit("openat", -2, AT_FDCWD, p, 0, 0));
    }

    @Test
    void memoryCalls() {
        assertEquals("mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|0x100, MAP_SHARED|MAP_ANONYMOUS|MAP_STACK|16<<MAP_HUGE_SHIFT, -1, 0) = 0x7f0de7361000",
                exit("mmap", 0x7f0de7361000L, 0, 4096, 0x107, 0x1 | 0x20 | 0x20000 | 0x40000000, -1, 0));
        assertEquals("mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE|MAP_GROWSDOWN, -1, 0) = 0x7f0de7360000",
                exit("mmap", 0x7f0de7360000L, 0, 4096, 0, 0x2 | 0x20 | 0x4000 | 0x8000 | 0x100, -1, 0));
        assertEquals("mmap(0x7fc9bbc1f000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7fc9bbc1f000",
                exit("mmap", 0x7fc9bbc1f000L, 0x7fc9bbc1f000L, 1400832, 5, 0x2 | 0x10 | 0x800, 3, 0x26000));
        assertEquals("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0) = -1 ENOMEM (Cannot allocate memory)",
                exit("mmap", -12, 0, 4096, 1, 2, -1, 0));
        assertEquals("brk(NULL)                               = 0x55eba728b000", exit("brk", 0x55eba728b000L, 0));
        assertEquals("mprotect(0x1000, 4096, PROT_NONE)       = -1 ENOMEM (Cannot allocate memory)",
                exit("mprotect", -12, 0x1000, 4096, 0));
        assertEquals("munmap(0x10000, 4096)                   = 0", exit("munmap", 0, 0x10000, 4096));
    }

    @Test
    void atCalls() {
        long x = g.cstr("/x");
        assertEquals("newfstatat(AT_FDCWD, \"/x\", 0x7ffd9bc4f860, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|0x10000000) = -1 EINVAL (Invalid argument)",
                exit("newfstatat", -22, AT_FDCWD, x, 0x7ffd9bc4f860L, 0x100 | 0x1000 | 0x10000000));
        assertEquals("newfstatat(-5, \"/x\", 0x7ffd9bc4f860, AT_EMPTY_PATH) = -1 ENOENT (No such file or directory)",
                exit("newfstatat", -2, -5, x, 0x7ffd9bc4f860L, 0x1000));
        assertEquals("faccessat2(AT_FDCWD, \"/x\", F_OK, AT_EACCESS) = -1 ENOENT (No such file or directory)",
                exit("faccessat2", -2, AT_FDCWD, x, 0, 0x200));
        assertEquals("unlinkat(AT_FDCWD, \"/x\", AT_REMOVEDIR)  = -1 ENOENT (No such file or directory)",
                exit("unlinkat", -2, AT_FDCWD, x, 0x200));
        assertEquals("access(\"/x\", R_OK|W_OK|X_OK)            = -1 ENOENT (No such file or directory)",
                exit("access", -2, x, 7));
        assertEquals("fchmodat(AT_FDCWD, \"/x\", 0644)          = -1 ENOENT (No such file or directory)",
                exit("fchmodat", -2, AT_FDCWD, x, 0644));
        assertEquals("chmod(\"/x\", 04755)                      = -1 ENOENT (No such file or directory)",
                exit("chmod", -2, x, 04755));
        long xy = g.cstr("/x/y");
        assertEquals("mkdir(\"/x/y\", 000)                      = -1 ENOENT (No such file or directory)",
                exit("mkdir", -2, xy, 0));
    }

    @Test
    void fdControl() {
        assertEquals("lseek(0, -5, SEEK_END)                  = 0", exit("lseek", 0, 0, -5, 2));
        assertEquals("lseek(0, 1, 0x7 /* SEEK_??? */)         = -1 EINVAL (Invalid argument)", exit("lseek", -22, 0, 1, 7));
        assertEquals("ioctl(1, TIOCGWINSZ, 0x7ffd9bc4f858)    = -1 ENOTTY (Inappropriate ioctl for device)",
                exit("ioctl", -25, 1, 0x5413, 0x7ffd9bc4f858L));
        assertEquals("ioctl(1, _IOC(_IOC_NONE, 0x56, 0x78, 0x1234), 0x7ffd9bc4f860) = -1 ENOTTY (Inappropriate ioctl for device)",
                exit("ioctl", -25, 1, 0x12345678, 0x7ffd9bc4f860L));
        assertEquals("fcntl(1, F_GETFL)", entry("fcntl", 1, 3, 0x7ffd9bc4f860L));
        assertEquals("fcntl(1, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0", exit("fcntl", 0, 1, 4, 02000 | 04000));
        assertEquals("fcntl(1, F_DUPFD, 10)                   = 11", exit("fcntl", 11, 1, 0, 10));
        assertEquals("fcntl(11, F_SETFD, FD_CLOEXEC)          = 0", exit("fcntl", 0, 11, 2, 1));
        assertEquals("fcntl(1, 0x63 /* F_??? */, 0)           = -1 EINVAL (Invalid argument)", exit("fcntl", -22, 1, 99, 0));
        assertEquals("close(-1)                               = -1 EBADF (Bad file descriptor)", exit("close", -9, 0xffffffffL));
        assertEquals("dup2(1, 1)                              = 1", exit("dup2", 1, 1, 1));
    }

    @Test
    void signals() {
        assertEquals("kill(0, 0)                              = 0", exit("kill", 0, 0, 0));
        assertEquals("kill(99999999, SIGINT)                  = -1 ESRCH (No such process)", exit("kill", -3, 99999999, 2));
        assertEquals("kill(99999999, SIGRT_8)                 = -1 ESRCH (No such process)", exit("kill", -3, 99999999, 40));
        assertEquals("kill(99999999, 99)                      = -1 ESRCH (No such process)", exit("kill", -3, 99999999, 99));
        assertEquals("rt_sigaction(SIGRT_32, NULL, NULL, 8)   = 0", exit("rt_sigaction", 0, 64, 0, 0, 8));
        assertEquals("rt_sigaction(SIGRTMIN, NULL, NULL, 8)   = 0", exit("rt_sigaction", 0, 32, 0, 0, 8));
        assertEquals("rt_sigaction(SIGRT_1, NULL, NULL, 8)    = 0", exit("rt_sigaction", 0, 33, 0, 0, 8));

        long set = g.u64(bit(2) | bit(15) | bit(40));
        long old = g.u64(0);
        assertEquals("rt_sigprocmask(SIG_BLOCK, [INT TERM RT_8], 0x" + Long.toHexString(old) + ", 8)",
                entry("rt_sigprocmask", 0, set, old, 8));
        assertEquals("rt_sigprocmask(SIG_BLOCK, [INT TERM RT_8], [], 8) = 0", exit("rt_sigprocmask", 0, 0, set, old, 8));
        long allButThree = g.u64(~(bit(2) | bit(32) | bit(33)));
        assertEquals("rt_sigprocmask(SIG_SETMASK, ~[INT RTMIN RT_1], [], 8) = 0",
                exit("rt_sigprocmask", 0, 2, allButThree, old, 8));
        long glibcBlockAll = g.u64(~(bit(9) | bit(19) | bit(32) | bit(33)));
        long empty = g.u64(0);
        assertEquals("rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0",
                exit("rt_sigprocmask", 0, 2, empty, glibcBlockAll, 8));
        assertEquals("rt_sigprocmask(0x7 /* SIG_??? */, NULL, NULL, 8) = 0", exit("rt_sigprocmask", 0, 7, 0, 0, 8));
    }

    private static long bit(int sig) {
        return 1L << (sig - 1);
    }

    @Test
    void execve() {
        long path = g.cstr("/nonexist");
        long argv = g.pointers(g.cstr("ls"), g.cstr("-l"), g.cstr("a string argument that is longer than thirty-two chars"));
        long envp = g.pointers(g.cstr("A=1"), g.cstr("B=2"));
        assertEquals("execve(\"/nonexist\", [\"ls\", \"-l\", \"a string argument that is longer\"...], 0x"
                + Long.toHexString(envp) + " /* 2 vars */) = -1 EACCES (Permission denied)",
                exit("execve", -13, path, argv, envp));
        long x = g.cstr("x");
        long[] many = new long[36];
        java.util.Arrays.fill(many, x);
        long manyArgv = g.pointers(many);
        String expected = "execve(\"/nonexist\", [" + "\"x\", ".repeat(32) + "...], 0x" + Long.toHexString(envp) + " /* 2 vars */)";
        assertEquals(expected, entry("execve", path, manyArgv, envp));
        assertEquals("execve(\"/nonexist\", NULL, NULL)         = -1 EACCES (Permission denied)",
                exit("execve", -13, path, 0, 0));
        long oneBad = g.pointers(g.cstr("ls"), TestGuest.BAD);
        assertEquals("execve(\"/nonexist\", [\"ls\", 0x10], NULL)", entry("execve", path, oneBad, 0));
    }

    @Test
    void processAndMisc() {
        assertEquals("arch_prctl(ARCH_SET_FS, 0x7fc9bbbf6740) = 0", exit("arch_prctl", 0, 0x1002, 0x7fc9bbbf6740L));
        assertEquals("arch_prctl(0x3001 /* ARCH_??? */, 0x10) = -1 EINVAL (Invalid argument)", exit("arch_prctl", -22, 0x3001, 0x10));
        assertEquals("clock_gettime(0x4d /* CLOCK_??? */, 0x7ffd9bc4f840) = -1 EINVAL (Invalid argument)",
                exit("clock_gettime", -22, 77, 0x7ffd9bc4f840L));
        assertEquals("clock_gettime(CLOCK_MONOTONIC, 0x7ffd9bc4f840) = 0", exit("clock_gettime", 0, 1, 0x7ffd9bc4f840L));
        assertEquals("exit_group(3)                           = ?", exit("exit_group", 0, 0x100000003L));
        assertEquals("getpid()                                = 4000", exit("getpid", 4000));
        assertEquals("set_robust_list(0x10, 24)               = 0", exit("set_robust_list", 0, 0x10, 24));
        assertEquals("umask(022)                              = 02", exit("umask", 2, 022));
        assertEquals("futex(0x7f00001000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 4294967295)",
                entry("futex", 0x7f00001000L, 9 | 128 | 256, 0, 0, 0, 0xffffffffL));
        assertEquals("prlimit64(0, RLIMIT_STACK, NULL, 0x7ffd9bc4f840) = 0", exit("prlimit64", 0, 0, 3, 0, 0x7ffd9bc4f840L));
        assertEquals("pipe2(0x7ffd9bc4f840, O_CLOEXEC)        = 0", exit("pipe2", 0, 0x7ffd9bc4f840L, 02000000));
    }

    @Test
    void getcwdDecodesItsOutputString() {
        long buf = g.cstr("/tmp");
        assertEquals("getcwd(0x" + Long.toHexString(buf) + ", 4096)", entry("getcwd", buf, 4096));
        assertEquals("getcwd(\"/tmp\", 4096)                    = 5", exit("getcwd", 5, buf, 4096));
    }

    @Test
    void unknownNumbers() {
        assertEquals("syscall_0x190(0x1, 0x2, 0xffffffffffffff80, 0x5, 0x6, 0) = -1 ENOSYS (Function not implemented)",
                f.formatExit(400, new long[] {1, 2, -128, 5, 6, 0}, -38, g.mem));
        assertEquals("syscall_0x3e8(0, 0, 0, 0, 0, 0)", f.formatEntry(1000, new long[0], g.mem));
    }

    @Test
    void results() {
        assertEquals("-1 ENOENT (No such file or directory)", StraceFormatter.formatResult(ResultKind.LONG, -2));
        assertEquals("-1 ERRNO_512 (Unknown error 512)", StraceFormatter.formatResult(ResultKind.LONG, -512));
        assertEquals("-4096", StraceFormatter.formatResult(ResultKind.LONG, -4096));
        assertEquals("0x7f0000000000", StraceFormatter.formatResult(ResultKind.HEX, 0x7f0000000000L));
        assertEquals("0", StraceFormatter.formatResult(ResultKind.OCTAL, 0));
        assertEquals("?", StraceFormatter.formatResult(ResultKind.NONE, 0));
    }

    @Test
    void alignmentAndLimitAreConfigurable() {
        long s = g.bytes(latin1("hello\n"));
        StraceFormatter compact = new StraceFormatter(3, 0);
        assertEquals("write(1, \"hel\"..., 6) = 6",
                compact.formatExit(SyscallTable.byName("write"), new long[] {1, s, 6}, 6, g.mem));
    }
}
