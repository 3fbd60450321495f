package dev.jlibos.vfs;

import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.mount.MountTable;
import dev.jlibos.vfs.mount.PathWalker;
import dev.jlibos.vfs.proc.DevTree;
import dev.jlibos.vfs.proc.ProcTree;
import dev.jlibos.vfs.proc.SysTree;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The two file views a machine can give its guest: the host's tree, or a sandbox's own. */
public final class FileViews {
    private FileViews() {
    }

    /** Host passthrough, except that paths about guest processes walk the kernel's /proc. */
    public static MountTable passthrough(HostFs host) {
        MountTable table = MountTable.hostRoot(host);
        table.mountSynthetic("/proc", "proc", new ProcTree(table, true));
        return table;
    }

    /** A sandbox's tree before the embedder's mounts and files: synthetic /proc, /dev and /sys. */
    public static MountTable sandbox(HostFs host) {
        MountTable table = MountTable.sandbox(host);
        table.mountSynthetic("/proc", "proc", new ProcTree(table, false));
        table.mountSynthetic("/dev", "devtmpfs", new DevTree());
        table.mountSynthetic("/sys", "sysfs", new SysTree());
        return table;
    }

    /**
     * A program given by host path is mounted read-only at its own path when no mount of {@code table}
     * shows it, so a sandbox can run it; returns the (absolute) path to load.
     */
    public static String showProgram(HostFs host, MountTable table, String program, Object caller) {
        String hostPath = Path.of(program).toAbsolutePath().normalize().toString();
        boolean visible;
        try (Location l = new PathWalker(host, table)
                .resolve(List.of(), -1, hostPath.getBytes(StandardCharsets.UTF_8), true, caller)) {
            visible = l.exists;
        } catch (RuntimeException e) {
            visible = false;
        }
        if (!visible && Files.isRegularFile(Path.of(hostPath))) table.mountHost(hostPath, hostPath, true);
        return hostPath;
    }
}
