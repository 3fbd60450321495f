package dev.jlibos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./jlibos} command. */
@Command(name = "jlibos", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "Runs unmodified Linux x86-64 programs inside the JVM (a library OS on the Unicorn engine).",
        subcommands = {RunCommand.class, BatchCommand.class, BenchCommand.class, SyscallsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Guest arguments after PROGRAM are the guest's, never options of ours (like `env` or qemu-user).
        cli.setStopAtPositional(true);
        cli.getSubcommands().values().forEach(c -> c.setStopAtPositional(true));
        cli.setExecutionExceptionHandler(new ErrorReporter());
        return cli;
    }
}
