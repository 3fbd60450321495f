package dev.jlibos.syscalls;

/**
 * How one syscall argument is shown in strace-style output. The kind describes the argument's meaning in
 * the Linux prototype, so it also tells a reader of the table what the handler receives.
 *
 * <p>Kinds marked "after the call" describe memory the kernel fills in: before the call they are shown as
 * a pointer, and once the call has succeeded they are decoded from guest memory.
 */
public enum ArgKind {
    /** Signed 32-bit integer; the upper half of the register is ignored, as the kernel does for int. */
    INT,
    /** Unsigned 32-bit integer. */
    UINT,
    /** Signed 64-bit integer (off_t, loff_t, long). */
    LONG,
    /** Unsigned 64-bit integer. */
    ULONG,
    /** size_t: unsigned 64-bit; also the length a preceding {@link #BUF_IN} uses. */
    SIZE,
    /** Bits or an opaque word: hex, with 0 shown as {@code 0}. */
    HEX,
    /** Guest address: hex, or {@code NULL}. */
    PTR,
    /** Pointer to a structure this table does not decode: hex, or {@code NULL}. */
    STRUCT,
    /** File descriptor (int). */
    FD,
    /** Directory fd of an *at call: {@code AT_FDCWD} or a number. */
    DIRFD,
    /** Path name: the whole C string (up to PATH_MAX), quoted. */
    PATH,
    /** Other C string: quoted, truncated to the string limit. */
    STRING,
    /** Bytes passed in; the length is the next argument. */
    BUF_IN,
    /** Bytes filled in by the call, after the call; the length is the result. */
    BUF_OUT,
    /** C string filled in by the call (getcwd), after the call. */
    STRING_OUT,
    /** open(2) flags, access mode first: {@code O_RDONLY|O_CLOEXEC}. */
    OPEN_FLAGS,
    /** O_* flags without an access mode (pipe2, dup3). */
    FILE_FLAGS,
    /** File mode in octal; hidden after {@link #OPEN_FLAGS} unless O_CREAT or O_TMPFILE is set, as strace. */
    MODE,
    /** access(2) mode: {@code F_OK} or {@code R_OK|W_OK|X_OK}. */
    ACCESS_MODE,
    /** Memory protection: {@code PROT_READ|PROT_WRITE}. */
    PROT,
    /** mmap flags: {@code MAP_PRIVATE|MAP_ANONYMOUS}. */
    MMAP_FLAGS,
    /** Signal number: {@code SIGINT}, {@code SIGRTMIN}, {@code SIGRT_3}. */
    SIGNAL,
    /** Pointer to a sigset_t passed in: {@code [INT TERM]}, {@code ~[KILL STOP]}. */
    SIGSET_PTR,
    /** Pointer to a sigset_t filled in by the call, after the call. */
    SIGSET_OUT,
    /** sigprocmask's how: {@code SIG_BLOCK}. */
    SIGMASK_HOW,
    /** *at flags: {@code AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH}. */
    AT_FLAGS,
    /** Clock id: {@code CLOCK_MONOTONIC}. */
    CLOCK,
    /** fcntl command: {@code F_GETFL}. */
    FCNTL_CMD,
    /** fcntl's third argument, decoded by the command before it (hidden for F_GET* commands, as strace). */
    FCNTL_ARG,
    /** ioctl request: {@code TCGETS}, or {@code _IOC(dir, type, nr, size)} when unknown. */
    IOCTL_REQ,
    /** arch_prctl code: {@code ARCH_SET_FS}. */
    ARCH_PRCTL_CODE,
    /** lseek whence: {@code SEEK_SET}. */
    WHENCE,
    /** Resource of getrlimit/setrlimit/prlimit64: {@code RLIMIT_NOFILE}. */
    RLIMIT,
    /** futex operation: {@code FUTEX_WAIT_PRIVATE}. */
    FUTEX_OP,
    /** seccomp(2) operation: {@code SECCOMP_SET_MODE_FILTER}. */
    SECCOMP_OP,
    /** NULL-terminated array of strings: {@code ["ls", "-l"]}. */
    ARGV,
    /** Environment array, counted rather than listed: {@code 0x7ffd... /* 12 vars *}{@code /}. */
    ENVP;

    /** True for kinds whose value only exists once the call has returned. */
    public boolean isOutput() {
        return this == BUF_OUT || this == STRING_OUT || this == SIGSET_OUT;
    }
}
