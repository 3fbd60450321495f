package dev.jlibos.vfs.mount;

import java.util.List;

/**
 * A file tree the libOS generates (/proc, /sys, /dev). Paths are component lists relative to the mount
 * root. Implementations live where the state is (the kernel for /proc); the walker only asks what a
 * name is, so their symlinks are followed in the guest's namespace like any other.
 */
public interface SyntheticTree {
    /** What a path inside the tree is. */
    sealed interface Node permits Directory, File, Symlink, HostDevice, Opened {
    }

    /** A directory; its entries are listed on demand. */
    record Directory(List<String> entries) implements Node {
    }

    /** A read-only file whose bytes are generated when it is opened. */
    record File() implements Node {
    }

    /** A symlink, resolved by the walker relative to its directory (or the guest root if absolute). */
    record Symlink(String target) implements Node {
    }

    /** A host device node from a fixed allowlist (/dev/null, /dev/zero...), opened by its host path. */
    record HostDevice(String hostPath) implements Node {
    }

    /**
     * A file with its own open file description, which may be writable (/proc/PID/mem): opened through
     * {@link #open}.
     */
    record Opened() implements Node {
    }

    /**
     * Opens an {@link Opened} node with open(2)'s {@code flags}; the tree checks the caller's right to.
     * Trees without such nodes never see this.
     */
    default dev.jlibos.vfs.FileDescription open(Object caller, List<String> path, int flags) {
        throw dev.jlibos.core.Errno.ENOENT.fail();
    }

    /**
     * The node at {@code path} (never empty: the root is always a directory), or null if there is none.
     * {@code caller} is the process asking: "self" and per-process contents depend on it.
     */
    Node lookup(Object caller, List<String> path);

    /** Contents of a {@link File} node, generated now; null if it vanished. */
    byte[] contents(Object caller, List<String> path);

    /** The root directory's entries. */
    List<String> rootEntries(Object caller);
}
