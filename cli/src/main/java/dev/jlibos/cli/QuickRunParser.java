package dev.jlibos.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code jlibos run}'s options read without picocli. Building picocli's model of {@link RunCommand} (its
 * classes are too old a class-file version for the class archive, and it reflects over every option) took
 * 150-230 ms of every cold run, a fifth of {@code ./jlibos run /bin/busybox true}. The common command lines
 * are parsed here into the same fields; anything else (help, version, a value that does not parse, an option
 * this table does not know) gives null, and picocli parses the command line as before, with its messages.
 * {@code QuickRunParserTest} checks that every picocli option of RunCommand is here and parses alike.
 */
final class QuickRunParser {
    static final Set<String> FLAGS = Set.of("--strace", "--stats", "--debug", "--sandbox", "--clear-env");
    static final Set<String> VALUED = Set.of("--trace-json", "--deterministic", "--syscall-path", "--offload",
            "--chdir", "--net", "--mount", "--tmpfs", "--limit", "--env");

    private QuickRunParser() {
    }

    /** {@code args} after "run"; null when picocli must parse them. */
    static RunCommand parse(List<String> args) {
        RunCommand run = new RunCommand();
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (!arg.startsWith("-")) break; // PROGRAM: the rest is the guest's (picocli's stopAtPositional)
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (FLAGS.contains(name) && eq < 0) {
                flag(run, name);
                i++;
                continue;
            }
            if (!VALUED.contains(name)) return null;
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
                i++;
            } else {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("-")) return null;
                value = args.get(i + 1);
                i += 2;
            }
            if (!option(run, name, value)) return null;
        }
        if (i >= args.size()) return null; // no PROGRAM: picocli says so
        run.program = args.get(i);
        run.args.addAll(args.subList(i + 1, args.size()));
        return run;
    }

    private static void flag(RunCommand run, String name) {
        switch (name) {
            case "--strace" -> run.strace = true;
            case "--stats" -> run.stats = true;
            case "--debug" -> run.debug = true;
            case "--sandbox" -> run.sandbox = true;
            case "--clear-env" -> run.clearEnv = true;
            default -> throw new IllegalStateException(name);
        }
    }

    /** Sets one valued option; false when its value does not parse (picocli reports it). */
    private static boolean option(RunCommand run, String name, String value) {
        switch (name) {
            case "--trace-json" -> run.traceJson = Path.of(value);
            case "--deterministic" -> {
                // Plain decimal only: picocli reads "010" or "0x10" its own way.
                if (!value.matches("-?[1-9][0-9]{0,17}|0")) return false;
                run.deterministic = Long.valueOf(value);
            }
            case "--syscall-path" -> run.syscallPath = value;
            case "--offload" -> run.offload = value;
            case "--chdir" -> run.chdir = value;
            case "--net" -> run.net = value;
            case "--mount" -> run.mounts.add(value);
            case "--tmpfs" -> run.tmpfs.add(value);
            case "--limit" -> run.limits.add(value);
            case "--env" -> run.env.add(value);
            default -> throw new IllegalStateException(name);
        }
        return true;
    }
}
