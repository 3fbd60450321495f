package dev.jlibos.vfs.mount;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.F_DUPFD_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_NOFOLLOW;
import static dev.jlibos.core.abi.Fcntl.O_PATH;

/**
 * Resolves guest paths in a sandbox's namespace, one component at a time, the way Linux's path walk
 * does: symlinks (at most 40 per walk), "." and "..", mount points, trailing slashes.
 *
 * <p>The host only ever sees single-component lookups relative to an O_PATH directory fd the walker
 * holds, made with O_NOFOLLOW. Symlink targets are read and spliced into the remaining path here, so an
 * absolute target restarts at the guest root and ".." never climbs above it: a guest cannot name a host
 * path outside its mounts, whatever links it finds or creates. ".." is taken on the canonical guest
 * path (the parent of where the walk really is), never through the host's "..".
 */
public final class PathWalker {
    private static final int MAX_SYMLINKS = 40, NAME_MAX = 255;

    private final HostFs host;
    private final MountTable mounts;

    public PathWalker(HostFs host, MountTable mounts) {
        this.host = host;
        this.mounts = mounts;
    }

    public MountTable mounts() {
        return mounts;
    }

    /**
     * Where a walk is: canonical guest components, their mount, and a host O_PATH fd (-1 if synthetic).
     * A cursor on a mount root or on the caller's directory fd only borrows that fd: most walks step past
     * it (into /proc, a synthetic mount, a child), and a copy per walk was an F_DUPFD and a close, two
     * host calls per open of a /proc file. It is copied ({@link #own}) only when a Location keeps it.
     */
    private static final class Cursor {
        List<String> path;
        Mount mount;
        int fd;
        int type;
        SyntheticTree.Node node;
        boolean borrowed;

        Cursor(List<String> path, Mount mount, int fd, int type, SyntheticTree.Node node) {
            this.path = path;
            this.mount = mount;
            this.fd = fd;
            this.type = type;
            this.node = node;
        }
    }

    /**
     * Resolves {@code path} relative to the directory {@code start} (canonical guest components; ignored
     * for absolute paths). {@code followLast}: whether a final symlink is followed. {@code caller} is
     * handed to synthetic trees (for /proc/self).
     */
    public Location resolve(List<String> start, int startFd, byte[] rawPath, boolean followLast, Object caller) {
        return resolve(start, startFd, rawPath, followLast, 0, caller);
    }

    /** openat2's RESOLVE_* limits, with Linux's values. */
    public static final int RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4,
            RESOLVE_BENEATH = 8, RESOLVE_IN_ROOT = 0x10;

