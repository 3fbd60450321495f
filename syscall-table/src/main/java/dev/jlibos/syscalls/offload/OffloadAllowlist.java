package dev.jlibos.syscalls.offload;

import dev.jlibos.syscalls.Sysno;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_CREAT;
import static dev.jlibos.syscalls.offload.Marshal.DIRFD;
import static dev.jlibos.syscalls.offload.Marshal.FD;
import static dev.jlibos.syscalls.offload.Marshal.PATH;
import static dev.jlibos.syscalls.offload.Marshal.VALUE;
import static dev.jlibos.syscalls.offload.Marshal.in;
import static dev.jlibos.syscalls.offload.Marshal.inStruct;
import static dev.jlibos.syscalls.offload.Marshal.out;
import static dev.jlibos.syscalls.offload.Marshal.outStruct;
import static dev.jlibos.syscalls.offload.Marshal.string;

/**
 * The syscalls jlibos may forward to the host kernel, each with its marshalling, as data.
 *
 * <p>A call is listed only if running it in the JVM's own process is harmless and gives the guest the
 * answer Linux would: it acts on files, file descriptions or pure facts (uname, getrandom). Never listed
 * ({@link #NEVER}): anything about the address space (the host's is the JVM's), threads, signals, the
 * process's identity or state (our pids, cwd, umask, rlimits and credentials are the guest's, not the
 * JVM's), the fd table itself (close, dup, fcntl: jlibos owns the numbering) and calls that change the
 * host system (mount, sethostname, settimeofday...).
 */
public final class OffloadAllowlist {
    private static final int O_TMPFILE_ONLY = 0x400000, MFD_CLOEXEC = 1;
    /** struct stat, statfs, statx, utsname; two struct timespec (utimensat), two struct timeval (futimesat). */
    public static final int STAT = 144, STATFS = 120, STATX = 256, TIMESPEC_PAIR = 32, TIMEVAL_PAIR = 32;
    /** memfd_create's name limit: 249 bytes (NAME_MAX minus "memfd:"). */
    private static final int MFD_NAME_MAX = 249;

    private static final Map<Integer, OffloadSpec> SPECS = new TreeMap<>();

    static {
        // File data on host fds.
        value(Sysno.READ, FD, out(2), VALUE);
        value(Sysno.WRITE, FD, in(2), VALUE);
        value(Sysno.PREAD64, FD, out(2), VALUE, VALUE);
        value(Sysno.PWRITE64, FD, in(2), VALUE, VALUE);
        value(Sysno.LSEEK, FD, VALUE, VALUE);
        value(Sysno.GETDENTS, FD, out(2), VALUE);
        value(Sysno.GETDENTS64, FD, out(2), VALUE);
        value(Sysno.FSYNC, FD);
        value(Sysno.FDATASYNC, FD);
        value(Sysno.SYNCFS, FD);
        value(Sysno.FTRUNCATE, FD, VALUE);
        value(Sysno.FALLOCATE, FD, VALUE, VALUE, VALUE);
        value(Sysno.FADVISE64, FD, VALUE, VALUE, VALUE);
        value(Sysno.READAHEAD, FD, VALUE, VALUE);
        value(Sysno.SYNC_FILE_RANGE, FD, VALUE, VALUE, VALUE);
        put(new OffloadSpec(Sysno.FLOCK, List.of(FD, VALUE), OffloadSpec.Result.VALUE, -1, 0, 0, true));
        // Metadata.
        value(Sysno.FSTAT, FD, outStruct(STAT));
        value(Sysno.FSTATFS, FD, outStruct(STATFS));
        value(Sysno.FCHMOD, FD, VALUE);
        value(Sysno.STAT, PATH, outStruct(STAT));
        value(Sysno.LSTAT, PATH, outStruct(STAT));
        value(Sysno.NEWFSTATAT, DIRFD, PATH, outStruct(STAT), VALUE);
        value(Sysno.STATX, DIRFD, PATH, VALUE, VALUE, outStruct(STATX));
        value(Sysno.STATFS, PATH, outStruct(STATFS));
        value(Sysno.ACCESS, PATH, VALUE);
        value(Sysno.FACCESSAT, DIRFD, PATH, VALUE);
        value(Sysno.FACCESSAT2, DIRFD, PATH, VALUE, VALUE);
        value(Sysno.READLINK, PATH, out(2), VALUE);
        value(Sysno.READLINKAT, DIRFD, PATH, out(3), VALUE);
        value(Sysno.TRUNCATE, PATH, VALUE);
        value(Sysno.CHMOD, PATH, VALUE);
        value(Sysno.UTIMENSAT, DIRFD, PATH, inStruct(TIMESPEC_PAIR), VALUE);
        value(Sysno.FUTIMESAT, DIRFD, PATH, inStruct(TIMEVAL_PAIR));
        // Names (no mode argument: mkdir, mknod and creating opens need the guest's umask and stay served).
        value(Sysno.UNLINK, PATH);
        value(Sysno.UNLINKAT, DIRFD, PATH, VALUE);
        value(Sysno.RMDIR, PATH);
        value(Sysno.RENAME, PATH, PATH);
        value(Sysno.RENAMEAT, DIRFD, PATH, DIRFD, PATH);
        value(Sysno.RENAMEAT2, DIRFD, PATH, DIRFD, PATH, VALUE);
        // New descriptions: the host fd becomes a guest fd.
        put(new OffloadSpec(Sysno.OPEN, List.of(PATH, VALUE, VALUE), OffloadSpec.Result.NEW_FD, 1, O_CLOEXEC,
                O_CREAT | O_TMPFILE_ONLY, true));
        put(new OffloadSpec(Sysno.OPENAT, List.of(DIRFD, PATH, VALUE, VALUE), OffloadSpec.Result.NEW_FD, 2, O_CLOEXEC,
                O_CREAT | O_TMPFILE_ONLY, true));
        put(new OffloadSpec(Sysno.MEMFD_CREATE, List.of(string(MFD_NAME_MAX), VALUE), OffloadSpec.Result.NEW_FD, 1,
                MFD_CLOEXEC, 0, false));
        // Facts about the machine. Not uname: the guest's host and domain names are its own (sethostname
        // in the guest changes them, never the host's), so the host's answer would be wrong after one.
        value(Sysno.GETRANDOM, out(1), VALUE, VALUE);
        value(Sysno.SCHED_GET_PRIORITY_MAX, VALUE);
        value(Sysno.SCHED_GET_PRIORITY_MIN, VALUE);
    }

