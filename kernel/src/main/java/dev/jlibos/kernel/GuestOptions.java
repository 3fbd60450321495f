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
 * @param committedMemory bytes of writable private memory of all the machine's processes together (ENOMEM
 *                      beyond, as Linux's strict overcommit); reservations (PROT_NONE, read-only) do not count;
 *                      0 for none
 * @param maxOpenFiles  descriptors per process, stdio included (RLIMIT_NOFILE, EMFILE beyond), or 0 for none
 * @param maxProcesses  processes alive at once, zombies included, and threads in all (EAGAIN beyond), or 0 for none
 * @param maxOutput     bytes the guests may write to the machine's stdout and stderr together (SIGXFSZ and
 *                      EFBIG beyond, as RLIMIT_FSIZE), or 0 for none
 * @param tmpfsSize     bytes each in-memory directory (a sandbox's root, a tmpfs without its own size) may
 *                      hold (ENOSPC beyond, as a full tmpfs), or 0 for none
 * @param seed          deterministic mode's seed, or null for the host's time, randomness and identity
 * @param syscallPath   how syscalls reach Java, or null for {@link SyscallPath#defaultPath()} when the run starts
 * @param offload       which calls the host serves, or null for NONE in a sandbox and AUTO otherwise
 * @param hostNetwork   whether a sandboxed guest may use AF_INET/AF_INET6 (unsandboxed ones always may)
 * @param debug         Java stack traces of internal errors, and SIGSYS when a handler fails
 */
public record GuestOptions(Duration timeout, Duration cpuTimeLimit, long memoryLimit, long committedMemory, int maxOpenFiles,
                           int maxProcesses, long maxOutput, long tmpfsSize, Long seed, SyscallPath syscallPath, OffloadPolicy offload,
                           boolean hostNetwork, boolean debug) implements Serializable {
    /**
     * Bounds every guest has unless told otherwise, so that a hostile one cannot take the host's memory,
     * threads, descriptors or disk through jlibos: generous enough for compilers, interpreters and a JVM.
     * Time is not bounded by default (a long-running guest is legitimate; junit's Guest sets a timeout).
     */
    public static final int DEFAULT_MAX_PROCESSES = 512, DEFAULT_MAX_OPEN_FILES = 4096;
    public static final long DEFAULT_MAX_OUTPUT = 1L << 30, DEFAULT_TMPFS_SIZE = 256L << 20;
    /** Half the host's RAM, as Linux's tmpfs default: a JVM guest reserving 4 GiB of heap commits far less. */
    public static final long DEFAULT_COMMITTED_MEMORY = halfOfHostMemory();

    /** The default bounds, the host's time, the default syscall path and offload: what {@link Machine#builder()} starts from. */
    public static final GuestOptions DEFAULTS = new GuestOptions(null, null, 0, DEFAULT_COMMITTED_MEMORY, DEFAULT_MAX_OPEN_FILES, DEFAULT_MAX_PROCESSES,
            DEFAULT_MAX_OUTPUT, DEFAULT_TMPFS_SIZE, null, null, null, false, false);

    /** The names {@code ./jlibos run --limit NAME=VALUE} and {@link Builder#limit} accept; VALUE {@code none} lifts one. */
    public static final List<String> LIMIT_NAMES = List.of("wall", "cpu", "memory", "committed", "open-files", "processes", "output", "tmpfs");

    public GuestOptions {
        if (memoryLimit < 0 || committedMemory < 0 || maxOpenFiles < 0 || maxProcesses < 0 || maxOutput < 0 || tmpfsSize < 0) {
            throw new IllegalArgumentException("negative limit");
        }
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
        private long memoryLimit, committedMemory;
        private int maxOpenFiles, maxProcesses;
        private long maxOutput, tmpfsSize;
        private Long seed;
        private SyscallPath syscallPath;
        private OffloadPolicy offload;
        private boolean hostNetwork, debug;

        private Builder(GuestOptions from) {
            timeout = from.timeout;
            cpuTimeLimit = from.cpuTimeLimit;
            memoryLimit = from.memoryLimit;
            committedMemory = from.committedMemory;
            maxOpenFiles = from.maxOpenFiles;
            maxProcesses = from.maxProcesses;
            maxOutput = from.maxOutput;
            tmpfsSize = from.tmpfsSize;
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

        /**
         * At most {@code bytes} of writable private memory in all the machine's processes together: an mmap,
         * brk, mremap or mprotect that would commit more fails with ENOMEM (Linux's strict overcommit).
         * PROT_NONE and read-only reservations, and shared file mappings, do not count. Reported as
         * {@link dev.jlibos.kernel.process.Limit#MEMORY}.
         */
        public Builder committedMemory(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("committed memory limit must be positive");
            this.committedMemory = bytes;
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

        /**
         * At most {@code bytes} written to the machine's stdout and stderr, all processes together: a write past
         * it is cut short, the next raises SIGXFSZ and fails with EFBIG (as RLIMIT_FSIZE does for a file).
         * Reported as {@link dev.jlibos.kernel.process.Limit#OUTPUT}.
         */
        public Builder maxOutput(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("output limit must be positive");
            this.maxOutput = bytes;
            return this;
        }

        /**
         * At most {@code bytes} in each in-memory directory (a sandbox's root, and each tmpfs not given its own
         * size): growth past it is cut short or fails with ENOSPC, as on a full tmpfs. Reported as
         * {@link dev.jlibos.kernel.process.Limit#TMPFS}.
         */
        public Builder tmpfsSize(long bytes) {
            if (bytes < 4096) throw new IllegalArgumentException("tmpfs size must be at least one page (4096)");
            this.tmpfsSize = bytes;
            return this;
        }

        /** Lifts the limit called {@code name} (one of {@link #LIMIT_NAMES}), default bounds included. */
        public Builder unlimited(String name) {
            switch (name) {
                case "wall" -> timeout = null;
                case "cpu" -> cpuTimeLimit = null;
                case "memory" -> memoryLimit = 0;
                case "committed" -> committedMemory = 0;
                case "open-files" -> maxOpenFiles = 0;
                case "processes" -> maxProcesses = 0;
                case "output" -> maxOutput = 0;
                case "tmpfs" -> tmpfsSize = 0;
                default -> throw unknownLimit(name);
            }
            return this;
        }

        private static IllegalArgumentException unknownLimit(String name) {
            return new IllegalArgumentException("unknown limit '" + name + "' (" + String.join(", ", LIMIT_NAMES) + ")");
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
         * {@code k}, {@code m} or {@code g} suffix (powers of 1024); {@code none} lifts the limit.
         */
        public Builder limit(String name, String value) {
            if (value.trim().equals("none")) return unlimited(name);
            return switch (name) {
                case "wall" -> timeout(duration(value));
                case "cpu" -> cpuTimeLimit(duration(value));
                case "memory" -> memoryLimit(bytes(value));
                case "committed" -> committedMemory(bytes(value));
                case "open-files" -> maxOpenFiles(Integer.parseInt(value.trim()));
                case "processes" -> maxProcesses(Integer.parseInt(value.trim()));
                case "output" -> maxOutput(bytes(value));
                case "tmpfs" -> tmpfsSize(bytes(value));
                default -> throw unknownLimit(name);
            };
        }

        public GuestOptions build() {
            return new GuestOptions(timeout, cpuTimeLimit, memoryLimit, committedMemory, maxOpenFiles, maxProcesses, maxOutput, tmpfsSize, seed, syscallPath,
                    offload, hostNetwork, debug);
        }
    }

    /** Half of MemTotal in /proc/meminfo (8 GiB if it cannot be read). */
    private static long halfOfHostMemory() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024 / 2).orElse(8L << 30);
        } catch (java.io.IOException | RuntimeException e) {
            return 8L << 30;
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

    public static long bytes(String text) {
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
