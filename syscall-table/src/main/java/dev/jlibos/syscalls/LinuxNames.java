package dev.jlibos.syscalls;

import static dev.jlibos.core.abi.Fcntl.F_DUPFD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFD;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;
import static dev.jlibos.core.abi.Fcntl.F_GETOWN;
import static dev.jlibos.core.abi.Fcntl.F_GETPIPE_SZ;
import static dev.jlibos.core.abi.Fcntl.F_SETFD;
import static dev.jlibos.core.abi.Fcntl.F_SETFL;
import static dev.jlibos.core.abi.Fcntl.F_SETOWN;
import static dev.jlibos.core.abi.Fcntl.F_SETPIPE_SZ;

/**
 * Names of the Linux x86-64 constants the formatter decodes. Values are the guest's (generic Linux/x86
 * ABI), written in the radix the kernel headers use so they can be checked by eye.
 *
 * <p>Bit-set tables list names in the order strace prints them, which is not always numeric.
 */
final class LinuxNames {
    private LinuxNames() {
    }

    /** O_TMPFILE without its O_DIRECTORY part: the bit that alone makes open take a mode. */
    static final int O_TMPFILE_BIT = 020000000;

    static final String[] ACCESS_MODES = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

    static final SymbolTable OPEN_FLAGS = new SymbolTable("O_")
            .add(0100, "O_CREAT").add(0200, "O_EXCL").add(0400, "O_NOCTTY").add(01000, "O_TRUNC")
            .add(02000, "O_APPEND").add(04000, "O_NONBLOCK")
            .add(04010000, "O_SYNC").add(010000, "O_DSYNC") // O_SYNC includes O_DSYNC's bit
            .add(020000, "O_ASYNC").add(040000, "O_DIRECT").add(0100000, "O_LARGEFILE")
            .add(0400000, "O_NOFOLLOW").add(01000000, "O_NOATIME").add(02000000, "O_CLOEXEC")
            .add(010000000, "O_PATH")
            .add(020200000, "O_TMPFILE").add(0200000, "O_DIRECTORY"); // O_TMPFILE includes O_DIRECTORY

    static final SymbolTable PROT = new SymbolTable("PROT_")
            .add(0x1, "PROT_READ").add(0x2, "PROT_WRITE").add(0x4, "PROT_EXEC").add(0x8, "PROT_SEM")
            .add(0x01000000, "PROT_GROWSDOWN").add(0x02000000, "PROT_GROWSUP");

    static final SymbolTable MAP_TYPES = new SymbolTable("MAP_")
            .add(0x1, "MAP_SHARED").add(0x2, "MAP_PRIVATE").add(0x3, "MAP_SHARED_VALIDATE");
    static final int MAP_TYPE_MASK = 0xf;
    /** Bits 26..31 of mmap flags carry log2 of the huge page size, not flags. */
    static final int MAP_HUGE_SHIFT = 26;
    static final int MAP_HUGE_MASK = 0x3f;

    static final SymbolTable MAP_FLAGS = new SymbolTable("MAP_")
            .add(0x10, "MAP_FIXED").add(0x20, "MAP_ANONYMOUS").add(0x40, "MAP_32BIT")
            .add(0x4000, "MAP_NORESERVE").add(0x8000, "MAP_POPULATE").add(0x10000, "MAP_NONBLOCK")
            .add(0x100, "MAP_GROWSDOWN").add(0x800, "MAP_DENYWRITE").add(0x1000, "MAP_EXECUTABLE")
            .add(0x2000, "MAP_LOCKED").add(0x20000, "MAP_STACK").add(0x40000, "MAP_HUGETLB")
            .add(0x80000, "MAP_SYNC").add(0x100000, "MAP_FIXED_NOREPLACE");

    /** 0x200 is AT_REMOVEDIR for unlinkat but AT_EACCESS for faccessat2; faccessat2 uses {@link #AT_ACCESS_FLAGS}. */
    static final SymbolTable AT_FLAGS = new SymbolTable("AT_")
            .add(0x100, "AT_SYMLINK_NOFOLLOW").add(0x200, "AT_REMOVEDIR").add(0x400, "AT_SYMLINK_FOLLOW")
            .add(0x800, "AT_NO_AUTOMOUNT").add(0x1000, "AT_EMPTY_PATH").add(0x2000, "AT_STATX_FORCE_SYNC")
            .add(0x4000, "AT_STATX_DONT_SYNC").add(0x8000, "AT_RECURSIVE");

    static final SymbolTable AT_ACCESS_FLAGS = new SymbolTable("AT_")
            .add(0x100, "AT_SYMLINK_NOFOLLOW").add(0x200, "AT_EACCESS").add(0x1000, "AT_EMPTY_PATH");

