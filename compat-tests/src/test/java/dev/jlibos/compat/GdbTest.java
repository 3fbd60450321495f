package dev.jlibos.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's gdb as a guest debugger (ptrace, issue 16): {@code gdb -batch} setting a breakpoint, printing a
 * backtrace and variables, stepping with {@code next} and continuing to the end, natively and under jlibos,
 * must print the same once addresses and pids are masked; so must finish, a call into the program and a
 * software watchpoint. The debuggee is compiled here with {@code -g -O0},
 * static and dynamic. gdb reads and patches the debuggee's code through /proc/PID/mem, moves it past a
 * breakpoint with PTRACE_SINGLESTEP and rewinds rip with SETREGS. Skipped without /usr/bin/gdb or gcc, or
 * where gdb cannot debug natively (a container without ptrace).
 */
class GdbTest {
    private static final Path GDB = Path.of("/usr/bin/gdb");
    private static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/", "TERM=dumb");
    private static final String DEBUGGEE = """
            #include <stdio.h>

            int f(int n)
            {
                int x = n * 7;
                x += 1;
                return x;
            }

            int main(void)
            {
                int r = f(6);
                printf("r=%d\\n", r);
                return 0;
            }
            """;
    /** A second thread that hits the breakpoint; nothing printed, whose place among gdb's lines would be a race. */
    private static final String THREADED_DEBUGGEE = """
            #include <pthread.h>

            static int counter;

            static void *worker(void *arg)
            {
                int n = 5;
                counter += n;
                return arg;
            }

            int main(void)
            {
                pthread_t th;
                pthread_create(&th, NULL, worker, NULL);
                pthread_join(th, NULL);
                return counter == 5 ? 0 : 1;
            }
            """;

    /** The inferior started directly (no shell), a static program: steps, a frame, finish and a call into it. */
    @Test
    void staticProgram(@TempDir Path dir) throws IOException {
        Path program = compile(dir, "static-prog", true);
        compare(dir, program, List.of("set startup-with-shell off", "break f", "run", "bt", "print n", "next", "next",
                "print x", "info frame", "finish", "delete 1", "print f(2)", "continue"));
    }

    /**
     * gdb's default start through /bin/sh (an exec it follows), a dynamic glibc program with libthread_db, and
     * a software watchpoint, which single-steps every instruction until the variable changes or goes out of
     * scope.
     */
    @Test
    void dynamicProgramThroughShell(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        Path program = compile(dir, "dynamic-prog", false);
        compare(dir, program, List.of("set can-use-hw-watchpoints 0", "break f", "run", "bt", "watch x", "continue",
                "continue", "continue", "info sharedlibrary", "continue"));
    }

    /**
     * gdb's default {@code watch} uses a debug register, which jlibos serves by running the program an
     * instruction at a time (see README). Some virtual machines never fire a debug register, so the oracle
     * is Linux running gdb's software watchpoint, which must report the same changes at the same places;
     * only its name ("Watchpoint" for "Hardware watchpoint") differs.
     */
    @Test
    void hardwareWatchpoint(@TempDir Path dir) throws IOException {
        Path program = compile(dir, "static-prog", true);
        List<String> commands = List.of("set startup-with-shell off", "break f", "run", "watch x", "continue",
                "continue", "continue", "continue");
        List<String> software = new ArrayList<>(commands);
        software.add(1, "set can-use-hw-watchpoints 0");
        compare(dir, program, software, commands);
    }

    /**
     * A static program whose second thread hits the breakpoint (PTRACE_O_TRACECLONE, libthread_db): gdb
     * reports the new thread, switches to it, prints its backtrace and a variable, and sees it exit.
     */
    @Test
    void threadedProgram(@TempDir Path dir) throws IOException {
        Path program = compile(dir, "threaded-prog", THREADED_DEBUGGEE, true);
        List<String> commands = List.of("set startup-with-shell off", "break worker", "run", "bt", "next", "print n",
                "continue");
        compare(dir, program, commands, commands, "hit Breakpoint 1, worker");
    }

    private static void compare(Path dir, Path program, List<String> commands) throws IOException {
        compare(dir, program, commands, commands);
    }

    private static void compare(Path dir, Path program, List<String> nativeCommands, List<String> commands) throws IOException {
        compare(dir, program, nativeCommands, commands, "Breakpoint 1, f (n=6)");
    }

    /**
     * {@code nativeCommands} natively, {@code commands} under jlibos; "Hardware watchpoint" is read as
     * "Watchpoint". Skipped unless the native run printed {@code sign} (gdb could debug here).
     */
    private static void compare(Path dir, Path program, List<String> nativeCommands, List<String> commands, String sign)
            throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(GDB), GDB + " is not installed");
        RunResult expected = Runners.host().run(GDB, argv(nativeCommands, program), ENV, dir, new byte[0]);
        Assumptions.assumeTrue(expected.exitCode() == 0 && expected.stdoutText().contains(sign),
                "gdb cannot debug natively here: " + expected.stdoutText() + expected.stderrText());
        RunResult actual = Runners.requireJlibos().run(GDB, argv(commands, program), ENV, dir, new byte[0]);
        String what = "gdb " + String.join(" ", commands) + " (" + program.getFileName() + ")";
        assertEquals(expected.describeStatus(), actual.describeStatus(), what + ": " + actual.stderrText());
        assertEquals(mask(expected.stdoutText()), mask(actual.stdoutText()), what + ": stdout; jlibos's stderr: " + actual.stderrText());
        assertEquals(mask(expected.stderrText()), mask(actual.stderrText()), what + ": stderr");
    }

    private static List<String> argv(List<String> commands, Path program) {
        List<String> argv = new ArrayList<>(List.of(GDB.toString(), "-batch", "-nx"));
        for (String c : commands) {
            argv.add("-ex");
            argv.add(c);
        }
        argv.add(program.toString());
        return argv;
    }

    /**
     * What legitimately differs: addresses (jlibos lays out shared libraries its own way), the inferior's pid,
     * gdb's warning where the host refuses to turn address randomisation off (a container), the kind of
     * watchpoint (see {@link #hardwareWatchpoint}), thread ids (LWP), and clone3 for clone (jlibos has no
     * clone3, so glibc's pthread_create falls back to clone: the new thread's outermost frame).
     */
    static String mask(String output) {
        String s = output.replaceAll("0x[0-9a-f]+", "ADDR");
        s = s.replaceAll("process \\d+", "process PID");
        s = s.replaceAll("LWP \\d+", "LWP N");
        s = s.replace("in clone3 ()", "in clone ()");
        s = s.replace("Hardware watchpoint", "Watchpoint");
        return s.replaceAll("(?m)^warning: Error disabling address space randomization: .*\\n", "");
    }

    private static Path compile(Path dir, String name, boolean statically) throws IOException {
        return compile(dir, name, DEBUGGEE, statically);
    }

    private static Path compile(Path dir, String name, String text, boolean statically) throws IOException {
        Path source = dir.resolve(name + ".c");
        Files.writeString(source, text);
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-g", "-O0", "-pthread", "-o", out.toString(), source.toString()));
        if (statically) cmd.add(1, "-static");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] log = p.getInputStream().readAllBytes();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            Assumptions.assumeTrue(done && p.exitValue() == 0, "gcc cannot build the debuggee: " + new String(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            Assumptions.abort("gcc is not installed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
