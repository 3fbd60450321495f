package dev.jlibos.cli;

import picocli.CommandLine;

/**
 * Turns any failure that reaches the top into one "jlibos: ..." line and status 1; the Java stack trace
 * is shown only with --debug.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        return report(e, parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
    }

    static int report(Exception e, boolean debug) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        System.err.println("jlibos: " + message.lines().findFirst().orElse(message));
        if (debug) e.printStackTrace();
        return 1;
    }
}
