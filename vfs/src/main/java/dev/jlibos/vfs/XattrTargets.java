package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.proc.ProcTask;

import java.nio.charset.StandardCharsets;
import java.util.function.ToLongFunction;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/**
 * What an extended-attribute call acts on, as {@link HostFs#xattr} and friends take it: a host path
 * ({@code byte[]}) or a host fd ({@code Integer}). The path forms have no *at variant, so a relative path
 * reaches the host through the guest cwd's magic link /proc/self/fd/CWD/path, and in a sandbox the
 * walker's result is spelled through the fd it holds, so the host resolves nothing of the guest's path.
 */
public final class XattrTargets {
    private XattrTargets() {
    }

    /**
     * Runs {@code call} on the host target {@code path} stands for; {@code writes}: the call changes the
     * attributes (EROFS on a read-only mount). Synthetic files (/proc, /dev...) have none (ENODATA).
     */
    public static long withPath(ProcTask t, byte[] path, boolean follow, boolean writes, ToLongFunction<Object> call) {
        FsContext fs = t.process().fs();
        if (!fs.sandboxed()) {
            if (GuestPaths.absolute(path)) return call.applyAsLong(path);
            return call.applyAsLong(("/proc/self/fd/" + fs.cwdFd() + "/" + GuestPaths.string(path)).getBytes(StandardCharsets.UTF_8));
        }
        try (Location l = GuestPaths.locate(t, AT_FDCWD, path, follow)) {
            l.requireExists();
            if (writes) l.requireWritable();
            if (l.synthetic != null) throw Errno.ENODATA.fail();
            String p = l.dirFd() == AT_FDCWD ? l.nameString() : "/proc/self/fd/" + l.dirFd() + "/" + l.nameString();
            return call.applyAsLong(p.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The host fd behind {@code fd}; pipes and streams carry no attributes (EOPNOTSUPP). */
    public static Object fd(ProcTask t, int fd, boolean writes) {
        if (writes && t.process().files().get(fd).onReadOnlyMount()) throw Errno.EROFS.fail();
        return PathOps.hostFd(t, fd, Errno.EOPNOTSUPP);
    }
}
