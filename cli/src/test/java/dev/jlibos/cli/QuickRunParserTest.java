package dev.jlibos.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The picocli-free reading of `run` gives exactly picocli's fields, and leaves every other case to picocli. */
class QuickRunParserTest {
    private static final List<List<String>> COMMAND_LINES = List.of(
            List.of("/bin/true"),
            List.of("/bin/busybox", "sh", "-c", "echo --strace"),
            List.of("--strace", "--stats", "--debug", "--sandbox", "--clear-env", "prog", "--limit", "x"),
            List.of("--trace-json", "/tmp/t.json", "--deterministic=7", "--syscall-path", "hook", "ls", "-l"),
            List.of("--offload=all", "--chdir", "sub", "--net", "host", "--env", "A=1", "--env=B=2", "env"),
            List.of("--mount", "/usr:/usr:ro", "--mount=/lib:/lib:ro", "--tmpfs", "/t:size=1m", "--tmpfs=/u",
                    "--limit", "wall=2s", "--limit=output=none", "x", "y"),
            List.of("--deterministic=-5", "--", "-prog", "a"),
            List.of("--", "prog"));

    @Test
    void readsCommonCommandLinesAsPicocliDoes() throws Exception {
        for (List<String> args : COMMAND_LINES) {
            RunCommand quick = QuickRunParser.parse(args);
            assertNotNull(quick, () -> "not parsed: " + args);
            RunCommand picocli = new RunCommand();
            new CommandLine(picocli).setStopAtPositional(true).parseArgs(args.toArray(String[]::new));
            for (Field f : RunCommand.class.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                f.setAccessible(true);
                assertEquals(f.get(picocli), f.get(quick), () -> f.getName() + " for " + args);
            }
        }
    }

    @Test
    void knowsEveryOptionOfRunCommand() {
        List<String> names = new ArrayList<>();
        for (Field f : RunCommand.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o == null) continue;
            for (String name : o.names()) {
                names.add(name);
                boolean flag = f.getType() == boolean.class;
                assertTrue(flag ? QuickRunParser.FLAGS.contains(name) : QuickRunParser.VALUED.contains(name),
                        name + " must be in QuickRunParser." + (flag ? "FLAGS" : "VALUED"));
            }
        }
        assertEquals(QuickRunParser.FLAGS.size() + QuickRunParser.VALUED.size(), names.size(), "options only QuickRunParser knows");
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--help"), List.of("-h"), List.of("--version"),
                List.of("--bogus", "x"), List.of("--strace"), List.of("--chdir"), List.of("--chdir", "--strace", "x"),
                List.of("--deterministic", "0x10", "x"), List.of("--deterministic", "seven", "x"),
                List.of("--strace=true", "x"))) {
            assertNull(QuickRunParser.parse(args), () -> "should be left to picocli: " + args);
        }
    }
}
