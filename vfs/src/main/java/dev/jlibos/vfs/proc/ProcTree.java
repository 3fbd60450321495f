package dev.jlibos.vfs.proc;

import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.mount.Mount;
import dev.jlibos.vfs.mount.MountTable;
import dev.jlibos.vfs.mount.SyntheticTree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox's /proc: generated entirely from libOS state (guest processes, their fds, mappings and
 * the mount table). Machine-wide files that only describe the host (meminfo, uptime, loadavg) are
 * copied from the host's; nothing under it leads to a host path.
 */
public final class ProcTree implements SyntheticTree {
    private static final List<String> PROCESS_FILES = List.of("auxv", "cmdline", "comm", "cwd", "environ", "exe",
            "fd", "maps", "mem", "mounts", "root", "stat", "statm", "status", "task");
    /** What /proc/PID/task/TID holds: the per-thread files, and the process's maps and memory. */
    private static final List<String> TASK_FILES = List.of("comm", "maps", "mem", "stat", "status");
    private static final List<String> HOST_COPIES = List.of("meminfo", "uptime", "loadavg", "version");
    private static final List<String> KERNEL_FILES = List.of("hostname", "osrelease", "ostype", "pid_max");
    /** /proc/sys/fs/inotify: the host's limits, which are the ones a guest's inotify instances (host ones) meet. */
    private static final List<String> INOTIFY_FILES = List.of("max_queued_events", "max_user_instances", "max_user_watches");
    private final MountTable mounts;
    /** Passthrough mode: the guest sees the host's mounts, so /proc/PID/mounts is the host's. */
    private final boolean hostMounts;

    public ProcTree(MountTable mounts, boolean hostMounts) {
        this.mounts = mounts;
        this.hostMounts = hostMounts;
    }

    @Override
    public List<String> rootEntries(Object caller) {
        ProcTask t = (ProcTask) caller;
        List<String> out = new ArrayList<>();
        for (ProcProcess p : t.system().processes()) if (!p.finished()) out.add(Integer.toString(p.pid()));
        out.addAll(List.of("self", "thread-self", "cpuinfo", "mounts", "stat", "sys"));
        out.addAll(HOST_COPIES);
        return out;
    }

    @Override
    public Node lookup(Object caller, List<String> path) {
        ProcTask t = (ProcTask) caller;
        String first = path.get(0);
        if (path.size() == 1) {
            switch (first) {
                case "self", "thread-self":
                    return new Symlink(Integer.toString(t.process().pid()));
                case "mounts":
                    return new Symlink("self/mounts");
                case "cpuinfo", "stat":
                    return new File();
                case "sys":
                    return new Directory(List.of("fs", "kernel"));
                default:
                    if (HOST_COPIES.contains(first)) return new File();
            }
        }
        if (first.equals("sys")) {
            if (path.size() == 2 && path.get(1).equals("kernel")) return new Directory(KERNEL_FILES);
            if (path.size() == 3 && path.get(1).equals("kernel") && KERNEL_FILES.contains(path.get(2))) return new File();
            if (path.size() == 2 && path.get(1).equals("fs")) return new Directory(List.of("inotify"));
            if (path.size() >= 3 && path.get(1).equals("fs") && path.get(2).equals("inotify")) {
                if (path.size() == 3) return new Directory(INOTIFY_FILES);
                if (path.size() == 4 && INOTIFY_FILES.contains(path.get(3))) return new File();
            }
            return null;
        }
        ProcTask owner = processThread(t, first);
        if (owner == null) return null;
        if (path.size() == 1) return new Directory(PROCESS_FILES);
        String entry = path.get(1);
        if (entry.equals("fd")) {
            if (path.size() == 2) return new Directory(owner.process().files().openDescriptors().stream().map(String::valueOf).toList());
            if (path.size() != 3) return null;
            FileDescription f = fileOf(owner, path.get(2));
            return f == null ? null : new Symlink(f.path());
        }
        if (entry.equals("task")) {
            if (path.size() == 2) return new Directory(owner.process().threads().stream().map(th -> Integer.toString(th.tid())).toList());
            ProcTask task = taskOf(owner, path.get(2));
            if (task == null) return null;
            if (path.size() == 3) return new Directory(TASK_FILES);
            if (path.size() != 4 || !TASK_FILES.contains(path.get(3))) return null;
            return path.get(3).equals("mem") ? new Opened() : new File();
        }
        if (path.size() != 2 || !PROCESS_FILES.contains(entry)) return null;
        return switch (entry) {
            case "exe" -> new Symlink(owner.process().executable());
            case "cwd" -> new Symlink(owner.process().fs().cwdPath());
            case "root" -> new Symlink("/");
            case "mem" -> new Opened();
            default -> new File();
        };
    }