    /**
     * As {@link #resolve(List, int, byte[], boolean, Object)} with openat2's limits: NO_SYMLINKS and
     * NO_MAGICLINKS (the kernel's /proc links) give ELOOP, NO_XDEV gives EXDEV on crossing a mount,
     * BENEATH gives EXDEV for anything leading above {@code start}, IN_ROOT treats {@code start} as "/".
     */
    public Location resolve(List<String> start, int startFd, byte[] rawPath, boolean followLast, int limits, Object caller) {
        String path = new String(rawPath, StandardCharsets.UTF_8);
        if (path.isEmpty()) throw Errno.ENOENT.fail();
        boolean beneath = (limits & RESOLVE_BENEATH) != 0, inRoot = (limits & RESOLVE_IN_ROOT) != 0;
        List<String> base = List.copyOf(start);
        if (beneath && path.startsWith("/")) throw Errno.EXDEV.fail();
        boolean trailingSlash = path.endsWith("/");
        Cursor cur = path.startsWith("/") && !inRoot ? rootCursor() : startCursor(start, startFd, caller);
        Deque<String> todo = split(path);
        int links = 0;
        try {
            if (todo.isEmpty()) return self(cur); // "/", "." or "a/.." collapsed to nothing
            while (true) {
                String name = todo.pollFirst();
                boolean last = todo.isEmpty();
                if (name.equals(".") || name.equals("..")) {
                    boolean atBase = (beneath || inRoot) && cur.path.size() <= base.size();
                    if (name.equals("..") && atBase && beneath) throw Errno.EXDEV.fail();
                    if (name.equals("..") && (limits & RESOLVE_NO_XDEV) != 0 && mounts.at(cur.path) != null) {
                        throw Errno.EXDEV.fail();
                    }
                    if (name.equals("..") && !cur.path.isEmpty() && !atBase) {
                        List<String> parent = new ArrayList<>(cur.path.subList(0, cur.path.size() - 1));
                        Cursor up = reopen(parent, caller);
                        release(cur);
                        cur = up;
                    }
                    if (last) return self(cur);
                    continue;
                }
                if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) throw Errno.ENAMETOOLONG.fail();
                if (cur.type != StatLayout.S_IFDIR) throw Errno.ENOTDIR.fail();
                Cursor child = step(cur, name, caller);
                if (child != null && (limits & RESOLVE_NO_XDEV) != 0 && mounts.at(child.path) != null) {
                    release(child);
                    throw Errno.EXDEV.fail();
                }
                boolean follow = !last || followLast || trailingSlash;
                if (child != null && child.type == StatLayout.S_IFLNK && follow) {
                    if ((limits & RESOLVE_NO_SYMLINKS) != 0
                            || ((limits & RESOLVE_NO_MAGICLINKS) != 0 && child.mount.kind == Mount.Kind.SYNTHETIC)) {
                        release(child);
                        throw Errno.ELOOP.fail();
                    }
                    if (++links > MAX_SYMLINKS) {
                        release(child);
                        throw Errno.ELOOP.fail();
                    }
                    String target = linkTarget(child);
                    release(child);
                    // A synthetic link may have no target yet (/proc/self/exe while the first program loads).
                    if (target == null || target.isEmpty()) throw Errno.ENOENT.fail();
                    Deque<String> spliced = split(target);
                    if (target.endsWith("/") && last) trailingSlash = true; // the link's target must be a directory
                    while (!spliced.isEmpty()) todo.addFirst(spliced.pollLast());
                    if (target.startsWith("/")) {
                        if (beneath) throw Errno.EXDEV.fail();
                        release(cur);
                        cur = inRoot ? reopen(base, caller) : rootCursor();
                    }
                    if (todo.isEmpty()) return self(cur); // the link pointed at "/" or "."
                    continue;
                }
                if (last) {
                    if (child == null) return missing(cur, name, trailingSlash);
                    if (trailingSlash && child.type != StatLayout.S_IFDIR) {
                        release(child);
                        throw Errno.ENOTDIR.fail();
                    }
                    return found(cur, name, child, followLast);
                }
                if (child == null) throw Errno.ENOENT.fail();
                if (child.type != StatLayout.S_IFDIR) {
                    release(child);
                    throw Errno.ENOTDIR.fail();
                }
                release(cur);
                cur = child;
            }
        } catch (RuntimeException e) {
            release(cur);
            throw e;
        }
    }

    /** One lookup of {@code name} in directory {@code dir}; null when it does not exist. */
    private Cursor step(Cursor dir, String name, Object caller) {
        List<String> path = new ArrayList<>(dir.path);
        path.add(name);
        Mount mounted = mounts.at(path);
        if (mounted != null) return mountRoot(mounted, path);
        if (dir.mount.kind == Mount.Kind.SYNTHETIC) {
            SyntheticTree.Node node = dir.mount.tree.lookup(caller, relative(dir.mount, path));
            return node == null ? null : new Cursor(path, dir.mount, -1, typeOf(node), node);
        }
        int fd;
        try {
            fd = host.openat(dir.fd, name.getBytes(StandardCharsets.UTF_8), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, 0);
        } catch (dev.jlibos.core.LinuxException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
        return new Cursor(path, dir.mount, fd, StatLayout.mode(host.fstat(fd)) & StatLayout.S_IFMT, null);
    }

    private String linkTarget(Cursor link) {
        if (link.node instanceof SyntheticTree.Symlink s) return s.target();
        return new String(host.readlinkat(link.fd, new byte[0]), StandardCharsets.UTF_8);
    }

    /** The directory at canonical {@code path}, walked again from the root (used for ".." and dirfds). */
    private Cursor reopen(List<String> path, Object caller) {
        Cursor cur = rootCursor();
        try {
            for (String name : path) {
                if (cur.type != StatLayout.S_IFDIR) throw Errno.ENOTDIR.fail();
                Cursor child = step(cur, name, caller);
                if (child == null) throw Errno.ENOENT.fail();
                release(cur);
                cur = child;
                // A canonical path has no symlinks; one appearing now was swapped in: refuse it.
                if (cur.type == StatLayout.S_IFLNK) throw Errno.ENOENT.fail();
            }
            return cur;
        } catch (RuntimeException e) {
            release(cur);
            throw e;
        }
    }

    /** A walk starting in a directory the caller holds an fd for (the cwd, a dirfd), or walked to anew. */
    private Cursor startCursor(List<String> path, int fd, Object caller) {
        if (fd < 0) return reopen(path, caller);
        Mount m = mounts.containing(path);
        if (m.kind != Mount.Kind.HOST) return reopen(path, caller);
        Cursor c = new Cursor(List.copyOf(path), m, fd, StatLayout.mode(host.fstat(fd)) & StatLayout.S_IFMT, null);
        c.borrowed = true;
        return c;
    }

    private Cursor rootCursor() {
        return mountRoot(mounts.root(), List.of());
    }

    private Cursor mountRoot(Mount m, List<String> path) {
        if (m.kind == Mount.Kind.SYNTHETIC) {
            return new Cursor(path, m, -1, StatLayout.S_IFDIR, new SyntheticTree.Directory(List.of()));
        }
        Cursor c = new Cursor(path, m, m.rootFd, m.singleFile ? StatLayout.S_IFREG : StatLayout.S_IFDIR, null);
        c.borrowed = true;
        return c;
    }

    /** The walk ended on the directory it is in (".", "/", "a/.."). */
    private Location self(Cursor cur) {
        // Named by "." or "/": like a mount point, it cannot be removed or renamed by this name.
        boolean root = true;
        if (cur.fd < 0) {
            return new Location(host, -1, new byte[0], new int[0], cur.mount, List.copyOf(cur.path), true,
                    StatLayout.S_IFDIR, syntheticNode(cur), root);
        }
        own(cur);
        return new Location(host, AT_FDCWD, Location.bytes("/proc/self/fd/" + cur.fd), new int[] {cur.fd},
                cur.mount, List.copyOf(cur.path), true, cur.type, null, root);
    }

    private Location missing(Cursor parent, String name, boolean trailingSlash) {
        List<String> path = new ArrayList<>(parent.path);
        path.add(name);
        if (parent.fd < 0) {
            release(parent);
            return new Location(host, -1, new byte[0], new int[0], parent.mount, path, false, 0,
                    new SyntheticTree.File(), false);
        }
        own(parent);
        return new Location(host, parent.fd, Location.bytes(name), new int[] {parent.fd}, parent.mount, path, false,
                0, null, false);
    }

    private Location found(Cursor parent, String name, Cursor target, boolean follow) {
        boolean root = mounts.at(target.path) != null;
        if (target.fd < 0) { // synthetic: the node says what it is
            release(parent);
            SyntheticTree.Node node = syntheticNode(target);
            if (node instanceof SyntheticTree.HostDevice d) {
                return new Location(host, AT_FDCWD, Location.bytes(d.hostPath()), new int[0], target.mount,
                        target.path, true, StatLayout.S_IFCHR, node, false);
            }
            return new Location(host, -1, new byte[0], new int[0], target.mount, target.path, true, target.type, node, root);
        }
        if (follow || root) {
            // The host reopens the inode the walker holds: nothing can be swapped in between.
            release(parent);
            own(target);
            return new Location(host, AT_FDCWD, Location.bytes("/proc/self/fd/" + target.fd),
                    new int[] {target.fd}, target.mount, target.path, true, target.type, null, root);
        }
        own(parent);
        own(target);
        return new Location(host, parent.fd, Location.bytes(name), new int[] {parent.fd, target.fd}, target.mount,
                target.path, true, target.type, null, false);
    }

    private SyntheticTree.Node syntheticNode(Cursor c) {
        if (c.mount.kind != Mount.Kind.SYNTHETIC) return null;
        if (c.path.size() == c.mount.guestComponents.size()) {
            return new SyntheticTree.Directory(List.of());
        }
        return c.node;
    }

    private static int typeOf(SyntheticTree.Node node) {
        if (node instanceof SyntheticTree.Directory) return StatLayout.S_IFDIR;
        if (node instanceof SyntheticTree.Symlink) return StatLayout.S_IFLNK;
        if (node instanceof SyntheticTree.HostDevice) return StatLayout.S_IFCHR;
        return StatLayout.S_IFREG;
    }

    /** Path components inside a mount. */
    public static List<String> relative(Mount m, List<String> path) {
        return path.subList(m.guestComponents.size(), path.size());
    }

    private void release(Cursor c) {
        if (c != null && c.fd >= 0) {
            if (!c.borrowed) host.closeFd(c.fd);
            c.fd = -1;
        }
    }

    /** Makes a borrowed fd the cursor's own (a copy), before a Location takes it over and closes it later. */
    private void own(Cursor c) {
        if (c.borrowed && c.fd >= 0) {
            c.fd = (int) host.simple(HostFs.FCNTL, c.fd, F_DUPFD_CLOEXEC, 3);
            c.borrowed = false;
        }
    }

    private static Deque<String> split(String path) {
        Deque<String> out = new ArrayDeque<>();
        for (String c : path.split("/")) if (!c.isEmpty()) out.addLast(c);
        return out;
    }
}
