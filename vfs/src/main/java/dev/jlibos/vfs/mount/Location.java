package dev.jlibos.vfs.mount;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.HostFs;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/**
 * Where a guest path led: the host (directory fd, name) pair a host *at call should be given, plus what
 * the libOS needs to know about it (its mount, whether it exists, its canonical guest path).
 *
 * <p>In a sandbox the pair is always one of: the parent's fd and a single component (the host looks up
 * one name, never following a final symlink because callers pass the no-follow flag or the walker
 * already followed it); "/proc/self/fd/N" of an O_PATH fd the walker holds (the host reopens that exact
 * inode, so nothing can be swapped between check and use); or an allowlisted device path. In host
 * passthrough mode it is simply the guest's own dirfd and path.
 */
public final class Location implements AutoCloseable {
    private final HostFs host;
    private final int dirFd;
    private final byte[] name;
    private final int[] ownedFds;
    /** The mount the object is on (the parent's when it does not exist); null in passthrough mode. */
    public final Mount mount;
    /** Canonical guest path components; null in passthrough mode. */
    public final List<String> guestComponents;
    /** Whether the object exists (always true in passthrough mode, where the host decides). */
    public final boolean exists;
    /** File type bits (S_IFMT) of the object when known, else 0. */
    public final int fileType;
    /** The node when the object lives in a synthetic tree (/proc, /sys, /dev), else null. */
    public final SyntheticTree.Node synthetic;
    /** True when the object is the root of a mount (it cannot be unlinked or renamed: EBUSY). */
    public final boolean mountRoot;

    Location(HostFs host, int dirFd, byte[] name, int[] ownedFds, Mount mount, List<String> guestComponents,
             boolean exists, int fileType, SyntheticTree.Node synthetic, boolean mountRoot) {
        this.host = host;
        this.dirFd = dirFd;
        this.name = name;
        this.ownedFds = ownedFds;
        this.mount = mount;
        this.guestComponents = guestComponents;
        this.exists = exists;
        this.fileType = fileType;
        this.synthetic = synthetic;
        this.mountRoot = mountRoot;
    }

    /** Host passthrough: the host resolves {@code path} against {@code dirFd} exactly as the guest gave it. */
    public static Location passthrough(int dirFd, byte[] path) {
        return new Location(null, dirFd, path, new int[0], null, null, true, 0, null, false);
    }

    /** The directory fd to hand to the host *at call. */
    public int dirFd() {
        if (synthetic != null && !(synthetic instanceof SyntheticTree.HostDevice)) throw Errno.EACCES.fail();
        return dirFd;
    }

    /** The path to hand to the host *at call, relative to {@link #dirFd()}. */
    public byte[] name() {
        if (synthetic != null && !(synthetic instanceof SyntheticTree.HostDevice)) throw Errno.EACCES.fail();
        return name;
    }

    /**
     * Flags for the host call: a no-follow bit is dropped when the pair is a "/proc/self/fd/N" link the
     * walker holds (the host must follow that link to reach the object; the guest's own no-follow
     * choice was already applied by the walker).
     */
    public int hostFlags(int flags, int noFollowBit) {
        return sandboxed() && dirFd == AT_FDCWD && synthetic == null ? flags & ~noFollowBit : flags;
    }

    /** In a sandbox, ENOENT unless the object exists (passthrough leaves that to the host). */
    public Location requireExists() {
        if (sandboxed() && !exists) throw Errno.ENOENT.fail();
        return this;
    }

    /** In a sandbox, EEXIST if the object exists (for calls that create it). */
    public Location requireAbsent() {
        if (sandboxed() && exists) throw Errno.EEXIST.fail();
        return this;
    }

    /** EXDEV unless both locations are on the same mount (rename and link never cross mounts). */
    public static void requireSameMount(Location a, Location b) {
        if (a.mount != b.mount) throw Errno.EXDEV.fail();
    }

    public boolean sandboxed() {
        return guestComponents != null;
    }

    /** The canonical guest path, or null in passthrough mode. */
    public String guestPath() {
        return guestComponents == null ? null : MountTable.join(guestComponents);
    }

    /** EROFS when the object's mount is read-only (every call that would change the file tree asks). */
    public Location requireWritable() {
        if (mount != null && (mount.readOnly || mount.kind == Mount.Kind.SYNTHETIC)) throw Errno.EROFS.fail();
        return this;
    }

    /** EBUSY for a mount point: it cannot be removed or renamed while mounted. */
    public Location requireNotMountRoot() {
        if (mountRoot) throw Errno.EBUSY.fail();
        return this;
    }

    public String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (int fd : ownedFds) host.closeFd(fd);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
