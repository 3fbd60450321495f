package dev.jlibos.kernel;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.Kernel;
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
        if (config.hostStdio) StdioFiles.installHostDuplicates(files, host);
        else StdioFiles.installStreams(files, config.stdin, config.stdout, config.stderr);
        Determinism determinism = kernel.determinism();
        int[] ids = determinism != null ? new int[] {Determinism.UID, Determinism.GID} : HostSystem.ids();
        Credentials credentials = new Credentials(ids[0], ids[1]);
        long[] caps = determinism != null ? null : HostSystem.capabilities();
        // As if the launcher had exec'ed the program: what a natively started program has (its bounding set too).
        if (caps != null) credentials.startAsExecutedBy(caps[0], caps[3], caps[4]);
        GuestProcess p = new GuestProcess(kernel, kernel.processTable().allocateFirstPid(), 1, memory, files, credentials);
        if (determinism != null) p.useDeterminism(determinism.firstProcess());
        p.useFs(config.sandbox ? null : FsContext.open(host, config.cwd)); // a sandbox's is set once a thread exists
        p.execInfo(ExecInfo.commandLine(config.argv, config.envp));
        return p;
    }

}
