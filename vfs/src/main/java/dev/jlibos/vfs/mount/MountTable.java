package dev.jlibos.vfs.mount;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_PATH;

/**
 * A sandbox's file tree: an empty in-memory root with mounts on it. The root is a fresh directory on the
 * host's tmpfs (/dev/shm), deleted when the table is closed; mount points are created in it as
 * directories, so listing "/" shows exactly the mount points and what the guest itself created.
 *
 * <p>Why tmpfs directories rather than a Java in-memory filesystem (Jimfs): they are in memory all the
 * same, but they have host fds, so every file syscall, mmap (including MAP_SHARED) and errno on them is
 * the host kernel's, with no second implementation of file semantics to keep faithful.
 */
public final class MountTable implements AutoCloseable {

    private final HostFs host;
    private final Map<List<String>, Mount> mounts = new HashMap<>();
    private final List<Path> scratchDirs = new ArrayList<>();
    private final Path rootDir;
    private final Mount root;

    private MountTable(HostFs host, boolean hostRoot) {
        this.host = host;
        this.rootDir = hostRoot ? null : scratchDirectory("root");
        this.root = hostRoot ? openHost(List.of(), "/", false, "/") : openHost(List.of(), rootDir.toString(), false, "tmpfs");
    }

    /**
     * The host's own tree at "/" (passthrough mode), on which the kernel mounts its /proc: paths about
     * guest processes (/proc/self...) are walked here, since the host's /proc would describe the JVM.
     */
    public static MountTable hostRoot(HostFs host) {
        return new MountTable(host, true);
    }

    /** An empty root; add mounts, then hand it to the process's FsContext. */
    public static MountTable sandbox(HostFs host) {
        return new MountTable(host, false);
    }

    public Mount root() {
        return root;
    }

    /** Mounts host directory (or file) {@code hostPath} at {@code guestPath}. */
    public Mount mountHost(String hostPath, String guestPath, boolean readOnly) {
        List<String> at = components(guestPath);
        Mount m = openHost(at, hostPath, readOnly, hostPath);
        place(m);
        return m;
    }

    /** A fresh empty in-memory directory at {@code guestPath}. */
    public Mount mountTmpfs(String guestPath) {
        Path dir = scratchDirectory("tmpfs");
        Mount m = openHost(components(guestPath), dir.toString(), false, "tmpfs");
        place(m);
        return m;
    }

    /** Caps the in-memory directory behind {@code m} (the root or a tmpfs) at {@code bytes}. */
    public void capInMemory(Mount m, long bytes, Runnable onFull) {
        if (!m.source.equals("tmpfs") || m.rootFd < 0) throw new IllegalArgumentException(m + ": not an in-memory directory");
        m.quota = new dev.jlibos.vfs.TmpfsQuota(Path.of(hostRootOf(m)), bytes, onFull);
    }

    public Mount mountSynthetic(String guestPath, String type, SyntheticTree tree) {
        Mount m = new Mount(components(guestPath), Mount.Kind.SYNTHETIC, type, false, -1, false, tree);
        place(m);
        return m;
    }