    /**
     * Never forwarded, whatever the policy: they act on the JVM's own address space, threads, signals,
     * process state or fd numbering, or change the host system. {@code OffloadAllowlistTest} checks that
     * none of them is allowlisted.
     */
    public static final Set<Integer> NEVER = Set.of(
            Sysno.MMAP, Sysno.MUNMAP, Sysno.MPROTECT, Sysno.MREMAP, Sysno.BRK, Sysno.MADVISE, Sysno.MSYNC,
            Sysno.MINCORE, Sysno.MLOCK, Sysno.MUNLOCK, Sysno.MLOCKALL, Sysno.MUNLOCKALL, Sysno.PKEY_MPROTECT,
            Sysno.CLONE, Sysno.CLONE3, Sysno.FORK, Sysno.VFORK, Sysno.EXECVE, Sysno.EXECVEAT, Sysno.EXIT,
            Sysno.EXIT_GROUP, Sysno.WAIT4, Sysno.WAITID, Sysno.ARCH_PRCTL, Sysno.PRCTL, Sysno.SET_TID_ADDRESS,
            Sysno.SET_ROBUST_LIST, Sysno.GET_ROBUST_LIST, Sysno.FUTEX, Sysno.RSEQ, Sysno.MEMBARRIER,
            Sysno.RT_SIGACTION, Sysno.RT_SIGPROCMASK, Sysno.RT_SIGRETURN, Sysno.RT_SIGPENDING,
            Sysno.RT_SIGTIMEDWAIT, Sysno.RT_SIGQUEUEINFO, Sysno.RT_SIGSUSPEND, Sysno.SIGALTSTACK, Sysno.KILL,
            Sysno.TKILL, Sysno.TGKILL, Sysno.PAUSE, Sysno.ALARM, Sysno.SETITIMER, Sysno.TIMER_CREATE,
            Sysno.SETRLIMIT, Sysno.PRLIMIT64, Sysno.GETRLIMIT, Sysno.GETPID, Sysno.GETPPID, Sysno.GETTID,
            Sysno.GETUID, Sysno.GETEUID, Sysno.GETGID, Sysno.GETEGID, Sysno.SETUID, Sysno.SETGID, Sysno.SETSID,
            Sysno.SETPGID, Sysno.GETPGID, Sysno.GETPRIORITY, Sysno.SETPRIORITY, Sysno.SCHED_SETAFFINITY,
            Sysno.SCHED_SETSCHEDULER, Sysno.PERSONALITY, Sysno.SECCOMP, Sysno.PTRACE, Sysno.UNSHARE, Sysno.SETNS,
            Sysno.CHDIR, Sysno.FCHDIR, Sysno.CHROOT, Sysno.GETCWD, Sysno.UMASK, Sysno.CLOSE, Sysno.DUP, Sysno.DUP2,
            Sysno.DUP3, Sysno.FCNTL, Sysno.IOCTL, Sysno.PIPE, Sysno.PIPE2, Sysno.SYSINFO, Sysno.MOUNT,
            Sysno.UMOUNT2, Sysno.REBOOT, Sysno.SETHOSTNAME, Sysno.SETDOMAINNAME, Sysno.SETTIMEOFDAY,
            Sysno.CLOCK_SETTIME, Sysno.NANOSLEEP, Sysno.CLOCK_NANOSLEEP);

    private OffloadAllowlist() {
    }

    private static void value(int number, Marshal... args) {
        put(new OffloadSpec(number, List.of(args), OffloadSpec.Result.VALUE, -1, 0, 0, false));
    }

    private static void put(OffloadSpec spec) {
        if (SPECS.put(spec.number(), spec) != null) throw new IllegalStateException("listed twice: " + spec.number());
    }

    /** The spec for {@code number}, or null if the call is never forwarded. */
    public static OffloadSpec get(int number) {
        return number >= 0 && number < LOOKUP.length ? LOOKUP[number] : null;
    }

    private static final OffloadSpec[] LOOKUP = new OffloadSpec[512];

    static {
        for (OffloadSpec s : SPECS.values()) LOOKUP[s.number()] = s;
    }

    /** Every forwardable call, in number order. */
    public static Collection<OffloadSpec> all() {
        return Collections.unmodifiableCollection(SPECS.values());
    }
}
