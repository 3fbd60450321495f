package dev.jlibos.junit;

import dev.jlibos.kernel.process.Limit;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.trace.SyscallRecord;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Fluent assertions on a {@link GuestResult}. Every failure message says what was expected and ends with
 * the guest's report: how it ended, the tail of its stderr and its last syscalls.
 *
 * <pre>{@code
 * assertThat(result).exitedWith(0).stdoutIs("hi\n").stderrIsEmpty();
 * }</pre>
 */
public final class GuestAssertions {
    private GuestAssertions() {
    }

    public static ResultAssert assertThat(GuestResult result) {
        return new ResultAssert(result);
    }

    /** The checks on one result; each returns {@code this} to chain. */
    public static final class ResultAssert {
        private final GuestResult result;

        private ResultAssert(GuestResult result) {
            if (result == null) throw new GuestAssertionError("expected a guest result but got null", null, null);
            this.result = result;
        }

        /** "exited with 1" or "was killed by SIGSEGV at 0x0", to follow "but it". */
        private String outcome() {
            if (result.isolatedJvmFailure() != null) return "was lost with its JVM: " + result.isolatedJvmFailure();
            return (result.signalled() ? "was " : "") + result.statusText();
        }

        private GuestAssertionError failure(String what, Object expected, Object actual) {
            return new GuestAssertionError(what + "\n\n" + result.describe(), expected, actual);
        }

        /** A normal exit with {@code code}. */
        public ResultAssert exitedWith(int code) {
            if (result.signalled() || result.exitCode() != code) {
                throw failure("expected the guest to exit with " + code + " but it " + outcome(),
                        "exited with " + code, result.statusText());
            }
            return this;
        }

        /** Same as {@code exitedWith(0)}. */
        public ResultAssert succeeded() {
            return exitedWith(0);
        }

        /** Death by signal {@code signal} (9 for SIGKILL, 11 for SIGSEGV...). */
        public ResultAssert killedBy(int signal) {
            if (result.signal() != signal) {
                String want = "killed by " + Signal.name(signal);
                throw failure("expected the guest to be " + want + " but it " + outcome(), want, result.statusText());
            }
            return this;
        }

        /** Killed because its timeout ran out. */
        public ResultAssert timedOut() {
            if (!result.timedOut()) {
                throw failure("expected the guest to time out but it " + outcome(), "timed out", result.statusText());
            }
            return this;
        }

        /** Ran into {@code limit} (a refused allocation, fd, fork; or the timeout). */
        public ResultAssert exceeded(Limit limit) {
            if (!result.exceededLimits().contains(limit)) {
                throw failure("expected the guest to run into the " + limit + " limit; limits reached: "
                        + result.exceededLimits(), limit, result.exceededLimits());
            }
            return this;
        }

        /** Ran into no limit at all. */
        public ResultAssert withinLimits() {
            if (!result.exceededLimits().isEmpty()) {
                throw failure("expected the guest to stay within its limits but it reached " + result.exceededLimits(),
                        "no limit reached", result.exceededLimits());
            }
            return this;
        }

        public ResultAssert stdoutIs(String expected) {
            if (!result.stdoutText().equals(expected)) {
                throw failure("stdout differs from what was expected", expected, result.stdoutText());
            }
            return this;
        }

        public ResultAssert stdoutIs(byte[] expected) {
            if (!Arrays.equals(result.stdout(), expected)) {
                throw failure("stdout bytes differ (" + result.stdout().length + " bytes, expected " + expected.length + ")",
                        expected, result.stdout());
            }
            return this;
        }

        public ResultAssert stdoutContains(String text) {
            if (!result.stdoutText().contains(text)) {
                throw failure("expected stdout to contain \"" + text + "\"; stdout was:\n" + excerpt(result.stdoutText()),
                        text, result.stdoutText());
            }
            return this;
        }

        public ResultAssert stdoutStartsWith(String prefix) {
            if (!result.stdoutText().startsWith(prefix)) {
                throw failure("expected stdout to start with \"" + prefix + "\"; stdout was:\n" + excerpt(result.stdoutText()),
                        prefix, result.stdoutText());
            }
            return this;
        }

        /** Some line of stdout matches {@code regex} entirely. */
        public ResultAssert stdoutHasLineMatching(String regex) {
            Pattern p = Pattern.compile(regex);
            if (result.stdoutText().lines().noneMatch(l -> p.matcher(l).matches())) {
                throw failure("expected a line of stdout to match /" + regex + "/; stdout was:\n" + excerpt(result.stdoutText()),
                        regex, result.stdoutText());
            }
            return this;
        }

        public ResultAssert stderrContains(String text) {
            if (!result.stderrText().contains(text)) {
                throw failure("expected stderr to contain \"" + text + "\"", text, result.stderrText());
            }
            return this;
        }

        public ResultAssert stderrIsEmpty() {
            if (result.stderr().length != 0) throw failure("expected stderr to be empty", "", result.stderrText());
            return this;
        }

        /** The sandbox file {@code guestPath} exists after the run with exactly this UTF-8 content. */
        public ResultAssert fileIs(String guestPath, String expected) {
            String actual = result.fileText(guestPath);
            if (actual == null) throw failure("expected the guest to leave a file " + guestPath + " but there is none", expected, null);
            if (!actual.equals(expected)) throw failure("file " + guestPath + " differs from what was expected", expected, actual);
            return this;
        }

        /** The sandbox file {@code guestPath} exists after the run and contains {@code text}. */
        public ResultAssert fileContains(String guestPath, String text) {
            String actual = result.fileText(guestPath);
            if (actual == null) throw failure("expected the guest to leave a file " + guestPath + " but there is none", text, null);
            if (!actual.contains(text)) throw failure("expected file " + guestPath + " to contain \"" + text + "\"", text, actual);
            return this;
        }

        /** No file {@code guestPath} in the sandbox after the run. */
        public ResultAssert hasNoFile(String guestPath) {
            if (result.file(guestPath) != null) throw failure("expected no file " + guestPath + " after the run", null, guestPath);
            return this;
        }

        /** Some recorded syscall named {@code name} satisfies {@code condition}. */
        public ResultAssert madeSyscall(String name, Predicate<SyscallRecord> condition) {
            if (result.syscalls(name).stream().noneMatch(condition)) {
                String hint = result.traceComplete() ? "" : " (only the last " + result.trace().size()
                        + " calls were kept: use Guest.traceAll())";
                throw failure("expected a matching " + name + " call in the trace" + hint, name, null);
            }
            return this;
        }

        public ResultAssert madeSyscall(String name) {
            return madeSyscall(name, r -> true);
        }

        /** No syscall named {@code name}; needs {@link Guest#traceAll()} to be conclusive. */
        public ResultAssert madeNoSyscall(String name) {
            if (!result.traceComplete()) {
                throw failure("madeNoSyscall needs the whole trace: run the guest with Guest.traceAll()", null, null);
            }
            List<SyscallRecord> calls = result.syscalls(name);
            if (!calls.isEmpty()) throw failure("expected no " + name + " call, got: " + calls.get(0).describe(), null, calls);
            return this;
        }

        public GuestResult result() {
            return result;
        }

        private static String excerpt(String s) {
            int max = 2000;
            String cut = s.length() > max ? s.substring(0, max) + "... (" + s.length() + " chars)" : s;
            return cut.lines().map(l -> "  | " + l).reduce((a, b) -> a + "\n" + b).orElse("  (empty)");
        }
    }
}
