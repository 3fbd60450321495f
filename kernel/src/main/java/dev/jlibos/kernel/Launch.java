package dev.jlibos.kernel;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.signals.SigAction;
import dev.jlibos.signals.Signal;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StdioFiles;

/** Creating the first process of a machine: credentials, stdio, and loading the program. */
public final class Launch {
    private Launch() {
    }

    static GuestProcess createProcess(Kernel kernel, AddressSpace memory, HostFs host, Machine.Builder config) {
        FdTable files = new FdTable();
        files.onHostFdsSpent(() -> kernel.exceeded(dev.jlibos.kernel.process.Limit.OPEN_FILES, "the "
                + dev.jlibos.vfs.HostFdBudget.limit() + " host file descriptors this JVM lends its guests are in use:"
                + " opening more fails with ENFILE"));
        if (config.hostStdio) StdioFiles.installHostDuplicates(files, host);
        else StdioFiles.installStreams(files, config.stdin, config.stdout, config.stderr);
        long maxOutput = config.options().maxOutput();
        if (maxOutput > 0) {
            // stdout and stderr share one budget; fork and dup share the descriptions, and with them the budget.
            var budget = new dev.jlibos.vfs.OutputBudget(maxOutput, () -> kernel.exceeded(dev.jlibos.kernel.process.Limit.OUTPUT,
                    "output limit of " + maxOutput + " bytes reached: writes to stdout and stderr raise SIGXFSZ and fail with EFBIG"));
            files.get(1).limitOutput(budget);
            files.get(2).limitOutput(budget);
        }
        Determinism determinism = kernel.determinism();
        int[] ids = determinism != null ? new int[] {Determinism.UID, Determinism.GID} : HostSystem.ids();
        Credentials credentials = new Credentials(ids[0], ids[1]);
        long[] caps = determinism != null ? null : HostSystem.capabilities();
        // As if the launcher had exec'ed the program: what a natively started program has (its bounding set too).
        if (caps != null) credentials.startAsExecutedBy(caps[0], caps[3], caps[4]);
        GuestProcess p = new GuestProcess(kernel, kernel.processTable().allocateFirstPid(), 1, memory, files, credentials);
        if (determinism != null) p.useDeterminism(determinism.firstProcess());
        else inheritIgnoredSignals(p);
        p.useFs(config.sandbox ? null : FsContext.open(host, config.cwd)); // a sandbox's is set once a thread exists
        p.execInfo(ExecInfo.commandLine(config.argv, config.envp));
        return p;
    }

    /**
     * Ignored dispositions survive execve on Linux, so a program the launcher started would keep the
     * signals the JVM ignores (`nohup`, a background job's SIGINT). Not in deterministic mode: a run there
     * must not depend on how the host started it.
     */
    private static void inheritIgnoredSignals(GuestProcess p) {
        long ignored = HostSystem.ignoredSignals();
        for (int sig = 1; sig <= 64; sig++) {
            if ((ignored & (1L << (sig - 1))) == 0 || sig == Signal.SIGKILL || sig == Signal.SIGSTOP) continue;
            p.signals().setAction(sig, new SigAction(SigAction.SIG_IGN, 0, 0, 0));
        }
    }
}
