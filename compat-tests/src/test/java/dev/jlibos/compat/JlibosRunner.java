package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.SyscallPath;
import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.loader.LoadException;
import dev.jlibos.syscalls.offload.OffloadPolicy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the guest under jlibos through the kernel's launcher API. PENDING: this file lives in
 * src/test/java-pending until {@code Machine} and {@code LoadException} are on main; then move
 * it to src/test/java/dev/jlibos/compat/ and {@link Runners#jlibos()} picks it up by name.
 *
 * <p>{@code Machine.run()} runs the guest in the calling thread, so each run gets its own
 * daemon thread: a guest that never ends is reported as a timeout instead of hanging the build
 * (the thread is abandoned; the launcher API has no way to stop a running guest).
 */
public final class JlibosRunner implements GuestRunner {
    /**
     * {@code -Djlibos.offload=none|auto|all} runs every guest of the differential suite with that offload
     * policy (CI runs CProgramsTest once with {@code all}); unset, the machine's default.
     */
    static final OffloadPolicy OFFLOAD = System.getProperty("jlibos.offload", "").isBlank() ? null
            : OffloadPolicy.parse(System.getProperty("jlibos.offload"));

    private final Duration timeout;
    /** The syscall path of every run, or null for the machine's default ({@code -Djlibos.syscall-path}). */
    private final SyscallPath syscallPath;

    public JlibosRunner() {
        this(Duration.ofSeconds(60));
    }

    public JlibosRunner(Duration timeout) {
        this(timeout, null);
    }

    public JlibosRunner(Duration timeout, SyscallPath syscallPath) {
        this.timeout = timeout;
        this.syscallPath = syscallPath;
    }

    @Override
    public String name() {
        return "jlibos";
    }

    @Override
    public RunResult run(Path binary, List<String> argv, List<String> env, Path cwd, byte[] stdin) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jlibos-guest " + binary.getFileName());
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            Future<ExitStatus> f = ex.submit(() -> Machine.builder()
                    .program(binary.toString())
                    .args(argv)
                    .env(env)
                    .cwd(cwd.toString())
                    .stdin(new ByteArrayInputStream(stdin))
                    .stdout(out)
                    .stderr(err)
                    .timeout(timeout)
                    .offload(OFFLOAD)
                    .syscallPath(syscallPath != null ? syscallPath : SyscallPath.defaultPath())
                    .build()
                    .run());
            ExitStatus s = f.get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS); // the watchdog fires first
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return s.signalled()
                    ? RunResult.killed(s.signal(), bytes(out), bytes(err), elapsed)
                    : RunResult.exited(s.code(), bytes(out), bytes(err), elapsed);
        } catch (ExecutionException e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (e.getCause() instanceof LoadException le) {
                return RunResult.loadFailed(le.getMessage(), bytes(out), bytes(err), elapsed);
            }
            // Anything else is a jlibos bug: rethrow it unwrapped so the test shows its stack trace.
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException("jlibos failed running " + binary, e.getCause());
        } catch (TimeoutException e) {
            return RunResult.timedOut(bytes(out), bytes(err), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + binary, e);
        } finally {
            ex.shutdownNow();
        }
    }

    /** The guest thread may still be writing after a timeout: copy under the stream's lock. */
    private static byte[] bytes(ByteArrayOutputStream s) {
        synchronized (s) {
            return s.toByteArray();
        }
    }
}
