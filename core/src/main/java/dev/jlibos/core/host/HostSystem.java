package dev.jlibos.core.host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the host says about itself in its /proc: the names uname and /proc/sys/kernel show the guest, its
 * capabilities and limits, and the figures sysinfo passes on (uptime, load, memory).
 */
public final class HostSystem {
    private HostSystem() {
    }

    /**
     * The trimmed contents of a host /proc file, or {@code fallback} if it cannot be read. Read in large
     * reads: a numeric sysctl answers only a read at offset 0 (Files.readString, sized by st_size 0,
     * would get its first byte alone).
     */
    public static String readProc(String path, String fallback) {
        try (var in = Files.newInputStream(Path.of(path))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return fallback;
        }
    }

    public static String hostname() {
        return readProc("/proc/sys/kernel/hostname", "localhost");
    }

    public static String osRelease() {
        return readProc("/proc/sys/kernel/osrelease", System.getProperty("os.version"));
    }

    public static String kernelVersion() {
        return readProc("/proc/sys/kernel/version", "#1 SMP");
    }

    /**
     * The JVM's own uid and gid (0, 0 if unknown): a guest gets them, so ownership seen through the host
     * passthrough agrees with getuid().
     */
    public static int[] ids() {
        try {
            return new int[] {(Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                    (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid")};
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return new int[] {0, 0};
        }
    }

    /** /proc/uptime's first figure: seconds since the host booted; 0 if it cannot be read. */
    public static double uptimeSeconds() {
        try {
            return Double.parseDouble(readProc("/proc/uptime", "0").split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** /proc/loadavg's three load averages (1, 5 and 15 minutes). */
    public static double[] loadAverages() {
        String[] load = readProc("/proc/loadavg", "0 0 0").split("\\s+");
        return new double[] {Double.parseDouble(load[0]), Double.parseDouble(load[1]), Double.parseDouble(load[2])};
    }

    /** A /proc/meminfo figure (MemTotal, Shmem...) in bytes; 0 if absent. */
    public static long meminfoBytes(String key) {
        for (String line : readProc("/proc/meminfo", "").split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]) * 1024;
            }
        }
        return 0;
    }

    /** /proc/sys/kernel/cap_last_cap: the highest capability number the host kernel has. */
    public static int lastCapability() {
        return LAST_CAPABILITY;
    }

    private static final int LAST_CAPABILITY = lastCapabilityOfHost();

    private static int lastCapabilityOfHost() {
        try {
            int n = Integer.parseInt(readProc("/proc/sys/kernel/cap_last_cap", ""));
            return n > 0 && n < 63 ? n : dev.jlibos.core.abi.Capability.CAP_LAST_CAP;
        } catch (NumberFormatException e) {
            return dev.jlibos.core.abi.Capability.CAP_LAST_CAP;
        }
    }

    /**
     * The JVM's own capability sets from /proc/self/status: inheritable, permitted, effective, bounding,
     * ambient; null if they cannot be read.
     */
    public static long[] capabilities() {
        String status = readProc("/proc/self/status", "");
        String[] names = {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
        long[] sets = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            Long set = statusHex(status, names[i]);
            if (set == null) return null;
            sets[i] = set;
        }
        return sets;
    }

    /** A hexadecimal field of /proc/self/status ("SigIgn:", "CapEff:"...), or null if absent or malformed. */
    private static Long statusHex(String status, String name) {
        for (String line : status.split("\n")) {
            if (!line.startsWith(name)) continue;
            try {
                return Long.parseUnsignedLong(line.substring(name.length()).trim(), 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The signals the JVM ignores (SigIgn in /proc/self/status, bit n-1 for signal n): what a program the
     * JVM's own process started would inherit across execve, e.g. SIGINT and SIGQUIT when a shell ran it in
     * the background, SIGHUP under nohup. 0 if it cannot be read. The launcher script passes its own set
     * ({@code jlibos.ignoredSignals}, hex), since the JVM takes over some signals (SIGQUIT) whatever it
     * was given.
     */
    public static long ignoredSignals() {
        String given = System.getProperty("jlibos.ignoredSignals");
        if (given != null) {
            try {
                return Long.parseUnsignedLong(given.trim(), 16);
            } catch (NumberFormatException e) {
                // fall back to the JVM's own set
            }
        }
        Long ignored = statusHex(readProc("/proc/self/status", ""), "SigIgn:");
        return ignored == null ? 0 : ignored;
    }

    /** /proc/sys/fs/suid_dumpable: the dumpable mode a process gets when its credentials change (0, 1 or 2). */
    public static int suidDumpable() {
        try {
            int v = Integer.parseInt(readProc("/proc/sys/fs/suid_dumpable", "0"));
            return v >= 0 && v <= 2 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** /proc/sys/kernel/sched_rr_timeslice_ms: SCHED_RR's time slice (100 ms unless changed). */
    public static long rrTimesliceMillis() {
        try {
            long v = Long.parseLong(readProc("/proc/sys/kernel/sched_rr_timeslice_ms", "100"));
            return v > 0 ? v : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** Yama's /proc/sys/kernel/yama/ptrace_scope (0 when Yama is absent): who may attach to whom. */
    public static int ptraceScope() {
        try {
            return Integer.parseInt(readProc("/proc/sys/kernel/yama/ptrace_scope", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
