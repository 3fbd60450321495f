package dev.jlibos.cli;

import dev.jlibos.kernel.GuestOptions;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.loader.LoadException;
import dev.jlibos.syscalls.trace.JsonLinesTrace;
import dev.jlibos.syscalls.trace.SyscallStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jlibos run PROGRAM [ARGS...]}: runs a program with the launcher's stdio, environment and cwd. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run a Linux x86-64 program (static, static-PIE, dynamic or #! script) inside the JVM.",
        "The host file tree is visible at / (as with qemu-user), unless --sandbox, --mount or --tmpfs is given.",
        "A sandboxed guest sees an empty in-memory root with /proc, /dev, /sys, its mounts and the program itself.",
        "The exit status is the guest's; death by signal N gives 128+N and a one-line message on stderr."})
final class RunCommand implements Callable<Integer> {
    /** Shell conventions: 127 "command not found", 126 "found but cannot execute". */
    private static final int NOT_FOUND = 127, CANNOT_EXECUTE = 126;

    @Option(names = "--strace", description = "Print each syscall strace-style on stderr.")
    boolean strace;

    @Option(names = "--trace-json", paramLabel = "FILE", description = {
            "Write every syscall to FILE as JSON Lines, one object per call with the fields",
            "pid, tid, nr, name, args (six signed 64-bit registers), result (-errno on failure),",
            "errno (name or null), start_ns (since the machine started), duration_ns (wall time)",
            "and text (the strace-style line)."})
    Path traceJson;

    @Option(names = "--stats", description = "After the run, print a per-syscall table on stderr like strace -c -w: "
            + "%% of time, seconds, usecs/call, calls, errors; sorted by time.")
    boolean stats;

    @Option(names = "--deterministic", paramLabel = "SEED", description = "Deterministic mode: a virtual clock"
            + " (starts at 2024-01-01T00:00:00Z, advances with guest work and sleeps), randomness from SEED, fixed"
            + " uid/gid/hostname/uname, thread turns in a guest-defined order: the same run gives the same output.")
    Long deterministic;

    @Option(names = "--syscall-path", paramLabel = "hook|shim|trap", description = "hook: every syscall traps into Java;"
            + " shim: a vDSO serves clock_gettime, clock_getres, gettimeofday, time and getcpu as guest code (default: shim);"
            + " trap: every syscall stops the emulator and restarts it after the Java handler (slow; for comparison).")
    String syscallPath = dev.jlibos.kernel.SyscallPath.defaultPath().name().toLowerCase(java.util.Locale.ROOT);

    @Option(names = "--debug", description = "Show Java stack traces of internal errors, and send the guest SIGSYS when a syscall handler fails.")
    boolean debug;

    @Option(names = "--chdir", paramLabel = "DIR", description = "Working directory of the program (default: the current"
            + " one; in a sandbox a guest directory, default /).")
    String chdir;

    @Option(names = "--sandbox", description = "Hermetic file view: an empty in-memory root; only mounts are visible.")
    boolean sandbox;

    @Option(names = "--mount", paramLabel = "HOST:GUEST[:ro]", description = "Mount a host directory or file into the"
            + " sandbox, read-only with :ro (repeatable; implies --sandbox).")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--net", paramLabel = "host|none", description = "Network of a sandboxed guest: none (default,"
            + " AF_INET/AF_INET6 sockets fail with EACCES) or host. Unsandboxed guests use the host network.")
    String net;

    @Option(names = "--tmpfs", paramLabel = "GUEST[:size=SIZE]", description = "An empty in-memory directory holding at most"
            + " SIZE bytes (k, m, g; default: --limit tmpfs, 256m), ENOSPC beyond (repeatable; implies --sandbox).")
    List<String> tmpfs = new ArrayList<>();

    @Option(names = "--offload", paramLabel = "none|auto|all", description = "Forward syscalls to the host kernel:"
            + " none (default with a sandbox: unimplemented calls get ENOSYS), auto (default otherwise: unimplemented"
            + " but allowlisted calls), all (every allowlisted call, even those jlibos serves: the baseline)."
            + " --strace marks forwarded calls with [host].")
    String offload;

