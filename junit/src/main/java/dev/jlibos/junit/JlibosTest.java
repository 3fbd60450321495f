package dev.jlibos.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that runs guest programs: a JUnit {@link Test} with the {@link JlibosExtension}, which injects a
 * fresh {@link GuestRunner} parameter:
 *
 * <pre>{@code
 * @JlibosTest
 * void hashesStdin(GuestRunner guests) {
 *     GuestResult r = guests.busybox("sha256sum").stdin("abc").run();
 *     assertThat(r).exitedWith(0).stdoutStartsWith("ba7816bf");
 * }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(JlibosExtension.class)
public @interface JlibosTest {
    /** The default timeout of this test's guests, in seconds (each guest may set its own). */
    long timeoutSeconds() default 60;

    /**
     * Runs each of this test's guests in a child JVM ({@link Guest#isolated}), so that a guest that makes the
     * engine abort fails only its own run, not the test JVM.
     */
    boolean isolated() default false;
}
