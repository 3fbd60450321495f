package dev.jlibos.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What one run produced. A run either failed to load ({@code loadError} is the loader's one-line
 * message) or ended with an exit code or a fatal signal.
 *
 * @param exitCode  exit status 0-255 for a normal exit, else 0
 * @param signal    fatal signal number, 0 for a normal exit
 * @param loadError the LoadException message when the program could not be loaded, else null
 * @param timedOut  the run was abandoned after the runner's timeout
 */
public record RunResult(int exitCode, int signal, byte[] stdout, byte[] stderr, String loadError,
                        boolean timedOut, Duration elapsed) {

    public static RunResult exited(int code, byte[] stdout, byte[] stderr, Duration elapsed) {
        return new RunResult(code, 0, stdout, stderr, null, false, elapsed);
    }

    public static RunResult killed(int signal, byte[] stdout, byte[] stderr, Duration elapsed) {
        return new RunResult(0, signal, stdout, stderr, null, false, elapsed);
    }

    public static RunResult loadFailed(String message, byte[] stdout, byte[] stderr, Duration elapsed) {
        return new RunResult(-1, 0, stdout, stderr, message, false, elapsed);
    }

    public static RunResult timedOut(byte[] stdout, byte[] stderr, Duration elapsed) {
        return new RunResult(-1, 0, stdout, stderr, null, true, elapsed);
    }

    public boolean loaded() {
        return loadError == null;
    }

    /** The status a shell reports: the exit code, or 128 + signal; -1 if the program never ran to an end. */
    public int shellStatus() {
        if (!loaded() || timedOut) return -1;
        return signal != 0 ? 128 + signal : exitCode;
    }

    public String describeStatus() {
        if (!loaded()) return "load error: " + loadError;
        if (timedOut) return "timed out after " + elapsed.toMillis() + " ms";
        return describeShellStatus(shellStatus());
    }

    public static String describeShellStatus(int status) {
        if (status > 128 && status <= 128 + 64) return "killed by " + Signals.name(status - 128);
        return "exit " + status;
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