    @Option(names = "--limit", paramLabel = "NAME=VALUE", description = {"A limit on the guest (repeatable):",
            "wall=DURATION (SIGKILL after this wall-clock time), cpu=DURATION (SIGKILL past this CPU time per process),",
            "memory=SIZE (address space per process: ENOMEM beyond), open-files=N (EMFILE beyond; default 4096),",
            "committed=SIZE (writable memory of all processes, 8m per thread for its engine: ENOMEM beyond;",
            "default half the host's RAM), processes=N (processes and threads: EAGAIN beyond; default 512),",
            "output=SIZE (stdout and stderr together: SIGXFSZ and EFBIG beyond; default 1g),",
            "tmpfs=SIZE (each in-memory directory: ENOSPC beyond; default 256m). VALUE none lifts a limit.",
            "DURATION: 500ms, 10s, 2m; SIZE: bytes or with k, m, g."})
    List<String> limits = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--clear-env", description = "Start from an empty environment instead of the launcher's.")
    boolean clearEnv;

    @Parameters(index = "0", paramLabel = "PROGRAM", description = "Program path; searched in PATH when it has no '/'.")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the program.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        String path = resolve(program);
        if (path == null) {
            System.err.println("jlibos: " + program + ": command not found");
            return NOT_FOUND;
        }
        boolean sandboxed = sandbox || !mounts.isEmpty() || !tmpfs.isEmpty();
        GuestOptions options;
        try {
            options = options(sandboxed);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(args);
        Machine.Builder builder = Machine.builder()
                .program(path)
                .args(argv)
                .env(environment())
                .hostStdio()
                .strace(strace ? System.err : null)
                .options(options)
                // One program per JVM: no later run could use its first program's image (recording it cost ~5%
                // of a cold `run python3 -c pass`, paired farm-bench), but a shell it runs may exec one
                // program many times, so execve inside the run still goes through a pool.
                .enginePool(dev.jlibos.kernel.process.EnginePool.forExecs(4, 512L << 20));
        if (sandboxed) {
            builder.sandbox();
            for (String spec : mounts) addMount(builder, spec);
            for (String spec : tmpfs) {
                String error = addTmpfs(builder, spec);
                if (error != null) return usage(error);
            }
            if (chdir != null) builder.cwd(chdir);
        } else {
            builder.cwd(chdir != null ? Path.of(System.getProperty("user.dir")).resolve(chdir).normalize().toString()
                    : System.getProperty("user.dir"));
        }
        JsonLinesTrace json;
        try {
            json = traceJson == null ? null : new JsonLinesTrace(Files.newOutputStream(traceJson));
        } catch (IOException e) {
            System.err.println("jlibos: --trace-json " + traceJson + ": " + e.getMessage());
            return CANNOT_EXECUTE;
        }
        SyscallStats counts = stats ? new SyscallStats() : null;
        if (json != null) builder.traceListener(json);
        if (counts != null) builder.traceListener(counts);
        ExitStatus status;
        try (Machine machine = builder.build()) {
            sun.misc.SignalHandler previous = forwardInterrupts(machine);
            try {
                status = machine.run();
            } finally {
                if (previous != null) sun.misc.Signal.handle(new sun.misc.Signal("INT"), previous);
            }
        } catch (LoadException e) {
            System.err.println("jlibos: " + e.getMessage());
            if (debug) e.printStackTrace();
            return e.errno() == dev.jlibos.core.Errno.ENOENT ? NOT_FOUND : CANNOT_EXECUTE;
        } finally {
            closeTrace(json);
        }
        if (status.signalled()) {
            String where = status.faultAddress() >= 0 ? " at 0x" + Long.toHexString(status.faultAddress()) : "";
            System.err.println("jlibos: killed by " + dev.jlibos.signals.Signal.name(status.signal()) + where);
        }
        System.out.flush();
        if (counts != null) System.err.print(counts.format());
        return status.shellStatus();
    }

    /** {@code --tmpfs GUEST[:size=SIZE]}; returns an error message, or null. */
    private static String addTmpfs(Machine.Builder builder, String spec) {
        int colon = spec.indexOf(':');
        String dir = colon < 0 ? spec : spec.substring(0, colon);
        if (!dir.startsWith("/")) return "--tmpfs needs an absolute guest path, got '" + dir + "'";
        if (colon < 0) {
            builder.tmpfs(dir);
            return null;
        }
        String option = spec.substring(colon + 1);
        if (!option.startsWith("size=")) return "--tmpfs takes GUEST or GUEST:size=SIZE, got '" + spec + "'";
        try {
            builder.tmpfs(dir, GuestOptions.bytes(option.substring("size=".length())));
        } catch (IllegalArgumentException e) {
            return "--tmpfs " + spec + ": " + e.getMessage();
        }
        return null;
    }

