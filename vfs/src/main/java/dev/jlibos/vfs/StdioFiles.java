package dev.jlibos.vfs;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.F_GETFL;

/** A machine's first process's fds 0, 1 and 2: the JVM's own stdio, or Java streams. */
public final class StdioFiles {
    private StdioFiles() {
    }

    /** Host duplicates of the JVM's fds 0-2: the guest closing them cannot close the JVM's. */
    public static void installHostDuplicates(FdTable files, HostFs host) {
        for (int fd = 0; fd < 3; fd++) {
            int copy = (int) host.simple(HostFs.FCNTL, fd, F_DUPFD_CLOEXEC, 3);
            int flags = (int) host.simple(HostFs.FCNTL, copy, F_GETFL, 0);
            // What the JVM's fd is (/dev/pts/0, pipe:[N], a file) is what the guest's link shows.
            String target = new String(host.readlinkat(AT_FDCWD,
                    ("/proc/self/fd/" + fd).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            files.install(new HostFile(host, copy, target, flags), false);
        }
    }

    /** Java streams; a null one reads as empty or discards what is written. */
    public static void installStreams(FdTable files, InputStream in, OutputStream out, OutputStream err) {
        files.install(new StreamFile(in != null ? in : InputStream.nullInputStream(), null, "/dev/stdin"), false);
        files.install(new StreamFile(null, orNull(out), "/dev/stdout"), false);
        files.install(new StreamFile(null, orNull(err), "/dev/stderr"), false);
    }

    private static OutputStream orNull(OutputStream out) {
        return out != null ? out : OutputStream.nullOutputStream();
    }
}
