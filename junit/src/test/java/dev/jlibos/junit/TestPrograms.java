package dev.jlibos.junit;

import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny C guests compiled by the tests themselves, as a user of the library would. */
final class TestPrograms {
    private TestPrograms() {
    }

    /** Builds {@code source} with {@code gcc -static} into {@code dir} (skipping the test when gcc is missing). */
    static Path compile(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve(name + ".c"), exe = dir.resolve(name);
        Files.writeString(c, source);
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-static", "-O0", "-o", exe.toString(), c.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("gcc not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed:\n" + out);
        return exe;
    }
}