    /** Writes a file into the in-memory root (or a tmpfs), creating its directories; for test harnesses. */
    public void putFile(String guestPath, byte[] content, boolean executable) {
        List<String> at = components(guestPath);
        Mount owner = containing(at);
        if (owner.kind != Mount.Kind.HOST || owner.readOnly || owner.singleFile) {
            throw new IllegalArgumentException(guestPath + ": not on a writable in-memory or host directory mount");
        }
        Path file = hostPathOf(owner, at);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            if (executable) file.toFile().setExecutable(true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file of the tree from the host side (after a run), or null if it does not exist. */
    public byte[] readFile(String guestPath) {
        List<String> at = components(guestPath);
        Mount owner = containing(at);
        if (owner.kind != Mount.Kind.HOST) return null;
        Path file = hostPathOf(owner, at);
        try {
            return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path hostPathOf(Mount owner, List<String> at) {
        Path p = Path.of(owner.source.equals("tmpfs") ? hostRootOf(owner) : owner.source);
        for (String c : at.subList(owner.guestComponents.size(), at.size())) {
            if (c.equals("..") || c.equals(".")) throw new IllegalArgumentException("not a canonical path: " + at);
            p = p.resolve(c);
        }
        return p;
    }

    private String hostRootOf(Mount m) {
        return new String(host.readlinkat(AT_FDCWD, Location.bytes("/proc/self/fd/" + m.rootFd)),
                StandardCharsets.UTF_8);
    }

    /** The mount whose root is exactly {@code path}, or null. */
    public Mount at(List<String> path) {
        return path.isEmpty() ? root : mounts.get(path);
    }

    /** The innermost mount containing {@code path}. */
    public Mount containing(List<String> path) {
        for (int n = path.size(); n > 0; n--) {
            Mount m = mounts.get(path.subList(0, n));
            if (m != null) return m;
        }
        return root;
    }

    /** Mounts in mount order, root first (for /proc/mounts). */
    public List<Mount> all() {
        List<Mount> out = new ArrayList<>();
        out.add(root);
        out.addAll(mounts.values().stream().sorted(Comparator.comparing(Mount::guestPath)).toList());
        return out;
    }

    private void place(Mount m) {
        if (m.guestComponents.isEmpty()) throw new IllegalArgumentException("cannot mount over the sandbox root");
        Mount old = mounts.put(m.guestComponents, m);
        if (old != null && old.rootFd >= 0) host.closeFd(old.rootFd);
        // Mount points inside in-memory directories (the root, a tmpfs) are made visible as empty
        // directories (or files), so that walks and listings find them; host directories are not touched.
        Mount parent = containing(m.guestComponents.subList(0, m.guestComponents.size() - 1));
        if (parent.kind == Mount.Kind.HOST && parent.source.equals("tmpfs")) {
            Path p = hostPathOf(parent, m.guestComponents);
            try {
                if (m.singleFile) {
                    Files.createDirectories(p.getParent());
                    if (!Files.exists(p)) Files.createFile(p);
                } else {
                    Files.createDirectories(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Mount openHost(List<String> at, String hostPath, boolean readOnly, String source) {
        int fd;
        try {
            fd = host.openat(AT_FDCWD, Location.bytes(hostPath), O_PATH | O_CLOEXEC, 0, 0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(hostPath + ": cannot mount: " + e.getMessage());
        }
        int type = StatLayout.mode(host.fstat(fd)) & StatLayout.S_IFMT;
        if (type != StatLayout.S_IFDIR && type != StatLayout.S_IFREG) {
            host.closeFd(fd);
            throw new IllegalArgumentException(hostPath + ": cannot mount: not a directory or regular file");
        }
        return new Mount(at, Mount.Kind.HOST, source, readOnly, fd, type == StatLayout.S_IFREG, null);
    }

    private Path scratchDirectory(String kind) {
        Path dir = ScratchDirectories.create(kind);
        scratchDirs.add(dir);
        return dir;
    }

    /** Closes every mount's root fd and deletes the in-memory directories. */
    @Override
    public void close() {
        for (Mount m : all()) if (m.rootFd >= 0) host.closeFd(m.rootFd);
        mounts.clear();
        for (Path dir : scratchDirs) ScratchDirectories.delete(dir);
        scratchDirs.clear();
    }

    /** Splits an absolute guest path into canonical components ("." and ".." are resolved lexically). */
    public static List<String> components(String guestPath) {
        if (!guestPath.startsWith("/")) throw new IllegalArgumentException("guest path must be absolute: " + guestPath);
        List<String> out = new ArrayList<>();
        for (String c : guestPath.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!out.isEmpty()) out.remove(out.size() - 1);
            } else {
                out.add(c);
            }
        }
        return out;
    }

    public static String join(List<String> components) {
        return components.isEmpty() ? "/" : "/" + String.join("/", components);
    }

    static Errno notFound() {
        return Errno.ENOENT;
    }
}
