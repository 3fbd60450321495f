package dev.jlibos.compat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One differential test case: files to create in a fresh working directory, then one or more
 * program runs in it (later runs see the files earlier runs left).
 *
 * @param id            unique, filesystem-safe: names the work directory under target/compat-work
 * @param steps         the runs, in order
 * @param fixture       creates the initial files (called once per side, on an empty directory)
 * @param compareStdout false when stdout legitimately depends on the CPU (the cpuid probe)
 */
public record Scenario(String id, List<Step> steps, Fixture fixture, boolean compareStdout) {

    /** A single run and the shell status Linux gives it; a wrong native status means a broken test. */
    public record Step(Path binary, List<String> argv, List<String> env, byte[] stdin, int expectedStatus) {
        String describe() {
            return String.join(" ", argv.stream().map(a -> a.isEmpty() || a.contains(" ") ? "'" + a + "'" : a).toList());
        }
    }

    @FunctionalInterface
    public interface Fixture {
        void setUp(Path dir) throws IOException;

        Fixture NONE = dir -> {};
    }

    /** Fluent construction for the common cases. */
    public static final class Builder {
        private final String id;
        private final List<Step> steps = new ArrayList<>();
        private Fixture fixture = Fixture.NONE;
        private boolean compareStdout = true;

        public Builder(String id) {
            this.id = id.replaceAll("[^A-Za-z0-9._-]+", "_");
        }

        public Builder fixture(Fixture f) {
            this.fixture = f;
            return this;
        }

        public Builder statusOnly() {
            this.compareStdout = false;
            return this;
        }

        public Builder step(Path binary, List<String> args, List<String> env, byte[] stdin, int expectedStatus) {
            List<String> argv = new ArrayList<>();
            argv.add(binary.toString());
            argv.addAll(args);
            steps.add(new Step(binary, List.copyOf(argv), List.copyOf(env), stdin, expectedStatus));
            return this;
        }

        public Scenario build() {
            return new Scenario(id, List.copyOf(steps), fixture, compareStdout);
        }
    }
}
