package dev.jlibos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Entry point of the {@code ./jlibos} command. */
@Command(name = "jlibos", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "Runs unmodified Linux x86-64 programs inside the JVM (a library OS on the Unicorn engine).")
public final class Main {
    /**
     * The subcommands, built on demand: picocli reflects over every option of every subcommand it is
     * given, which was ~0.1 s of a cold `./jlibos run` (JFR, 1 ms samples), so a run builds only its own.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("run", RunCommand::new);
        SUBCOMMANDS.put("batch", BatchCommand::new);
        SUBCOMMANDS.put("bench", BenchCommand::new);
        SUBCOMMANDS.put("syscalls", SyscallsCommand::new);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    public static void main(String[] args) {
        RunCommand quick = args.length > 0 && args[0].equals("run") ? QuickRunParser.parse(List.of(args).subList(1, args.length)) : null;
        if (quick != null) System.exit(execute(quick));
        boolean one = args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help");
        System.exit((one ? commandLine(args[0]) : commandLine()).execute(args));
    }

    /**
     * Runs a command line {@link QuickRunParser} read, ending as picocli's execute would: a usage error
     * prints its message and the usage (status 2), any other failure one "jlibos: ..." line (status 1).
     */
    static int execute(RunCommand run) {
        try {
            return run.call();
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            e.getCommandLine().usage(System.err);
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        } catch (RuntimeException e) {
            return ErrorReporter.report(e, run.debug);
        }
    }

    /** The configured command line with every subcommand, also used by tests to run commands in-process. */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /** With {@code only} non-null, just that subcommand (the others would only be reflected over). */
    private static CommandLine commandLine(String only) {
        CommandLine cli = new CommandLine(new Main());
        SUBCOMMANDS.forEach((name, make) -> {
            if (only == null || only.equals(name)) cli.addSubcommand(name, make.get());
        });
        // Guest arguments after PROGRAM are the guest's, never options of ours (like `env` or qemu-user).
        cli.setStopAtPositional(true);
        cli.getSubcommands().values().forEach(c -> c.setStopAtPositional(true));
        cli.setExecutionExceptionHandler(new ErrorReporter());
        return cli;
    }
}
