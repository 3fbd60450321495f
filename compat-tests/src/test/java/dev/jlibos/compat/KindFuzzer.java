package dev.jlibos.compat;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.Families;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.syscall.Support;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.ArgKind;
import dev.jlibos.syscalls.SyscallDef;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The driver of {@code kfuzz.c} (issue 17): the calls to fuzz and the kind of each argument come from the
 * syscall registry and table, so a newly served call is fuzzed without editing anything here. One
 * {@link #run} is one guest machine running one seed; {@link Coverage} adds up the per-call results.
 */
final class KindFuzzer {
    /**
     * Calls made in a throwaway child forked for each one: they end, replace or reshape the process (its
     * memory, identity, signal state, limits or seccomp mode), could block past SIGALRM (PI futexes restart, and a sigmask
     * argument can block SIGALRM), or signal themselves.
     */
    static final Set<String> IN_CHILD = Set.of("mmap", "munmap", "mprotect", "mremap", "brk", "madvise", "shmat",
            "shmdt", "clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "rt_sigreturn",
            "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigaction", "rt_sigprocmask",
            "sigaltstack", "rt_sigsuspend", "rt_sigtimedwait", "setitimer", "alarm", "arch_prctl", "prctl", "seccomp",
            "set_tid_address", "set_robust_list", "rseq", "setrlimit", "prlimit64", "ppoll", "pselect6", "epoll_pwait",
            "epoll_pwait2", "timer_create", "futex", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
            "setfsuid", "setfsgid", "setgroups", "setsid", "setpgid", "capset", "sched_setscheduler", "sched_setparam",
            "pidfd_send_signal", "process_vm_writev");

    /** Where the guest's calls go: a sandbox with /work as scratch tree, or the host's tree below a scratch directory. */
    enum Mode { SANDBOX, HOST }

    record Spec(int number, String name, Support support, String kinds, boolean inChild) {
        String token() {
            return number + ":" + (kinds.isEmpty() ? "-" : kinds) + ":" + (inChild ? 'c' : 'n');
        }
    }

    /** Every call the registry serves (full, partial, or a fixed errno), with its argument kinds. */
    static List<Spec> specs() {
        List<Spec> out = new ArrayList<>();
        for (SyscallRegistry.Entry e : new SyscallRegistry(Families.all()).describeAll()) {
            if (e.support() == Support.UNIMPLEMENTED) continue;
            SyscallDef d = e.def();
            StringBuilder k = new StringBuilder();
            for (ArgKind a : d.args()) k.append(letter(a));
            out.add(new Spec(d.number(), d.name(), e.support(), k.toString(), IN_CHILD.contains(d.name())));
        }
        return out;
    }

    /** The generator kfuzz.c draws an argument of this kind from (see its pick()). */
    static char letter(ArgKind a) {
        return switch (a) {
            case INT, UINT, LONG, ULONG -> 'i';
            case SIZE -> 'z';
            case HEX -> 'x';
            case PTR, STRUCT, BUF_IN, BUF_OUT, STRING_OUT, SIGSET_PTR, SIGSET_OUT -> 'p';
            case FD -> 'f';
            case DIRFD -> 'd';
            case PATH -> 'P';
            case STRING -> 'S';
            case OPEN_FLAGS, FILE_FLAGS -> 'o';
            case MODE -> 'm';
            case ACCESS_MODE -> 'a';
            case PROT -> 'r';
            case MMAP_FLAGS -> 'M';
            case SIGNAL -> 'g';
            case SIGMASK_HOW -> 'h';
            case AT_FLAGS -> 't';
            case CLOCK -> 'k';
            case FCNTL_CMD -> 'F';
            case FCNTL_ARG -> 'y';
            case IOCTL_REQ -> 'c';
            case ARCH_PRCTL_CODE -> 'C';
            case WHENCE -> 'w';
            case RLIMIT -> 'l';
            case FUTEX_OP -> 'u';
            case SECCOMP_OP -> 'E';
            case ARGV, ENVP -> 'A';
        };
    }

    /** What one call number gave in one or more runs. */
    static final class CallStats {
        long calls, ok, noreturn, died, blocked;
        final Map<Integer, Long> errnos = new TreeMap<>();
        final List<Long> eioIndexes = new ArrayList<>();

        boolean succeeded() {
            return ok + noreturn > 0;
        }

        void add(CallStats o) {
            calls += o.calls;
            ok += o.ok;
            noreturn += o.noreturn;
            died += o.died;
            blocked += o.blocked;
            o.errnos.forEach((e, n) -> errnos.merge(e, n, Long::sum));
        }
    }

    /** One run's result: the guest's report parsed, with what the JVM saw. */
    record Result(long seed, Mode mode, ExitStatus status, String report, String diagnostics, long calls,
                  Map<Integer, CallStats> perCall, List<String> hangs, Duration took) {
        /** The reasons this run is a failure: internal errors, a Java exception, a hang, a bad exit. */
        List<String> failures() {
            List<String> out = new ArrayList<>();
            if (status.shellStatus() != 0) out.add("kfuzz exited with " + status.shellStatus());
            if (!report.contains("kfuzz: ")) out.add("no report");
            for (String line : diagnostics.split("\n")) {
                if (line.contains("internal error") || line.contains("out of Java heap") || line.contains("Exception")
                        || line.contains("Error:")) out.add("jlibos: " + line + eioHint(line));
            }
            for (String h : hangs) out.add("hang at call " + h);
            return out;
        }

        private String eioHint(String line) {
            StringBuilder s = new StringBuilder();
            perCall.forEach((nr, c) -> {
                if (!c.eioIndexes.isEmpty() && line.contains(" " + name(nr) + ":")) {
                    s.append(" [calls that returned EIO: ").append(c.eioIndexes).append(" of seed ").append(seed).append(']');
                }
            });
            return s.toString();
        }
    }

    static String name(int nr) {
        return dev.jlibos.syscalls.SyscallTable.getOrUnknown(nr).name();
    }

    /** kfuzz's command line (also the reproducer: the same seed with FIRST = i and COUNT = 1 replays call i). */
    static List<String> argv(Mode mode, long seed, long first, long count, List<Spec> specs) {
        List<String> a = new ArrayList<>(List.of("kfuzz", "fuzz", mode.name().toLowerCase(), Long.toString(seed),
                Long.toString(first), Long.toString(count)));
        for (Spec s : specs) a.add(s.token());
        return a;
    }

    /**
     * Runs calls {@code first}.. of {@code seed} in one machine. In a sandbox the scratch tree is a tmpfs at
     * /work and {@code canary} is mounted read-only at /ro; out of one the guest's cwd is {@code scratch}.
     */
    static Result run(Path binary, Mode mode, SyscallPath path, long seed, long first, long count, Path scratch,
                      Path canary, Duration timeout) throws Exception {
        List<Spec> specs = specs();
        TailOutput out = new TailOutput(4 << 20);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Machine.Builder b = Machine.builder().program(binary.toString()).args(argv(mode, seed, first, count, specs))
                .stdout(out).stderr(log).diagnostics(new PrintStream(log, true, StandardCharsets.UTF_8))
                .syscallPath(path).memoryLimit(1L << 30).maxProcesses(64).timeout(timeout);
        if (mode == Mode.SANDBOX) {
            b.mount(canary, "/ro", true).tmpfs("/work").cwd("/work");
        } else {
            Files.createDirectories(scratch);
            b.cwd(scratch.toString());
        }
        long start = System.nanoTime();
        ExitStatus status;
        try (Machine m = b.build()) {
            status = m.run();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Fuzzed writes to fd 1 may come before the supervisor's report: it starts at "kfuzz: ".
        String report = out.tail();
        report = report.contains("kfuzz: ") ? report.substring(report.lastIndexOf("kfuzz: ")) : report;
        Map<Integer, CallStats> perCall = new TreeMap<>();
        List<String> hangs = new ArrayList<>();
        for (String line : report.split("\n")) {
            String[] w = line.trim().split(" +");
            if (w[0].equals("nr") && w.length >= 13) {
                CallStats c = new CallStats();
                c.calls = Long.parseLong(w[3]);
                c.ok = Long.parseLong(w[5]);
                c.noreturn = Long.parseLong(w[7]);
                c.died = Long.parseLong(w[9]);
                c.blocked = Long.parseLong(w[11]);
                for (int i = 13; i < w.length; i++) {
                    String[] en = w[i].split(":");
                    c.errnos.put(Integer.parseInt(en[0]), Long.parseLong(en[1]));
                }
                perCall.put(Integer.parseInt(w[1]), c);
            } else if (w[0].equals("eio")) {
                CallStats c = perCall.get(Integer.parseInt(w[1]));
                for (int i = 2; i < w.length && c != null; i++) c.eioIndexes.add(Long.parseLong(w[i]));
            } else if (w[0].equals("hang")) {
                hangs.add(w[1] + " (" + name(Integer.parseInt(w[2])) + ") of seed " + seed);
            }
        }
        return new Result(seed, mode, status, report, log.toString(StandardCharsets.UTF_8), count, perCall, hangs, took);
    }

    /** Per-call totals over many runs, and the table the test writes. */
    static final class Coverage {
        final Map<Integer, CallStats> total = new TreeMap<>();
        long calls;

        void add(Result r) {
            calls += r.calls();
            r.perCall().forEach((nr, c) -> total.computeIfAbsent(nr, k -> new CallStats()).add(c));
        }

        /** Served calls (full or partial) that never succeeded, minus the justified exemptions. */
        List<String> neverSucceeded(List<Spec> specs, Map<String, String> exempt) {
            List<String> out = new ArrayList<>();
            for (Spec s : specs) {
                if (s.support() == Support.ERRNO || exempt.containsKey(s.name())) continue;
                CallStats c = total.get(s.number());
                if (c == null || !c.succeeded()) out.add(s.name());
            }
            return out;
        }

        String table(List<Spec> specs, Map<String, String> exempt) {
            StringBuilder t = new StringBuilder(String.format("%-4s %-22s %-8s %9s %9s %7s %6s %7s  %s%n", "nr", "name",
                    "support", "calls", "ok", "noret", "died", "blocked", "errnos (count)"));
            for (Spec s : specs) {
                CallStats c = total.getOrDefault(s.number(), new CallStats());
                StringBuilder e = new StringBuilder();
                c.errnos.forEach((errno, n) -> e.append(errnoName(errno)).append(' ').append(n).append(", "));
                if (e.length() > 0) e.setLength(e.length() - 2);
                String note = exempt.containsKey(s.name()) ? "  [exempt: " + exempt.get(s.name()) + "]" : "";
                t.append(String.format("%-4d %-22s %-8s %9d %9d %7d %6d %7d  %s%s%n", s.number(), s.name(),
                        s.support().name().toLowerCase(), c.calls, c.ok, c.noreturn, c.died, c.blocked, e, note));
            }
            return t.toString();
        }

        private static String errnoName(int e) {
            dev.jlibos.core.Errno x = dev.jlibos.core.Errno.of(e);
            return x != null ? x.name() : e >= 134 ? "E>133" : "E" + e;
        }
    }

    private KindFuzzer() {
    }
}