    static final SymbolTable ACCESS = new SymbolTable("")
            .add(4, "R_OK").add(2, "W_OK").add(1, "X_OK");

    static final SymbolTable WHENCE = new SymbolTable("SEEK_")
            .add(0, "SEEK_SET").add(1, "SEEK_CUR").add(2, "SEEK_END").add(3, "SEEK_DATA").add(4, "SEEK_HOLE");

    static final SymbolTable SIGMASK_HOW = new SymbolTable("SIG_")
            .add(0, "SIG_BLOCK").add(1, "SIG_UNBLOCK").add(2, "SIG_SETMASK");

    static final SymbolTable CLOCKS = new SymbolTable("CLOCK_")
            .add(0, "CLOCK_REALTIME").add(1, "CLOCK_MONOTONIC").add(2, "CLOCK_PROCESS_CPUTIME_ID")
            .add(3, "CLOCK_THREAD_CPUTIME_ID").add(4, "CLOCK_MONOTONIC_RAW").add(5, "CLOCK_REALTIME_COARSE")
            .add(6, "CLOCK_MONOTONIC_COARSE").add(7, "CLOCK_BOOTTIME").add(8, "CLOCK_REALTIME_ALARM")
            .add(9, "CLOCK_BOOTTIME_ALARM").add(11, "CLOCK_TAI");

    static final int F_SETSIG = 10, F_GETSIG = 11, F_SETLEASE = 1024, F_GETLEASE = 1025, F_NOTIFY = 1026, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;

    static final SymbolTable FCNTL = new SymbolTable("F_")
            .add(F_DUPFD, "F_DUPFD").add(F_GETFD, "F_GETFD").add(F_SETFD, "F_SETFD").add(F_GETFL, "F_GETFL")
            .add(F_SETFL, "F_SETFL").add(5, "F_GETLK").add(6, "F_SETLK").add(7, "F_SETLKW")
            .add(F_SETOWN, "F_SETOWN").add(F_GETOWN, "F_GETOWN").add(F_SETSIG, "F_SETSIG")
            .add(F_GETSIG, "F_GETSIG").add(15, "F_SETOWN_EX").add(16, "F_GETOWN_EX")
            .add(17, "F_GETOWNER_UIDS").add(36, "F_OFD_GETLK").add(37, "F_OFD_SETLK").add(38, "F_OFD_SETLKW")
            .add(F_SETLEASE, "F_SETLEASE").add(F_GETLEASE, "F_GETLEASE").add(F_NOTIFY, "F_NOTIFY")
            .add(1029, "F_CANCELLK").add(F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC")
            .add(F_SETPIPE_SZ, "F_SETPIPE_SZ").add(F_GETPIPE_SZ, "F_GETPIPE_SZ")
            .add(F_ADD_SEALS, "F_ADD_SEALS").add(F_GET_SEALS, "F_GET_SEALS")
            .add(1035, "F_GET_RW_HINT").add(1036, "F_SET_RW_HINT")
            .add(1037, "F_GET_FILE_RW_HINT").add(1038, "F_SET_FILE_RW_HINT");

    static final SymbolTable FD_FLAGS = new SymbolTable("FD_").add(1, "FD_CLOEXEC");

    static final SymbolTable SEALS = new SymbolTable("F_SEAL_")
            .add(1, "F_SEAL_SEAL").add(2, "F_SEAL_SHRINK").add(4, "F_SEAL_GROW").add(8, "F_SEAL_WRITE")
            .add(0x10, "F_SEAL_FUTURE_WRITE").add(0x20, "F_SEAL_EXEC");

    static final SymbolTable IOCTLS = new SymbolTable("")
            .add(0x5401, "TCGETS").add(0x5402, "TCSETS").add(0x5403, "TCSETSW").add(0x5404, "TCSETSF")
            .add(0x5405, "TCGETA").add(0x5406, "TCSETA").add(0x5407, "TCSETAW").add(0x5408, "TCSETAF")
            .add(0x5409, "TCSBRK").add(0x540a, "TCXONC").add(0x540b, "TCFLSH").add(0x540c, "TIOCEXCL")
            .add(0x540d, "TIOCNXCL").add(0x540e, "TIOCSCTTY").add(0x540f, "TIOCGPGRP")
            .add(0x5410, "TIOCSPGRP").add(0x5411, "TIOCOUTQ").add(0x5412, "TIOCSTI")
            .add(0x5413, "TIOCGWINSZ").add(0x5414, "TIOCSWINSZ").add(0x5415, "TIOCMGET")
            .add(0x541b, "FIONREAD").add(0x5421, "FIONBIO").add(0x5422, "TIOCNOTTY").add(0x5429, "TIOCGSID")
            .add(0x802c542aL, "TCGETS2").add(0x402c542bL, "TCSETS2")
            .add(0x80045430L, "TIOCGPTN").add(0x40045431L, "TIOCSPTLCK")
            .add(0x5450, "FIONCLEX").add(0x5451, "FIOCLEX").add(0x5452, "FIOASYNC")
            .add(0x40049409L, "FICLONE").add(0x80081272L, "BLKGETSIZE64");

    static final String[] IOC_DIRECTIONS = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};

