package dev.jlibos.kernel;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.ExecInfo;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StreamFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;

/** Creating the first process of a machine: credentials, stdio, and loading the program. */
public final class Launch {
    private Launch() {
    }

    static GuestProcess createProcess(Kernel kernel, AddressSpace memory, HostFs host, Machine.Builder config) {
        FdTable files = new FdTable();
        if (config.hostStdio) {
            // The guest gets its own host duplicates of fds 0-2: closing them cannot close the JVM's.
            for (int fd = 0; fd < 3; fd++) {
                int copy = (int) host.simple(HostFs.FCNTL, fd, F_DUPFD_CLOEXEC, 3);
                int flags = (int) host.simple(HostFs.FCNTL, copy, F_GETFL, 0);
                // What the JVM's fd is (/dev/pts/0, pipe:[N], a file) is what the guest's link shows.
                String target = new String(host.readlinkat(AT_FDCWD,
                        ("/proc/self/fd/" + fd).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
                files.install(new HostFile(host, copy, target, flags), false);
            }
        } else {
            InputStream in = config.stdin != null ? config.stdin : InputStream.nullInputStream();
            files.install(new StreamFile(in, null, "/dev/stdin"), false);
            files.install(new StreamFile(null, orNull(config.stdout), "/dev/stdout"), false);
            files.install(new StreamFile(null, orNull(config.stderr), "/dev/stderr"), false);
        }
        Determinism determinism = kernel.determinism();
        int[] ids = determinism != null ? new int[] {Determinism.UID, Determinism.GID} : hostIds();
        Credentials credentials = new Credentials(ids[0], ids[1]);
        long[] caps = determinism != null ? null : dev.jlibos.core.host.HostSystem.capabilities();
        // As if the launcher had exec'ed the program: what a natively started program has (its bounding set too).
        if (caps != null) credentials.startAsExecutedBy(caps[0], caps[3], caps[4]);
        GuestProcess p = new GuestProcess(kernel, kernel.processTable().allocateFirstPid(), 1, memory, files, credentials);
        if (determinism != null) p.useDeterminism(determinism.firstProcess());
        p.useFs(config.sandbox ? null : FsContext.open(host, config.cwd)); // a sandbox's is set once a thread exists
        p.execInfo(ExecInfo.commandLine(config.argv, config.envp));
        return p;
    }

    private static OutputStream orNull(OutputStream out) {
        return out != null ? out : OutputStream.nullOutputStream();
    }

    /** The launcher's own uid and gid, so ownership seen through the host passthrough agrees with getuid(). */
    private static int[] hostIds() {
        try {
            return new int[] {(Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                    (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid")};
        } catch (IOException | UnsupportedOperationException e) {
            return new int[] {0, 0};
        }
    }
}
