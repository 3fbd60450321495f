package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The observable result of a run in its working directory: every entry's relative path, type,
 * permission bits, and content (files) or target (symlinks). Times, owners and inode numbers
 * are left out: they legitimately differ between two runs.
 */
public record DirSnapshot(Map<String, Entry> entries) {

    public record Entry(char type, String permissions, byte[] content, String linkTarget) {
        String describe() {
            return switch (type) {
                case 'f' -> "file " + permissions + " " + content.length + " bytes";
                case 'd' -> "directory " + permissions;
                case 'l' -> "symlink -> " + linkTarget;
                default -> "special " + permissions;
            };
        }

        boolean sameAs(Entry o) {
            return type == o.type && permissions.equals(o.permissions) && Arrays.equals(content, o.content)
                    && java.util.Objects.equals(linkTarget, o.linkTarget);
        }
    }

    public static DirSnapshot of(Path root) throws IOException {
        Map<String, Entry> map = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) continue;
                String rel = root.relativize(p).toString();
                String perms = PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (Files.isSymbolicLink(p)) {
                    map.put(rel, new Entry('l', "", new byte[0], Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    map.put(rel, new Entry('d', perms, new byte[0], null));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    map.put(rel, new Entry('f', perms, Files.readAllBytes(p), null));
                } else {
                    map.put(rel, new Entry('s', perms, new byte[0], null));
                }
            }
        }
        return new DirSnapshot(map);
    }

    /** Human-readable differences, empty if the two trees are equal. */
    public List<String> differences(DirSnapshot other, String thisName, String otherName) {
        List<String> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(entries.keySet());
        names.addAll(other.entries.keySet());
        for (String n : names) {
            Entry a = entries.get(n), b = other.entries.get(n);
            if (a == null) {
                out.add("only in " + otherName + ": " + n + " (" + b.describe() + ")");
            } else if (b == null) {
                out.add("only in " + thisName + ": " + n + " (" + a.describe() + ")");
            } else if (!a.sameAs(b)) {
                out.add(n + ": " + thisName + " " + a.describe() + ", " + otherName + " " + b.describe());
                if (a.type == 'f' && b.type == 'f' && !Arrays.equals(a.content, b.content)) {
                    out.add(TextDiff.unified(a.content, b.content, thisName + "/" + n, otherName + "/" + n, 20)
                            .indent(4).stripTrailing());
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append(": ").append(v.describe()).append('\n'));
        return sb.toString();
    }

    static String preview(byte[] b) {
        return new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8);
    }
}
