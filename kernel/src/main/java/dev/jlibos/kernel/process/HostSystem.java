package dev.jlibos.kernel.process;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the host says about itself in its /proc: the names uname and /proc/sys/kernel show the guest. */
public final class HostSystem {
    private HostSystem() {
    }

    /** The trimmed contents of a host /proc file, or {@code fallback} if it cannot be read. */
    public static String readProc(String path, String fallback) {
        try {
            return Files.readString(Path.of(path)).trim();
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
}
