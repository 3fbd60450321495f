package dev.jlibos.compat;

import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the test code gets its runners. The jlibos runner is looked up by name so that this
 * module compiles before the kernel's launcher API ({@code dev.jlibos.kernel.Machine}) exists:
 * {@code JlibosRunner} lives in {@code src/test/java-pending} until then.
 *
 * <p>System property {@code jlibos.compat.nativeOnly=true} runs only the native (oracle) side
 * of every differential test, which checks the tests themselves.
 */
public final class Runners {
    static final String JLIBOS_RUNNER_CLASS = "dev.jlibos.compat.JlibosRunner";
    private static final NativeRunner NATIVE = new NativeRunner();

    private Runners() {}

    public static GuestRunner host() {
        return NATIVE;
    }

    public static boolean nativeOnly() {
        return Boolean.getBoolean("jlibos.compat.nativeOnly");
    }

    public static Optional<GuestRunner> jlibos() {
        try {
            Class<?> c = Class.forName(JLIBOS_RUNNER_CLASS);
            return Optional.of((GuestRunner) c.getDeclaredConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + JLIBOS_RUNNER_CLASS, e);
        }
    }

    /** The jlibos runner, or the calling test is aborted (reported as skipped) with the reason. */
    public static GuestRunner requireJlibos() {
        Optional<GuestRunner> r = jlibos();
        Assumptions.assumeTrue(r.isPresent(), JLIBOS_RUNNER_CLASS
                + " is not on the test classpath (still in compat-tests/src/test/java-pending?): jlibos side skipped");
        return r.get();
    }
}
