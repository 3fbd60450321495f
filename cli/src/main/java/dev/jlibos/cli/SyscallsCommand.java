package dev.jlibos.cli;

import dev.jlibos.kernel.Kernel;
import dev.jlibos.kernel.syscall.Support;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.offload.OffloadAllowlist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Prints the syscall compatibility table straight from the registry, so it never drifts from code. */
@Command(name = "syscalls", mixinStandardHelpOptions = true, description = "Print every x86-64 syscall with jlibos's support level.")
final class SyscallsCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "Print a Markdown table.")
    boolean markdown;

    @Override
    public Integer call() {
        int[] counts = new int[Support.values().length];
        int forwarded = 0;
        if (markdown) {
            System.out.println("| nr | name | support | notes |");
            System.out.println("|---:|---|---|---|");
        }
        for (SyscallRegistry.Entry e : Kernel.registry().describeAll()) {
            counts[e.support().ordinal()]++;
            String note = e.support() == Support.ERRNO ? e.errno().name() + ": " + e.note() : e.note();
            if (OffloadAllowlist.get(e.def().number()) != null && e.support() == Support.UNIMPLEMENTED) {
                // What --offload=auto (the default without a sandbox) gives: the host kernel serves it.
                note = "forwarded to the host kernel unless --offload=none (the default in a sandbox)";
                forwarded++;
            }
            if (markdown) {
                System.out.printf("| %d | %s | %s | %s |%n", e.def().number(), e.def().name(),
                        e.support().name().toLowerCase(), note.replace("|", "\\|"));
            } else {
                System.out.printf("%4d  %-24s %-13s %s%n", e.def().number(), e.def().name(),
                        e.support().name().toLowerCase(), note);
            }
        }
        StringBuilder summary = new StringBuilder();
        for (Support s : Support.values()) summary.append(s.name().toLowerCase()).append(' ').append(counts[s.ordinal()]).append("  ");
        summary.append("(of the unimplemented, forwarded by --offload=auto ").append(forwarded).append(')');
        System.out.println((markdown ? "\n" : "") + summary.toString().trim());
        return 0;
    }
}
