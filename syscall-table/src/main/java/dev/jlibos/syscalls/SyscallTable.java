package dev.jlibos.syscalls;

import static dev.jlibos.syscalls.ArgKind.*;
import static dev.jlibos.syscalls.Sysno.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every x86-64 syscall with the arguments of its kernel prototype ({@code SYSCALL_DEFINEn}). Calls Linux
 * lists but never implemented (afs_syscall, tuxcall...) keep their historical prototype, or none if they
 * never had one.
 *
 * <p>This is data only: whether jlibos implements a call is declared where the kernel registers handlers.
 */
public final class SyscallTable {
    private static final SyscallDef[] BY_NUMBER = new SyscallDef[REMOVEXATTRAT + 1];
    private static final Map<String, SyscallDef> BY_NAME = new HashMap<>();
    private static final List<SyscallDef> ALL;

    static {
        sys(READ, "read", FD, BUF_OUT, SIZE);
        sys(WRITE, "write", FD, BUF_IN, SIZE);
        fd(OPEN, "open", PATH, OPEN_FLAGS, MODE);
        sys(CLOSE, "close", FD);
        sys(STAT, "stat", PATH, STRUCT);
        sys(FSTAT, "fstat", FD, STRUCT);
        sys(LSTAT, "lstat", PATH, STRUCT);
        sys(POLL, "poll", STRUCT, UINT, INT);
        sys(LSEEK, "lseek", FD, LONG, WHENCE);
        addr(MMAP, "mmap", PTR, SIZE, PROT, MMAP_FLAGS, FD, HEX);
        sys(MPROTECT, "mprotect", PTR, SIZE, PROT);
        sys(MUNMAP, "munmap", PTR, SIZE);
        addr(BRK, "brk", PTR);
        sys(RT_SIGACTION, "rt_sigaction", SIGNAL, STRUCT, STRUCT, SIZE);
        sys(RT_SIGPROCMASK, "rt_sigprocmask", SIGMASK_HOW, SIGSET_PTR, SIGSET_OUT, SIZE);
        sys(RT_SIGRETURN, "rt_sigreturn");
        sys(IOCTL, "ioctl", FD, IOCTL_REQ, HEX);
        sys(PREAD64, "pread64", FD, BUF_OUT, SIZE, LONG);
        sys(PWRITE64, "pwrite64", FD, BUF_IN, SIZE, LONG);
        sys(READV, "readv", FD, STRUCT, ULONG);
        sys(WRITEV, "writev", FD, STRUCT, ULONG);
        sys(ACCESS, "access", PATH, ACCESS_MODE);
        sys(PIPE, "pipe", STRUCT);
        sys(SELECT, "select", INT, STRUCT, STRUCT, STRUCT, STRUCT);
        sys(SCHED_YIELD, "sched_yield");
        addr(MREMAP, "mremap", PTR, SIZE, SIZE, HEX, PTR);
        sys(MSYNC, "msync", PTR, SIZE, HEX);
        sys(MINCORE, "mincore", PTR, SIZE, STRUCT);
        sys(MADVISE, "madvise", PTR, SIZE, INT);
        sys(SHMGET, "shmget", INT, SIZE, HEX);
        addr(SHMAT, "shmat", INT, PTR, HEX);
        sys(SHMCTL, "shmctl", INT, INT, STRUCT);
        fd(DUP, "dup", FD);
        fd(DUP2, "dup2", FD, FD);
        sys(PAUSE, "pause");
        sys(NANOSLEEP, "nanosleep", STRUCT, STRUCT);
        sys(GETITIMER, "getitimer", INT, STRUCT);
        sys(ALARM, "alarm", UINT);
        sys(SETITIMER, "setitimer", INT, STRUCT, STRUCT);
        sys(GETPID, "getpid");
        sys(SENDFILE, "sendfile", FD, FD, STRUCT, SIZE);
        fd(SOCKET, "socket", INT, INT, INT);
        sys(CONNECT, "connect", FD, STRUCT, INT);
        fd(ACCEPT, "accept", FD, STRUCT, STRUCT);
        sys(SENDTO, "sendto", FD, BUF_IN, SIZE, HEX, STRUCT, INT);
        sys(RECVFROM, "recvfrom", FD, BUF_OUT, SIZE, HEX, STRUCT, STRUCT);
        sys(SENDMSG, "sendmsg", FD, STRUCT, HEX);
        sys(RECVMSG, "recvmsg", FD, STRUCT, HEX);
        sys(SHUTDOWN, "shutdown", FD, INT);
        sys(BIND, "bind", FD, STRUCT, INT);
        sys(LISTEN, "listen", FD, INT);
        sys(GETSOCKNAME, "getsockname", FD, STRUCT, STRUCT);
        sys(GETPEERNAME, "getpeername", FD, STRUCT, STRUCT);
        sys(SOCKETPAIR, "socketpair", INT, INT, INT, STRUCT);
        sys(SETSOCKOPT, "setsockopt", FD, INT, INT, STRUCT, INT);
        sys(GETSOCKOPT, "getsockopt", FD, INT, INT, STRUCT, STRUCT);
        // x86-64 order: flags, stack, parent_tid, child_tid, tls (other architectures swap the last two).
        sys(CLONE, "clone", HEX, PTR, PTR, PTR, HEX);
        sys(FORK, "fork");
        sys(VFORK, "vfork");
        sys(EXECVE, "execve", PATH, ARGV, ENVP);
        noReturn(EXIT, "exit", INT);
        sys(WAIT4, "wait4", INT, STRUCT, HEX, STRUCT);
        sys(KILL, "kill", INT, SIGNAL);
        sys(UNAME, "uname", STRUCT);
        sys(SEMGET, "semget", INT, INT, HEX);
        sys(SEMOP, "semop", INT, STRUCT, UINT);
        sys(SEMCTL, "semctl", INT, INT, INT, HEX);
        sys(SHMDT, "shmdt", PTR);
        sys(MSGGET, "msgget", INT, HEX);
        sys(MSGSND, "msgsnd", INT, STRUCT, SIZE, HEX);
        sys(MSGRCV, "msgrcv", INT, STRUCT, SIZE, LONG, HEX);
        sys(MSGCTL, "msgctl", INT, INT, STRUCT);
        sys(FCNTL, "fcntl", FD, FCNTL_CMD, FCNTL_ARG);
        sys(FLOCK, "flock", FD, INT);
        sys(FSYNC, "fsync", FD);
        sys(FDATASYNC, "fdatasync", FD);
        sys(TRUNCATE, "truncate", PATH, LONG);
        sys(FTRUNCATE, "ftruncate", FD, LONG);
        sys(GETDENTS, "getdents", FD, STRUCT, UINT);
        sys(GETCWD, "getcwd", STRING_OUT, ULONG);
        sys(CHDIR, "chdir", PATH);
        sys(FCHDIR, "fchdir", FD);
        sys(RENAME, "rename", PATH, PATH);
        sys(MKDIR, "mkdir", PATH, MODE);
        sys(RMDIR, "rmdir", PATH);
        fd(CREAT, "creat", PATH, MODE);
        sys(LINK, "link", PATH, PATH);
        sys(UNLINK, "unlink", PATH);
        sys(SYMLINK, "symlink", PATH, PATH);
        sys(READLINK, "readlink", PATH, BUF_OUT, INT);
        sys(CHMOD, "chmod", PATH, MODE);
        sys(FCHMOD, "fchmod", FD, MODE);
        sys(CHOWN, "chown", PATH, INT, INT);
        sys(FCHOWN, "fchown", FD, INT, INT);
        sys(LCHOWN, "lchown", PATH, INT, INT);
        def(UMASK, "umask", ResultKind.OCTAL, MODE);
        sys(GETTIMEOFDAY, "gettimeofday", STRUCT, STRUCT);
        sys(GETRLIMIT, "getrlimit", RLIMIT, STRUCT);
        sys(GETRUSAGE, "getrusage", INT, STRUCT);
        sys(SYSINFO, "sysinfo", STRUCT);
        sys(TIMES, "times", STRUCT);
        sys(PTRACE, "ptrace", LONG, INT, HEX, HEX);
        sys(GETUID, "getuid");
        sys(SYSLOG, "syslog", INT, BUF_OUT, INT);
        sys(GETGID, "getgid");
        sys(SETUID, "setuid", INT);
        sys(SETGID, "setgid", INT);
        sys(GETEUID, "geteuid");
        sys(GETEGID, "getegid");
        sys(SETPGID, "setpgid", INT, INT);
        sys(GETPPID, "getppid");
        sys(GETPGRP, "getpgrp");
        sys(SETSID, "setsid");
        sys(SETREUID, "setreuid", INT, INT);
        sys(SETREGID, "setregid", INT, INT);
        sys(GETGROUPS, "getgroups", INT, STRUCT);
        sys(SETGROUPS, "setgroups", INT, STRUCT);
        sys(SETRESUID, "setresuid", INT, INT, INT);
        sys(GETRESUID, "getresuid", PTR, PTR, PTR);
        sys(SETRESGID, "setresgid", INT, INT, INT);
        sys(GETRESGID, "getresgid", PTR, PTR, PTR);
        sys(GETPGID, "getpgid", INT);
        sys(SETFSUID, "setfsuid", INT);
        sys(SETFSGID, "setfsgid", INT);
        sys(GETSID, "getsid", INT);
        sys(CAPGET, "capget", STRUCT, STRUCT);
        sys(CAPSET, "capset", STRUCT, STRUCT);
        sys(RT_SIGPENDING, "rt_sigpending", SIGSET_OUT, SIZE);
        sys(RT_SIGTIMEDWAIT, "rt_sigtimedwait", SIGSET_PTR, STRUCT, STRUCT, SIZE);
        sys(RT_SIGQUEUEINFO, "rt_sigqueueinfo", INT, SIGNAL, STRUCT);
        sys(RT_SIGSUSPEND, "rt_sigsuspend", SIGSET_PTR, SIZE);
        sys(SIGALTSTACK, "sigaltstack", STRUCT, STRUCT);
        sys(UTIME, "utime", PATH, STRUCT);
        sys(MKNOD, "mknod", PATH, MODE, HEX);
        sys(USELIB, "uselib", PATH);
        sys(PERSONALITY, "personality", HEX);
        sys(USTAT, "ustat", HEX, STRUCT);
        sys(STATFS, "statfs", PATH, STRUCT);
        sys(FSTATFS, "fstatfs", FD, STRUCT);
        sys(SYSFS, "sysfs", INT, HEX, HEX);
        sys(GETPRIORITY, "getpriority", INT, INT);
        sys(SETPRIORITY, "setpriority", INT, INT, INT);
        sys(SCHED_SETPARAM, "sched_setparam", INT, STRUCT);
        sys(SCHED_GETPARAM, "sched_getparam", INT, STRUCT);
        sys(SCHED_SETSCHEDULER, "sched_setscheduler", INT, INT, STRUCT);
        sys(SCHED_GETSCHEDULER, "sched_getscheduler", INT);
        sys(SCHED_GET_PRIORITY_MAX, "sched_get_priority_max", INT);
        sys(SCHED_GET_PRIORITY_MIN, "sched_get_priority_min", INT);
        sys(SCHED_RR_GET_INTERVAL, "sched_rr_get_interval", INT, STRUCT);
        sys(MLOCK, "mlock", PTR, SIZE);
        sys(MUNLOCK, "munlock", PTR, SIZE);
        sys(MLOCKALL, "mlockall", HEX);
        sys(MUNLOCKALL, "munlockall");
        sys(VHANGUP, "vhangup");
        sys(MODIFY_LDT, "modify_ldt", INT, PTR, ULONG);
        sys(PIVOT_ROOT, "pivot_root", PATH, PATH);
        sys(_SYSCTL, "_sysctl", STRUCT);
        sys(PRCTL, "prctl", INT, HEX, HEX, HEX, HEX);
        sys(ARCH_PRCTL, "arch_prctl", ARCH_PRCTL_CODE, HEX);
        sys(ADJTIMEX, "adjtimex", STRUCT);
        sys(SETRLIMIT, "setrlimit", RLIMIT, STRUCT);
        sys(CHROOT, "chroot", PATH);
        sys(SYNC, "sync");
        sys(ACCT, "acct", PATH);
        sys(SETTIMEOFDAY, "settimeofday", STRUCT, STRUCT);
        sys(MOUNT, "mount", STRING, PATH, STRING, HEX, PTR);
        sys(UMOUNT2, "umount2", PATH, HEX);
        sys(SWAPON, "swapon", PATH, HEX);
        sys(SWAPOFF, "swapoff", PATH);
        sys(REBOOT, "reboot", HEX, HEX, HEX, PTR);
        sys(SETHOSTNAME, "sethostname", BUF_IN, INT);
        sys(SETDOMAINNAME, "setdomainname", BUF_IN, INT);
        sys(IOPL, "iopl", UINT);
        sys(IOPERM, "ioperm", HEX, ULONG, INT);
        // Removed in Linux 2.6; kept with the prototype they had.
        sys(CREATE_MODULE, "create_module", STRING, SIZE);
        sys(INIT_MODULE, "init_module", PTR, ULONG, STRING);
        sys(DELETE_MODULE, "delete_module", STRING, HEX);
        sys(GET_KERNEL_SYMS, "get_kernel_syms", STRUCT);
        sys(QUERY_MODULE, "query_module", STRING, INT, PTR, SIZE, PTR);
        sys(QUOTACTL, "quotactl", HEX, PATH, INT, PTR);
        sys(NFSSERVCTL, "nfsservctl", INT, STRUCT, STRUCT);
        // Reserved slots that never had an implementation in mainline Linux.
        sys(GETPMSG, "getpmsg", FD, STRUCT, STRUCT, PTR, PTR);
        sys(PUTPMSG, "putpmsg", FD, STRUCT, STRUCT, INT, HEX);
        sys(AFS_SYSCALL, "afs_syscall");
        sys(TUXCALL, "tuxcall");
        sys(SECURITY, "security");
        sys(GETTID, "gettid");
        sys(READAHEAD, "readahead", FD, LONG, SIZE);
        sys(SETXATTR, "setxattr", PATH, STRING, BUF_IN, SIZE, HEX);
        sys(LSETXATTR, "lsetxattr", PATH, STRING, BUF_IN, SIZE, HEX);
        sys(FSETXATTR, "fsetxattr", FD, STRING, BUF_IN, SIZE, HEX);
        sys(GETXATTR, "getxattr", PATH, STRING, BUF_OUT, SIZE);
        sys(LGETXATTR, "lgetxattr", PATH, STRING, BUF_OUT, SIZE);
        sys(FGETXATTR, "fgetxattr", FD, STRING, BUF_OUT, SIZE);
        sys(LISTXATTR, "listxattr", PATH, BUF_OUT, SIZE);
        sys(LLISTXATTR, "llistxattr", PATH, BUF_OUT, SIZE);
        sys(FLISTXATTR, "flistxattr", FD, BUF_OUT, SIZE);
        sys(REMOVEXATTR, "removexattr", PATH, STRING);
        sys(LREMOVEXATTR, "lremovexattr", PATH, STRING);
        sys(FREMOVEXATTR, "fremovexattr", FD, STRING);
        sys(TKILL, "tkill", INT, SIGNAL);
        sys(TIME, "time", PTR);
        sys(FUTEX, "futex", PTR, FUTEX_OP, UINT, STRUCT, PTR, UINT);
        sys(SCHED_SETAFFINITY, "sched_setaffinity", INT, UINT, STRUCT);
        sys(SCHED_GETAFFINITY, "sched_getaffinity", INT, UINT, STRUCT);
        sys(SET_THREAD_AREA, "set_thread_area", STRUCT);
        sys(IO_SETUP, "io_setup", UINT, PTR);
        sys(IO_DESTROY, "io_destroy", HEX);
        sys(IO_GETEVENTS, "io_getevents", HEX, LONG, LONG, STRUCT, STRUCT);
        sys(IO_SUBMIT, "io_submit", HEX, LONG, STRUCT);
        sys(IO_CANCEL, "io_cancel", HEX, STRUCT, STRUCT);
        sys(GET_THREAD_AREA, "get_thread_area", STRUCT);
        sys(LOOKUP_DCOOKIE, "lookup_dcookie", ULONG, BUF_OUT, SIZE);
        fd(EPOLL_CREATE, "epoll_create", INT);
        sys(EPOLL_CTL_OLD, "epoll_ctl_old");
        sys(EPOLL_WAIT_OLD, "epoll_wait_old");
        sys(REMAP_FILE_PAGES, "remap_file_pages", PTR, SIZE, PROT, ULONG, MMAP_FLAGS);
        sys(GETDENTS64, "getdents64", FD, STRUCT, UINT);
        sys(SET_TID_ADDRESS, "set_tid_address", PTR);
        sys(RESTART_SYSCALL, "restart_syscall");
        sys(SEMTIMEDOP, "semtimedop", INT, STRUCT, UINT, STRUCT);
        sys(FADVISE64, "fadvise64", FD, LONG, SIZE, INT);
        sys(TIMER_CREATE, "timer_create", CLOCK, STRUCT, PTR);
        sys(TIMER_SETTIME, "timer_settime", INT, HEX, STRUCT, STRUCT);
        sys(TIMER_GETTIME, "timer_gettime", INT, STRUCT);
        sys(TIMER_GETOVERRUN, "timer_getoverrun", INT);
        sys(TIMER_DELETE, "timer_delete", INT);
        sys(CLOCK_SETTIME, "clock_settime", CLOCK, STRUCT);
        sys(CLOCK_GETTIME, "clock_gettime", CLOCK, STRUCT);
        sys(CLOCK_GETRES, "clock_getres", CLOCK, STRUCT);
        sys(CLOCK_NANOSLEEP, "clock_nanosleep", CLOCK, HEX, STRUCT, STRUCT);
        noReturn(EXIT_GROUP, "exit_group", INT);
        sys(EPOLL_WAIT, "epoll_wait", FD, STRUCT, INT, INT);
        sys(EPOLL_CTL, "epoll_ctl", FD, INT, FD, STRUCT);
        sys(TGKILL, "tgkill", INT, INT, SIGNAL);
        sys(UTIMES, "utimes", PATH, STRUCT);
        sys(VSERVER, "vserver");
        sys(MBIND, "mbind", PTR, SIZE, ULONG, PTR, ULONG, HEX);
        sys(SET_MEMPOLICY, "set_mempolicy", INT, PTR, ULONG);
        sys(GET_MEMPOLICY, "get_mempolicy", PTR, PTR, ULONG, HEX, HEX);
        fd(MQ_OPEN, "mq_open", STRING, OPEN_FLAGS, MODE, STRUCT);
        sys(MQ_UNLINK, "mq_unlink", STRING);
        sys(MQ_TIMEDSEND, "mq_timedsend", FD, BUF_IN, SIZE, UINT, STRUCT);
        sys(MQ_TIMEDRECEIVE, "mq_timedreceive", FD, BUF_OUT, SIZE, PTR, STRUCT);
        sys(MQ_NOTIFY, "mq_notify", FD, STRUCT);
        sys(MQ_GETSETATTR, "mq_getsetattr", FD, STRUCT, STRUCT);
        sys(KEXEC_LOAD, "kexec_load", HEX, ULONG, STRUCT, HEX);
        sys(WAITID, "waitid", INT, INT, STRUCT, HEX, STRUCT);
        sys(ADD_KEY, "add_key", STRING, STRING, BUF_IN, SIZE, INT);
        sys(REQUEST_KEY, "request_key", STRING, STRING, STRING, INT);
        sys(KEYCTL, "keyctl", INT, HEX, HEX, HEX, HEX);
        sys(IOPRIO_SET, "ioprio_set", INT, INT, INT);
        sys(IOPRIO_GET, "ioprio_get", INT, INT);
        fd(INOTIFY_INIT, "inotify_init");
        sys(INOTIFY_ADD_WATCH, "inotify_add_watch", FD, PATH, HEX);
        sys(INOTIFY_RM_WATCH, "inotify_rm_watch", FD, INT);
        sys(MIGRATE_PAGES, "migrate_pages", INT, ULONG, PTR, PTR);
        fd(OPENAT, "openat", DIRFD, PATH, OPEN_FLAGS, MODE);
        sys(MKDIRAT, "mkdirat", DIRFD, PATH, MODE);
        sys(MKNODAT, "mknodat", DIRFD, PATH, MODE, HEX);
        sys(FCHOWNAT, "fchownat", DIRFD, PATH, INT, INT, AT_FLAGS);
        sys(FUTIMESAT, "futimesat", DIRFD, PATH, STRUCT);
        sys(NEWFSTATAT, "newfstatat", DIRFD, PATH, STRUCT, AT_FLAGS);
        sys(UNLINKAT, "unlinkat", DIRFD, PATH, AT_FLAGS);
        sys(RENAMEAT, "renameat", DIRFD, PATH, DIRFD, PATH);
        sys(LINKAT, "linkat", DIRFD, PATH, DIRFD, PATH, AT_FLAGS);
        sys(SYMLINKAT, "symlinkat", PATH, DIRFD, PATH);
        sys(READLINKAT, "readlinkat", DIRFD, PATH, BUF_OUT, INT);
        // The kernel's fchmodat has no flags argument; glibc emulates AT_SYMLINK_NOFOLLOW (see fchmodat2).
        sys(FCHMODAT, "fchmodat", DIRFD, PATH, MODE);
        sys(FACCESSAT, "faccessat", DIRFD, PATH, ACCESS_MODE);
        sys(PSELECT6, "pselect6", INT, STRUCT, STRUCT, STRUCT, STRUCT, STRUCT);
        sys(PPOLL, "ppoll", STRUCT, UINT, STRUCT, SIGSET_PTR, SIZE);
        sys(UNSHARE, "unshare", HEX);
        sys(SET_ROBUST_LIST, "set_robust_list", PTR, SIZE);
        sys(GET_ROBUST_LIST, "get_robust_list", INT, PTR, PTR);
        sys(SPLICE, "splice", FD, PTR, FD, PTR, SIZE, HEX);
        sys(TEE, "tee", FD, FD, SIZE, HEX);
        sys(SYNC_FILE_RANGE, "sync_file_range", FD, LONG, LONG, HEX);
        sys(VMSPLICE, "vmsplice", FD, STRUCT, ULONG, HEX);
        sys(MOVE_PAGES, "move_pages", INT, ULONG, PTR, PTR, PTR, HEX);
        sys(UTIMENSAT, "utimensat", DIRFD, PATH, STRUCT, AT_FLAGS);
        sys(EPOLL_PWAIT, "epoll_pwait", FD, STRUCT, INT, INT, SIGSET_PTR, SIZE);
        fd(SIGNALFD, "signalfd", FD, SIGSET_PTR, SIZE);
        fd(TIMERFD_CREATE, "timerfd_create", CLOCK, HEX);
        fd(EVENTFD, "eventfd", UINT);
        sys(FALLOCATE, "fallocate", FD, HEX, LONG, LONG);
        sys(TIMERFD_SETTIME, "timerfd_settime", FD, HEX, STRUCT, STRUCT);
        sys(TIMERFD_GETTIME, "timerfd_gettime", FD, STRUCT);
        fd(ACCEPT4, "accept4", FD, STRUCT, STRUCT, HEX);
        fd(SIGNALFD4, "signalfd4", FD, SIGSET_PTR, SIZE, HEX);
        fd(EVENTFD2, "eventfd2", UINT, HEX);
        fd(EPOLL_CREATE1, "epoll_create1", HEX);
        fd(DUP3, "dup3", FD, FD, FILE_FLAGS);
        sys(PIPE2, "pipe2", STRUCT, FILE_FLAGS);
        fd(INOTIFY_INIT1, "inotify_init1", HEX);
        // The offset arrives split in two longs (pos_l, pos_h); on x86-64 pos_l alone is the offset.
        sys(PREADV, "preadv", FD, STRUCT, ULONG, LONG, LONG);
        sys(PWRITEV, "pwritev", FD, STRUCT, ULONG, LONG, LONG);
        sys(RT_TGSIGQUEUEINFO, "rt_tgsigqueueinfo", INT, INT, SIGNAL, STRUCT);
        fd(PERF_EVENT_OPEN, "perf_event_open", STRUCT, INT, INT, FD, HEX);
        sys(RECVMMSG, "recvmmsg", FD, STRUCT, UINT, HEX, STRUCT);
        fd(FANOTIFY_INIT, "fanotify_init", HEX, OPEN_FLAGS);
        sys(FANOTIFY_MARK, "fanotify_mark", FD, HEX, HEX, DIRFD, PATH);
        sys(PRLIMIT64, "prlimit64", INT, RLIMIT, STRUCT, STRUCT);
        sys(NAME_TO_HANDLE_AT, "name_to_handle_at", DIRFD, PATH, STRUCT, PTR, AT_FLAGS);
        fd(OPEN_BY_HANDLE_AT, "open_by_handle_at", FD, STRUCT, OPEN_FLAGS);
        sys(CLOCK_ADJTIME, "clock_adjtime", CLOCK, STRUCT);
        sys(SYNCFS, "syncfs", FD);
        sys(SENDMMSG, "sendmmsg", FD, STRUCT, UINT, HEX);
        sys(SETNS, "setns", FD, HEX);
        sys(GETCPU, "getcpu", PTR, PTR, PTR);
        sys(PROCESS_VM_READV, "process_vm_readv", INT, STRUCT, ULONG, STRUCT, ULONG, HEX);
        sys(PROCESS_VM_WRITEV, "process_vm_writev", INT, STRUCT, ULONG, STRUCT, ULONG, HEX);
        sys(KCMP, "kcmp", INT, INT, INT, ULONG, ULONG);
        sys(FINIT_MODULE, "finit_module", FD, STRING, HEX);
        sys(SCHED_SETATTR, "sched_setattr", INT, STRUCT, HEX);
        sys(SCHED_GETATTR, "sched_getattr", INT, STRUCT, UINT, HEX);
        sys(RENAMEAT2, "renameat2", DIRFD, PATH, DIRFD, PATH, HEX);
        sys(SECCOMP, "seccomp", SECCOMP_OP, HEX, PTR);
        sys(GETRANDOM, "getrandom", BUF_OUT, SIZE, HEX);
        fd(MEMFD_CREATE, "memfd_create", STRING, HEX);
        sys(KEXEC_FILE_LOAD, "kexec_file_load", FD, FD, ULONG, STRING, HEX);
        sys(BPF, "bpf", INT, STRUCT, UINT);
        sys(EXECVEAT, "execveat", DIRFD, PATH, ARGV, ENVP, AT_FLAGS);
        fd(USERFAULTFD, "userfaultfd", HEX);
        sys(MEMBARRIER, "membarrier", INT, HEX, INT);
        sys(MLOCK2, "mlock2", PTR, SIZE, HEX);
        sys(COPY_FILE_RANGE, "copy_file_range", FD, PTR, FD, PTR, SIZE, HEX);
        sys(PREADV2, "preadv2", FD, STRUCT, ULONG, LONG, LONG, HEX);
        sys(PWRITEV2, "pwritev2", FD, STRUCT, ULONG, LONG, LONG, HEX);
        sys(PKEY_MPROTECT, "pkey_mprotect", PTR, SIZE, PROT, INT);
        sys(PKEY_ALLOC, "pkey_alloc", HEX, HEX);
        sys(PKEY_FREE, "pkey_free", INT);
        sys(STATX, "statx", DIRFD, PATH, AT_FLAGS, HEX, STRUCT);
        sys(IO_PGETEVENTS, "io_pgetevents", HEX, LONG, LONG, STRUCT, STRUCT, STRUCT);
        sys(RSEQ, "rseq", PTR, UINT, HEX, HEX);
        // 335..423 are unassigned on x86-64; from 424 numbers are common to all architectures.
        sys(PIDFD_SEND_SIGNAL, "pidfd_send_signal", FD, SIGNAL, STRUCT, HEX);
        fd(IO_URING_SETUP, "io_uring_setup", UINT, STRUCT);
        sys(IO_URING_ENTER, "io_uring_enter", FD, UINT, UINT, HEX, PTR, SIZE);
        sys(IO_URING_REGISTER, "io_uring_register", FD, UINT, PTR, UINT);
        fd(OPEN_TREE, "open_tree", DIRFD, PATH, HEX);
        sys(MOVE_MOUNT, "move_mount", DIRFD, PATH, DIRFD, PATH, HEX);
        fd(FSOPEN, "fsopen", STRING, HEX);
        sys(FSCONFIG, "fsconfig", FD, UINT, STRING, PTR, INT);
        fd(FSMOUNT, "fsmount", FD, HEX, HEX);
        fd(FSPICK, "fspick", DIRFD, PATH, HEX);
        fd(PIDFD_OPEN, "pidfd_open", INT, HEX);
        sys(CLONE3, "clone3", STRUCT, SIZE);
        sys(CLOSE_RANGE, "close_range", UINT, UINT, HEX);
        fd(OPENAT2, "openat2", DIRFD, PATH, STRUCT, SIZE);
        fd(PIDFD_GETFD, "pidfd_getfd", FD, INT, HEX);
        sys(FACCESSAT2, "faccessat2", DIRFD, PATH, ACCESS_MODE, AT_FLAGS);
        sys(PROCESS_MADVISE, "process_madvise", FD, STRUCT, SIZE, INT, HEX);
        sys(EPOLL_PWAIT2, "epoll_pwait2", FD, STRUCT, INT, STRUCT, SIGSET_PTR, SIZE);
        sys(MOUNT_SETATTR, "mount_setattr", DIRFD, PATH, AT_FLAGS, STRUCT, SIZE);
        sys(QUOTACTL_FD, "quotactl_fd", FD, HEX, INT, PTR);
        fd(LANDLOCK_CREATE_RULESET, "landlock_create_ruleset", STRUCT, SIZE, HEX);
        sys(LANDLOCK_ADD_RULE, "landlock_add_rule", FD, INT, PTR, HEX);
        sys(LANDLOCK_RESTRICT_SELF, "landlock_restrict_self", FD, HEX);
        fd(MEMFD_SECRET, "memfd_secret", HEX);
        sys(PROCESS_MRELEASE, "process_mrelease", FD, HEX);
        sys(FUTEX_WAITV, "futex_waitv", STRUCT, UINT, HEX, STRUCT, CLOCK);
        sys(SET_MEMPOLICY_HOME_NODE, "set_mempolicy_home_node", PTR, SIZE, ULONG, HEX);
        sys(CACHESTAT, "cachestat", FD, STRUCT, STRUCT, HEX);
        sys(FCHMODAT2, "fchmodat2", DIRFD, PATH, MODE, AT_FLAGS);
        addr(MAP_SHADOW_STACK, "map_shadow_stack", PTR, SIZE, HEX);
        sys(FUTEX_WAKE, "futex_wake", PTR, HEX, INT, HEX);
        sys(FUTEX_WAIT, "futex_wait", PTR, ULONG, HEX, HEX, STRUCT, CLOCK);
        sys(FUTEX_REQUEUE, "futex_requeue", STRUCT, HEX, INT, INT);
        sys(STATMOUNT, "statmount", STRUCT, STRUCT, SIZE, HEX);
        sys(LISTMOUNT, "listmount", STRUCT, PTR, SIZE, HEX);
        sys(LSM_GET_SELF_ATTR, "lsm_get_self_attr", UINT, STRUCT, PTR, HEX);
        sys(LSM_SET_SELF_ATTR, "lsm_set_self_attr", UINT, STRUCT, UINT, HEX);
        sys(LSM_LIST_MODULES, "lsm_list_modules", PTR, PTR, HEX);
        sys(MSEAL, "mseal", PTR, SIZE, HEX);
        sys(SETXATTRAT, "setxattrat", DIRFD, PATH, AT_FLAGS, STRING, STRUCT, SIZE);
        sys(GETXATTRAT, "getxattrat", DIRFD, PATH, AT_FLAGS, STRING, STRUCT, SIZE);
        sys(LISTXATTRAT, "listxattrat", DIRFD, PATH, AT_FLAGS, BUF_OUT, SIZE);
        sys(REMOVEXATTRAT, "removexattrat", DIRFD, PATH, AT_FLAGS, STRING);

        List<SyscallDef> all = new ArrayList<>();
        for (SyscallDef d : BY_NUMBER) if (d != null) all.add(d);
        ALL = Collections.unmodifiableList(all);
    }

