package dev.jlibos.vfs.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host directories behind a sandbox's root and its tmpfs mounts: in the host's tmpfs (/dev/shm), named
 * {@code jlibos-KIND-PID-RANDOM} after the JVM that made them. A JVM that is killed (a timeout, SIGKILL, a
 * crash) cannot delete its own, so the first JVM to make one afterwards deletes those whose JVM is gone:
 * leftovers do not pile up in the host's memory.
 */
final class ScratchDirectories {
    private static final Pattern OURS = Pattern.compile("jlibos-(root|tmpfs)-(\\d+)-\\d+");
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private ScratchDirectories() {
    }

    static Path create(String kind) {
        try {
            Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            if (SWEPT.compareAndSet(false, true)) sweep(base);
            Path dir = Files.createTempDirectory(base, "jlibos-" + kind + "-" + ProcessHandle.current().pid() + "-");
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the scratch directories of JVMs that no longer run. */
    static void sweep(Path base) {
        try (Stream<Path> entries = Files.list(base)) {
            entries.forEach(p -> {
                Matcher m = OURS.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) delete(p);
            });
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // Best effort: what is left is named jlibos-* and is swept again by the next JVM.
        }
    }

    static void delete(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                p.toFile().setWritable(true);
                p.toFile().delete();
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort, as above.
        }
    }
}