    static final SymbolTable ARCH_PRCTL = new SymbolTable("ARCH_")
            .add(0x1001, "ARCH_SET_GS").add(0x1002, "ARCH_SET_FS").add(0x1003, "ARCH_GET_FS")
            .add(0x1004, "ARCH_GET_GS").add(0x1011, "ARCH_GET_CPUID").add(0x1012, "ARCH_SET_CPUID")
            .add(0x1021, "ARCH_GET_XCOMP_SUPP").add(0x1022, "ARCH_GET_XCOMP_PERM")
            .add(0x1023, "ARCH_REQ_XCOMP_PERM").add(0x1024, "ARCH_GET_XCOMP_GUEST_PERM")
            .add(0x1025, "ARCH_REQ_XCOMP_GUEST_PERM").add(0x2001, "ARCH_MAP_VDSO_X32")
            .add(0x2002, "ARCH_MAP_VDSO_32").add(0x2003, "ARCH_MAP_VDSO_64");

    static final SymbolTable SECCOMP_OPS = new SymbolTable("SECCOMP_")
            .add(0, "SECCOMP_SET_MODE_STRICT").add(1, "SECCOMP_SET_MODE_FILTER").add(2, "SECCOMP_GET_ACTION_AVAIL")
            .add(3, "SECCOMP_GET_NOTIF_SIZES");

    static final SymbolTable RLIMITS = new SymbolTable("RLIMIT_")
            .add(0, "RLIMIT_CPU").add(1, "RLIMIT_FSIZE").add(2, "RLIMIT_DATA").add(3, "RLIMIT_STACK")
            .add(4, "RLIMIT_CORE").add(5, "RLIMIT_RSS").add(6, "RLIMIT_NPROC").add(7, "RLIMIT_NOFILE")
            .add(8, "RLIMIT_MEMLOCK").add(9, "RLIMIT_AS").add(10, "RLIMIT_LOCKS").add(11, "RLIMIT_SIGPENDING")
            .add(12, "RLIMIT_MSGQUEUE").add(13, "RLIMIT_NICE").add(14, "RLIMIT_RTPRIO").add(15, "RLIMIT_RTTIME");

    static final int FUTEX_PRIVATE_FLAG = 128;
    static final int FUTEX_CLOCK_REALTIME = 256;
    static final SymbolTable FUTEX_OPS = new SymbolTable("FUTEX_")
            .add(0, "FUTEX_WAIT").add(1, "FUTEX_WAKE").add(2, "FUTEX_FD").add(3, "FUTEX_REQUEUE")
            .add(4, "FUTEX_CMP_REQUEUE").add(5, "FUTEX_WAKE_OP").add(6, "FUTEX_LOCK_PI")
            .add(7, "FUTEX_UNLOCK_PI").add(8, "FUTEX_TRYLOCK_PI").add(9, "FUTEX_WAIT_BITSET")
            .add(10, "FUTEX_WAKE_BITSET").add(11, "FUTEX_WAIT_REQUEUE_PI").add(12, "FUTEX_CMP_REQUEUE_PI")
            .add(13, "FUTEX_LOCK_PI2");

    /** Signals 1..31 without the SIG prefix (sigsets print them bare). */
    static final String[] SIGNALS = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
        "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    /** The kernel's SIGRTMIN; glibc reserves 32 and 33 and reports 34, but strace names the kernel's. */
    static final int SIGRTMIN = 32;
    static final int NSIG = 64;

    /** Bare signal name as in a sigset ({@code INT}, {@code RTMIN}, {@code RT_3}), or null if out of range. */
    static String signalBase(int sig) {
        if (sig >= 1 && sig < SIGRTMIN) return SIGNALS[sig];
        if (sig == SIGRTMIN) return "RTMIN";
        if (sig > SIGRTMIN && sig <= NSIG) return "RT_" + (sig - SIGRTMIN);
        return null;
    }
}