    @Override
    public byte[] contents(Object caller, List<String> path) {
        ProcTask t = (ProcTask) caller;
        if (path.size() == 1) {
            String name = path.get(0);
            if (name.equals("cpuinfo")) return CpuInfo.render(t.cpu());
            if (name.equals("stat")) return hostCopy("stat");
            if (HOST_COPIES.contains(name)) return hostCopy(name);
            return null;
        }
        if (path.get(0).equals("sys") && path.size() == 4 && path.get(1).equals("fs")) {
            return INOTIFY_FILES.contains(path.get(3)) ? sysctlCopy("sys/fs/inotify/" + path.get(3)) : null;
        }
        if (path.get(0).equals("sys") && path.size() == 3) {
            return switch (path.get(2)) {
                case "hostname" -> line(t.system().hostname(t));
                case "osrelease" -> line(t.system().osRelease(t));
                case "ostype" -> line("Linux");
                case "pid_max" -> line("4194304");
                default -> null;
            };
        }
        ProcTask owner = processThread(t, path.get(0));
        if (owner != null && path.size() == 4 && path.get(1).equals("task")) {
            ProcTask task = taskOf(owner, path.get(2));
            if (task == null) return null;
            return switch (path.get(3)) {
                case "stat" -> ProcSelf.stat(task, true).getBytes(StandardCharsets.UTF_8);
                case "comm", "status", "maps" -> ProcSelf.contents(task, path.get(3));
                default -> null;
            };
        }
        if (owner == null || path.size() != 2) return null;
        return switch (path.get(1)) {
            case "mounts" -> mountsFile();
            case "stat" -> ProcSelf.stat(owner, false).getBytes(StandardCharsets.UTF_8);
            case "statm" -> line("0 0 0 0 0 0 0");
            default -> ProcSelf.contents(owner, path.get(1));
        };
    }

    /**
     * Opens /proc/PID/mem or /proc/PID/task/TID/mem: the opener needs the right to ptrace the process
     * (proc_mem_open's PTRACE_MODE_ATTACH), else EACCES; the file keeps the memory of the image open now.
     */
    @Override
    public FileDescription open(Object caller, List<String> path, int flags) {
        ProcTask t = (ProcTask) caller;
        ProcTask owner = processThread(t, path.get(0));
        if (owner == null || !path.get(path.size() - 1).equals("mem")) throw dev.jlibos.core.Errno.ENOENT.fail();
        if (path.size() == 4 && taskOf(owner, path.get(2)) == null) throw dev.jlibos.core.Errno.ENOENT.fail();
        ProcProcess target = owner.process();
        t.requireAttachRight(target);
        String shown = "/proc/" + String.join("/", path);
        return new ProcessMemoryFile(shown, target.memory(), flags & dev.jlibos.vfs.Opener.STATUS_FLAGS);
    }

    private byte[] mountsFile() {
        if (hostMounts) return hostCopy("self/mounts");
        StringBuilder sb = new StringBuilder();
        for (Mount m : mounts.all()) {
            String type = m.kind == Mount.Kind.SYNTHETIC ? m.source : m.source.equals("tmpfs") ? "tmpfs" : "hostdir";
            String source = m.kind == Mount.Kind.SYNTHETIC ? m.source : m.source.equals("tmpfs") ? "tmpfs" : "jlibos";
            sb.append(source).append(' ').append(m.guestPath()).append(' ').append(type).append(' ')
                    .append(m.readOnly ? "ro" : "rw").append(" 0 0\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ProcTask processThread(ProcTask t, String pid) {
        int n;
        try {
            n = Integer.parseInt(pid);
        } catch (NumberFormatException e) {
            return null;
        }
        if (n == t.process().pid()) return t;
        return ProcSelf.task(t.system(), n);
    }

    /** A live thread of {@code owner}'s process by its tid (a /proc/PID/task entry), or null. */
    private static ProcTask taskOf(ProcTask owner, String tid) {
        for (ProcTask th : owner.process().threads()) {
            if (Integer.toString(th.tid()).equals(tid) && !th.exiting()) return th;
        }
        return null;
    }

    private static FileDescription fileOf(ProcTask owner, String fd) {
        try {
            return owner.process().files().get(Integer.parseInt(fd));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A host sysctl's value: in one read, as sysctl files answer only a read that starts at offset 0. */
    private static byte[] sysctlCopy(String name) {
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/" + name)) {
            byte[] b = new byte[64];
            int n = in.read(b);
            return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(b, n);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static byte[] hostCopy(String name) {
        try {
            return Files.readAllBytes(Path.of("/proc", name));
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
