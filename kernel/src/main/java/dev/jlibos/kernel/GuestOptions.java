package dev.jlibos.kernel;

import dev.jlibos.syscalls.offload.OffloadPolicy;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a guest runs, apart from what it runs and where its input and output go: its limits, deterministic
 * mode, the syscall path, offload and network. One immutable value behind the three ways to start a guest:
 * {@link Machine.Builder#options}, junit's {@code Guest.options} and {@code ./jlibos run --limit}. A new
 * option is written here once (a component, its builder setter, and for a limit its {@link #LIMIT_NAMES
 * name}); the front-ends carry it unchanged and {@link Machine} applies it.
 *
 * @param timeout       wall-clock time before the guest is killed with SIGKILL, or null for none
 * @param cpuTimeLimit  CPU time per process before SIGKILL (RLIMIT_CPU's hard limit), or null for none
 * @param memoryLimit   bytes of address space per process (RLIMIT_AS, ENOMEM beyond), or 0 for none
 * @param maxOpenFiles  descriptors per process, stdio included (RLIMIT_NOFILE, EMFILE beyond), or 0 for none
 * @param maxProcesses  processes alive at once, zombies included (EAGAIN beyond), or 0 for none
 * @param seed          deterministic mode's seed, or null for the host's time, randomness and identity
 * @param syscallPath   how syscalls reach Java, or null for {@link SyscallPath#defaultPath()} when the run starts
 * @param offload       which calls the host serves, or null for NONE in a sandbox and AUTO otherwise
 * @param hostNetwork   whether a sandboxed guest may use AF_INET/AF_INET6 (unsandboxed ones always may)
 * @param debug         Java stack traces of internal errors, and SIGSYS when a handler fails
 */
public record GuestOptions(Duration timeout, Duration cpuTimeLimit, long memoryLimit, int maxOpenFiles,
                           int maxProcesses, Long seed, SyscallPath syscallPath, OffloadPolicy offload,
                           boolean hostNetwork, boolean debug) implements Serializable {
    /** No limits, the host's time, the default syscall path and offload: what {@link Machine#builder()} starts from. */
    public static final GuestOptions DEFAULTS = new GuestOptions(null, null, 0, 0, 0, null, null, null, false, false);

    /** The names {@code ./jlibos run --limit NAME=VALUE} and {@link Builder#limit} accept. */
    public static final List<String> LIMIT_NAMES = List.of("wall", "cpu", "memory", "open-files", "processes");

    public GuestOptions {
        if (memoryLimit < 0 || maxOpenFiles < 0 || maxProcesses < 0) throw new IllegalArgumentException("negative limit");
    }

    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder starting from these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sets options one at a time, checking each as its setter is called. */
    public static final class Builder {
        private Duration timeout, cpuTimeLimit;
        private long memoryLimit;
        private int maxOpenFiles, maxProcesses;
        private Long seed;
        private SyscallPath syscallPath;
        private OffloadPolicy offload;
        private boolean hostNetwork, debug;

        private Builder(GuestOptions from) {
            timeout = from.timeout;
            cpuTimeLimit = from.cpuTimeLimit;
            memoryLimit = from.memoryLimit;
            maxOpenFiles = from.maxOpenFiles;
            maxProcesses = from.maxProcesses;
            seed = from.seed;
            syscallPath = from.syscallPath;
            offload = from.offload;
            hostNetwork = from.hostNetwork;
            debug = from.debug;
        }

        /** Kills the guest with SIGKILL if it is still running after {@code limit} of wall-clock time; null for none. */
        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /**
         * Kills any guest process that has used more than {@code limit} of CPU time with SIGKILL (RLIMIT_CPU's
         * hard limit, checked every 20 ms); sleeping and blocking do not count. Null for none.
         */
        public Builder cpuTimeLimit(Duration limit) {
            if (limit != null && (limit.isNegative() || limit.isZero())) throw new IllegalArgumentException("CPU limit must be positive");
            this.cpuTimeLimit = limit;
            return this;
        }

        /**
         * Caps each process's address space at {@code bytes} (every mapping counts): mmap, brk or mremap beyond
         * it fail with ENOMEM, as with RLIMIT_AS, which the guest sees set to this value and cannot raise.
         */
        public Builder memoryLimit(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("memory limit must be positive");
            this.memoryLimit = bytes;
            return this;
        }

        /** At most {@code n} file descriptors per process (RLIMIT_NOFILE, stdio included): EMFILE beyond. */
        public Builder maxOpenFiles(int n) {
            if (n < 3) throw new IllegalArgumentException("at least 3 descriptors (stdio) are needed");
            this.maxOpenFiles = n;
            return this;
        }

        /** At most {@code n} processes alive at once, zombies included (RLIMIT_NPROC): fork fails with EAGAIN beyond. */
        public Builder maxProcesses(int n) {
            if (n < 1) throw new IllegalArgumentException("at least 1 process is needed");
            this.maxProcesses = n;
            return this;
        }

        /** Deterministic mode with {@code seed} (see {@link Machine.Builder#deterministic}); null turns it off. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /** HOOK, SHIM or TRAP; null for {@link SyscallPath#defaultPath()}. */
        public Builder syscallPath(SyscallPath path) {
            this.syscallPath = path;
            return this;
        }

        /** NONE, AUTO or ALL; null for NONE in a sandbox and AUTO otherwise. */
        public Builder offload(OffloadPolicy policy) {
            this.offload = policy;
            return this;
        }

        public Builder hostNetwork(boolean allowed) {
            this.hostNetwork = allowed;
            return this;
        }

        public Builder debug(boolean on) {
            this.debug = on;
            return this;
        }

        /**
         * Sets the limit called {@code name} (one of {@link #LIMIT_NAMES}) from text, as {@code --limit} gives it:
         * durations as {@code 500ms}, {@code 10s}, {@code 2m} or plain seconds; sizes as bytes with an optional
         * {@code k}, {@code m} or {@code g} suffix (powers of 1024).
         */
        public Builder limit(String name, String value) {
            return switch (name) {
                case "wall" -> timeout(duration(value));
                case "cpu" -> cpuTimeLimit(duration(value));
                case "memory" -> memoryLimit(bytes(value));
                case "open-files" -> maxOpenFiles(Integer.parseInt(value.trim()));
                case "processes" -> maxProcesses(Integer.parseInt(value.trim()));
                default -> throw new IllegalArgumentException("unknown limit '" + name + "' (" + String.join(", ", LIMIT_NAMES) + ")");
            };
        }

        public GuestOptions build() {
            return new GuestOptions(timeout, cpuTimeLimit, memoryLimit, maxOpenFiles, maxProcesses, seed, syscallPath,
                    offload, hostNetwork, debug);
        }
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (500ms, 10s, 2m)");
        }
    }

    static long bytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (n > Long.MAX_VALUE >> shift) throw new IllegalArgumentException("too large: '" + text + "'");
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (bytes, or with k, m or g)");
        }
    }
}