    /** The flags that are {@link GuestOptions}: limits, determinism, syscall path, offload, network, debug. */
    private GuestOptions options(boolean sandboxed) {
        GuestOptions.Builder o = GuestOptions.builder()
                .syscallPath(dev.jlibos.kernel.SyscallPath.parse(syscallPath))
                .debug(debug)
                .seed(deterministic);
        if (offload != null) o.offload(dev.jlibos.syscalls.offload.OffloadPolicy.parse(offload));
        if (sandboxed) {
            if (net != null && !net.equals("host") && !net.equals("none")) {
                throw new IllegalArgumentException("--net is host or none, got '" + net + "'");
            }
            o.hostNetwork("host".equals(net));
        }
        for (String setting : limits) {
            int eq = setting.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--limit needs NAME=VALUE, got '" + setting + "'");
            o.limit(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return o.build();
    }

    private void closeTrace(JsonLinesTrace json) {
        if (json == null) return;
        try {
            json.close();
        } catch (IOException e) {
            System.err.println("jlibos: --trace-json " + traceJson + ": " + e.getMessage());
        }
    }

    /** HOST:GUEST[:ro] (or :rw); the host path must exist. */
    /**
     * ^C on the terminal (the JVM's SIGINT) goes to the guest's foreground process group, as the tty
     * driver would send it, instead of ending the JVM: a guest that catches or ignores SIGINT goes on,
     * one that does not dies of it and the run ends with 130. Returns the JVM's previous handler, or null
     * when SIGINT cannot be handled (ignored at start, as for a background job of a non-interactive shell).
     */
    private static sun.misc.SignalHandler forwardInterrupts(Machine machine) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("INT"),
                    sig -> machine.signalForeground(dev.jlibos.signals.Signal.SIGINT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void addMount(Machine.Builder builder, String spec) {
        String[] parts = spec.split(":");
        boolean readOnly = false;
        if (parts.length == 3 && (parts[2].equals("ro") || parts[2].equals("rw"))) {
            readOnly = parts[2].equals("ro");
        } else if (parts.length != 2) {
            throw usageError("--mount needs HOST:GUEST[:ro], got '" + spec + "'");
        }
        if (!parts[1].startsWith("/")) throw usageError("--mount needs an absolute guest path, got '" + parts[1] + "'");
        Path host = Path.of(parts[0]);
        if (!Files.exists(host)) throw usageError("--mount " + spec + ": " + parts[0] + ": no such file or directory");
        builder.mount(host, parts[1], readOnly);
    }

    private picocli.CommandLine.ParameterException usageError(String message) {
        return new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), message);
    }

    private int usage(String message) {
        throw usageError(message);
    }

    /** The launcher's environment (unless --clear-env) with --env settings replacing same-named entries. */
    private List<String> environment() {
        List<String> out = clearEnv ? new ArrayList<>() : new ArrayList<>(hostEnvironment());
        for (String setting : env) {
            int eq = setting.indexOf('=');
            if (eq <= 0) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--env needs NAME=VALUE, got '" + setting + "'");
            String prefix = setting.substring(0, eq + 1);
            out.removeIf(e -> e.startsWith(prefix));
            out.add(setting);
        }
        return out;
    }

    /** PATH lookup as execvp does it: first executable regular file wins. */
    static String resolve(String program) {
        if (program.contains("/")) return program;
        String pathVar = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : pathVar.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate.toString();
        }
        return null;
    }

    /**
     * The launcher's environment in its original order (from /proc/self/environ, since
     * System.getenv() is an unordered map); programs that print their environment then match native.
     */
    static List<String> hostEnvironment() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/environ"));
            List<String> env = new ArrayList<>();
            for (String s : new String(raw, StandardCharsets.UTF_8).split("\0")) if (!s.isEmpty()) env.add(s);
            return env;
        } catch (IOException e) {
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> v : System.getenv().entrySet()) env.add(v.getKey() + "=" + v.getValue());
            return env;
        }
    }

}
