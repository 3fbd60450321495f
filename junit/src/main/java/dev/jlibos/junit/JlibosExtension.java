package dev.jlibos.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * JUnit 5 extension for tests that run guest programs ({@code @ExtendWith(JlibosExtension.class)}, or
 * {@link JlibosTest}):
 * <ul>
 *   <li>injects a {@link GuestRunner} into test and {@code @BeforeEach}/{@code @AfterEach} methods: one per
 *       test, closed (its work directory deleted) after it;</li>
 *   <li>when a test fails with a plain assertion (not one of {@link GuestAssertions}, whose messages already
 *       say it), attaches the report of the test's last guest run — status, stderr tail, last syscalls —
 *       to the failure as a suppressed {@link GuestReport}.</li>
 * </ul>
 */
public final class JlibosExtension implements ParameterResolver, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(JlibosExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GuestRunner.class && context.getTestMethod().isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a GuestRunner belongs to one test method");
        }
        return runner(context);
    }

    private static GuestRunner runner(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(GuestRunner.class, k -> {
            var annotation = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, JlibosTest.class));
            long seconds = annotation.map(JlibosTest::timeoutSeconds).orElse(Guest.DEFAULT_TIMEOUT.toSeconds());
            try {
                return new GuestRunner(Duration.ofSeconds(seconds), annotation.map(JlibosTest::isolated).orElse(false));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the test's work directory", e);
            }
        }, GuestRunner.class);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        GuestRunner runner = context.getStore(NAMESPACE).get(GuestRunner.class, GuestRunner.class);
        GuestResult last = runner == null ? null : runner.lastResult();
        if (last != null && !(failure instanceof GuestAssertionError)) {
            failure.addSuppressed(new GuestReport("last guest run of this test:\n" + last.describe()));
        }
        throw failure;
    }

    /** The report of a guest run attached to a failed test; it has no stack trace of its own. */
    public static final class GuestReport extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GuestReport(String report) {
            super(report, null, false, false);
        }
    }
}
