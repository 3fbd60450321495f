package dev.jlibos.compat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one guest program to completion. Two implementations: {@link NativeRunner} (the host
 * kernel, which is the oracle) and {@code JlibosRunner} (jlibos's {@code Machine}); the
 * differential tests only see this interface so that they compile without the kernel's
 * launcher API.
 */
public interface GuestRunner {
    /** Short name used in failure messages: "native", "jlibos". */
    String name();

    /**
     * @param binary host path of the executable
     * @param argv   full argv including argv[0]
     * @param env    "K=V" strings, the complete environment
     * @param cwd    working directory of the guest
     * @param stdin  the whole standard input
     */
    RunResult run(Path binary, List<String> argv, List<String> env, Path cwd, byte[] stdin) throws IOException;
}
