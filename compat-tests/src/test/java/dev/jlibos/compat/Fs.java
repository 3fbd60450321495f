package dev.jlibos.compat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/** Small filesystem helpers for test fixtures. */
final class Fs {
    /** The mtime every fixture file gets, so that ls -l, tar and gzip output is reproducible. */
    static final FileTime FIXED_MTIME = FileTime.from(Instant.parse("2021-01-01T00:00:00Z"));

    private Fs() {}

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // A guest may leave a directory without write or search permission.
                dir.toFile().setWritable(true, true);
                dir.toFile().setExecutable(true, true);
                dir.toFile().setReadable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Writes a fixture file with mode 0644 and {@link #FIXED_MTIME}, creating parents. */
    static Path write(Path dir, String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setLastModifiedTime(p, FIXED_MTIME);
        return p;
    }

    static Path write(Path dir, String name, String content) throws IOException {
        return write(dir, name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Path mkdir(Path dir, String name) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Directories' mtimes change when entries are added, so they are fixed last. */
    static void fixDirectoryTimes(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.equals(root)) {
                    Files.setLastModifiedTime(p, FIXED_MTIME);
                }
            }
        }
    }
}