    private SyscallTable() {
    }

    /** The definition of {@code nr}, or null if Linux x86-64 defines no syscall with that number. */
    public static SyscallDef get(int nr) {
        return nr >= 0 && nr < BY_NUMBER.length ? BY_NUMBER[nr] : null;
    }

    /** Like {@link #get}, but an unknown number yields {@link SyscallDef#unknown} so it can still be traced. */
    public static SyscallDef getOrUnknown(int nr) {
        SyscallDef d = get(nr);
        return d != null ? d : SyscallDef.unknown(nr);
    }

    /** Looks up by the kernel's name ({@code "openat"}); null if there is none. */
    public static SyscallDef byName(String name) {
        return BY_NAME.get(name);
    }

    /** Every defined syscall, in number order. */
    public static List<SyscallDef> all() {
        return ALL;
    }

    /** One past the highest number in the table. */
    public static int limit() {
        return BY_NUMBER.length;
    }

    private static void sys(int nr, String name, ArgKind... args) {
        def(nr, name, ResultKind.LONG, args);
    }

    private static void fd(int nr, String name, ArgKind... args) {
        def(nr, name, ResultKind.FD, args);
    }

    private static void addr(int nr, String name, ArgKind... args) {
        def(nr, name, ResultKind.HEX, args);
    }

    private static void noReturn(int nr, String name, ArgKind... args) {
        def(nr, name, ResultKind.NONE, args);
    }

    private static void def(int nr, String name, ResultKind result, ArgKind... args) {
        SyscallDef d = new SyscallDef(nr, name, Arrays.asList(args), result);
        if (BY_NUMBER[nr] != null) throw new IllegalStateException("two entries for " + nr);
        if (BY_NAME.putIfAbsent(Objects.requireNonNull(name), d) != null) throw new IllegalStateException(name);
        BY_NUMBER[nr] = d;
    }
}
