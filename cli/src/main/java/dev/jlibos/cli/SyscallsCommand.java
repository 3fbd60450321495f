package dev.jlibos.cli;

import dev.jlibos.kernel.Families;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.kernel.syscall.SyscallTableView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Prints the syscall compatibility table straight from the registry, so it never drifts from code; the
 * rendering is {@link SyscallTableView}'s, shared with docs/compat.
 */
@Command(name = "syscalls", mixinStandardHelpOptions = true,
        description = "Print every x86-64 syscall with jlibos's support level, the family serving it"
                + " and the tests covering it.")
final class SyscallsCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "Print a Markdown table.")
    boolean markdown;

    @Override
    public Integer call() {
        List<SyscallRegistry.Entry> entries = Families.registry().describeAll();
        System.out.print(markdown ? SyscallTableView.markdown(entries) : SyscallTableView.text(entries));
        System.out.println((markdown ? "\n" : "") + SyscallTableView.summary(entries));
        return 0;
    }
}
