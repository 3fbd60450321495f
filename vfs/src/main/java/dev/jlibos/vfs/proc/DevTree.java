package dev.jlibos.vfs.proc;

import dev.jlibos.vfs.mount.SyntheticTree;

import java.util.List;
import java.util.Map;

/**
 * The sandbox's /dev: a fixed allowlist of harmless host character devices, opened by their host path,
 * plus the usual links into /proc/self/fd. Nothing else of the host's /dev is reachable.
 */
public final class DevTree implements SyntheticTree {
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    private static final Map<String, String> LINKS = Map.of("fd", "/proc/self/fd", "stdin", "/proc/self/fd/0",
            "stdout", "/proc/self/fd/1", "stderr", "/proc/self/fd/2");

    @Override
    public List<String> rootEntries(Object caller) {
        return List.of("fd", "full", "null", "random", "stderr", "stdin", "stdout", "tty", "urandom", "zero");
    }

    @Override
    public Node lookup(Object caller, List<String> path) {
        if (path.size() != 1) return null;
        String name = path.get(0);
        if (DEVICES.contains(name)) return new HostDevice("/dev/" + name);
        if (LINKS.containsKey(name)) return new Symlink(LINKS.get(name));
        return null;
    }

    @Override
    public byte[] contents(Object caller, List<String> path) {
        return null;
    }
}
