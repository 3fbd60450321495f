package dev.jlibos.vfs.proc;

import dev.jlibos.vfs.mount.SyntheticTree;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The sandbox's /sys: the CPU topology files glibc's sysconf(_SC_NPROCESSORS_*) reads, nothing more. */
public final class SysTree implements SyntheticTree {
    private static final List<String> CPU_FILES = List.of("online", "possible", "present");

    @Override
    public List<String> rootEntries(Object caller) {
        return List.of("devices");
    }

    @Override
    public Node lookup(Object caller, List<String> path) {
        List<String> dirs = List.of("devices", "system", "cpu");
        if (path.size() <= 3 && path.equals(dirs.subList(0, path.size()))) {
            return new Directory(path.size() < 3 ? List.of(dirs.get(path.size())) : CPU_FILES);
        }
        if (path.size() == 4 && path.subList(0, 3).equals(dirs) && CPU_FILES.contains(path.get(3))) return new File();
        return null;
    }

    @Override
    public byte[] contents(Object caller, List<String> path) {
        return (Cpus.list() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
