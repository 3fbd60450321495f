package dev.jlibos.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's strace as a guest tracer (ptrace, issue 16): {@code strace -f} of a static C program and of a
 * shell pipeline, natively and under jlibos, must give the same trace once what legitimately differs is
 * masked (see {@link #normalize}). Skipped when /usr/bin/strace is absent or cannot trace natively (a
 * container without ptrace).
 */
class StraceTest {
    private static final Path STRACE = Path.of("/usr/bin/strace");
    private static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/");

    @Test
    void staticProgram(@TempDir Path dir) throws IOException {
        Path target = GuestPrograms.binary(GuestPrograms.Flavour.GLIBC, "ptrace");
        compare(dir, List.of(target.toString(), "strace-target"));
    }

    /** A second thread (PTRACE_O_TRACECLONE): its calls and its end, by tid; clone3 and clone not traced (jlibos has no clone3). */
    @Test
    void threadedProgram(@TempDir Path dir) throws IOException {
        Path target = GuestPrograms.binary(GuestPrograms.Flavour.GLIBC, "ptrace_more");
        compare(dir, List.of("-e", "trace=write,getppid,exit,exit_group", target.toString(), "strace-threads"));
    }

    @Test
    void shellPipeline(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/bin/ls")), "no /bin/sh or ls");
        for (String name : List.of("a", "b", "c")) Fs.write(dir, name, name + "\n");
        compare(dir, List.of("/bin/sh", "-c", "ls | wc -l"));
    }

    private static void compare(Path dir, List<String> command) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(STRACE), STRACE + " is not installed");
        List<String> argv = new ArrayList<>(List.of(STRACE.toString(), "-f"));
        argv.addAll(command);
        RunResult expected = Runners.host().run(STRACE, argv, ENV, dir, new byte[0]);
        Assumptions.assumeTrue(expected.exitCode() == 0 && !expected.stderrText().contains("Operation not permitted"),
                "strace cannot trace natively here: " + expected.stderrText());
        RunResult actual = Runners.requireJlibos().run(STRACE, argv, ENV, dir, new byte[0]);
        assertEquals(expected.describeStatus(), actual.describeStatus(), actual.stderrText());
        assertEquals(expected.stdoutText(), actual.stdoutText());
        String want = String.join("\n\n", normalize(expected.stderrText()));
        String got = String.join("\n\n", normalize(actual.stderrText()));
        if (!want.equals(got)) {
            byte[] a = want.getBytes(java.nio.charset.StandardCharsets.UTF_8), b = got.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.fail("strace -f " + String.join(" ", command) + ": masked traces differ\n"
                    + TextDiff.unified(a, b, "native", "jlibos", 40) + "\njlibos's trace:\n" + actual.stderrText());
        }
    }

    private static final Pattern PID_PREFIX = Pattern.compile("^\\[pid\\s+(\\d+)\\] (.*)$");
    /** strace's own notice, printed in the middle of another line as the new task appears. */
    private static final Pattern ATTACHED = Pattern.compile("(/usr/bin/)?strace: Process (\\d+) attached\\n?");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. [\\w]+ resumed>(.*)$");
    private static final String UNFINISHED = "<unfinished ...>";

    /**
     * The trace as one block of lines per process, blocks sorted, with these masks (each a difference
     * that is not jlibos's to remove):
     * <ul>
     * <li>lines are grouped by process and the groups compared as a set: which task strace hears from
     * first, and so how {@code [pid N]} lines interleave and where "Process N attached" lands, is timing;
     * a call split into {@code <unfinished ...>} and {@code <... resumed>} is joined back;</li>
     * <li>hexadecimal numbers (addresses: jlibos lays out memory its own way) and decimal numbers of three
     * digits or more (pids, and with them sizes: pids are the host's and cannot be told apart) are masked,
     * as are getrandom's bytes, the child's CPU times in SIGCHLD's siginfo, and whitespace (strace pads
     * results to a column);</li>
     * <li>the file type of fds 0-2 in fstat: the native runner gives the program files, the jlibos runner
     * pipes;</li>
     * <li>rseq is dropped: jlibos does not implement it (ENOSYS, README Quirks) and glibc goes on without;</li>
     * <li>SIGCHLD deliveries, their rt_sigreturn and a wait4 they interrupt (EINTR, ERESTARTSYS) are dropped:
     * whether a child's end reaches its parent during or after its wait4 is a race on Linux too.</li>
     * </ul>
     */
    static List<String> normalize(String trace) {
        // The traced command's own process has no prefix until a second task exists, and strace drops the
        // prefixes again when one task is left: every pid that was not announced as attached is that process.
        java.util.Set<String> attached = new java.util.HashSet<>();
        for (Matcher a = ATTACHED.matcher(trace); a.find(); ) attached.add(a.group(2));
        String text = ATTACHED.matcher(trace).replaceAll("");
        Map<String, List<String>> byProcess = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            Matcher m = PID_PREFIX.matcher(line);
            String pid = m.matches() && attached.contains(m.group(1)) ? m.group(1) : "first";
            String rest = m.matches() ? m.group(2) : line;
            if (rest.endsWith(UNFINISHED)) {
                pending.put(pid, rest.substring(0, rest.length() - UNFINISHED.length()));
                continue;
            }
            Matcher r = RESUMED.matcher(rest);
            if (r.matches() && pending.containsKey(pid)) rest = pending.remove(pid) + r.group(1);
            if (dropped(rest)) continue;
            byProcess.computeIfAbsent(pid, k -> new ArrayList<>()).add(mask(rest));
        }
        for (Map.Entry<String, String> e : pending.entrySet()) byProcess.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(mask(e.getValue()));
        List<String> blocks = new ArrayList<>();
        for (List<String> lines : byProcess.values()) blocks.add(String.join("\n", lines));
        blocks.sort(null);
        return blocks;
    }

    private static boolean dropped(String line) {
        return line.startsWith("rseq(") || line.startsWith("--- SIGCHLD ") || line.startsWith("rt_sigreturn(")
                || line.startsWith("wait4(") && (line.contains("EINTR") || line.contains("ERESTARTSYS"));
    }

    private static String mask(String line) {
        String s = line.replaceAll("getrandom\\(\\s*\"[^\"]*\"", "getrandom(\"...\"");
        s = s.replaceAll("^newfstatat\\(([012]),\\s*\"\",\\s*\\{st_mode=S_IF[A-Z]+", "newfstatat($1, \"\", {st_mode=S_IFSTD");
        s = s.replaceAll("si_utime=\\d+, si_stime=\\d+( /\\* [^*]* \\*/)?", "si_utime=T, si_stime=T");
        s = s.replaceAll("0x[0-9a-f]+", "ADDR");
        s = s.replaceAll("\\b\\d{3,}\\b", "N");
        return s.replaceAll("\\s+", "");
    }
}
