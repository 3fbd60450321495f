package dev.jlibos.vfs.mount;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A killed JVM's sandbox directories are deleted by the next one; a running JVM's, and others, stay. */
class ScratchDirectoriesTest {
    @Test
    void sweepDeletesOnlyTheDirectoriesOfJvmsThatAreGone(@TempDir Path base) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long gone = finished.pid();
        long running = ProcessHandle.current().pid();
        Path dead = Files.createDirectories(base.resolve("jlibos-tmpfs-" + gone + "-42/sub"));
        Files.writeString(dead.resolve("file"), "left by a killed run");
        Path live = Files.createDirectories(base.resolve("jlibos-root-" + running + "-7"));
        Path foreign = Files.createDirectories(base.resolve("jlibos-root-12345678901234"));
        Path other = Files.createDirectories(base.resolve("somebody-else-" + gone + "-1"));

        ScratchDirectories.sweep(base);

        assertFalse(Files.exists(base.resolve("jlibos-tmpfs-" + gone + "-42")));
        assertTrue(Files.isDirectory(live));
        assertTrue(Files.isDirectory(foreign));
        assertTrue(Files.isDirectory(other));
    }
}
