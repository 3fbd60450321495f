package dev.jlibos.junit;

import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The guests of one test, injected by {@link JlibosExtension}: it makes {@link Guest}s with the test's
 * defaults, remembers their results (the last one is shown when the test fails), and gives each test a
 * working directory of its own.
 *
 * <p>Per-test isolation: every guest is its own machine (processes, pid namespace, memory, fd table) in
 * its own sandbox (see {@link Guest}); the test's {@link #workDir()}, a fresh temporary host directory
 * deleted after the test, is mounted writable at {@value #WORK_DIR}, the guests' default cwd, so a test
 * can prepare inputs there and read outputs back. Sandbox files of the results are deleted after the test.
 *
 * <p>Thread-safe: a test may run its guests from several threads, or with {@link #runAll}.
 */
public final class GuestRunner implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    public static final String BUSYBOX = "/bin/busybox";
    /** Where {@link #workDir()} appears inside the guests. */
    public static final String WORK_DIR = "/work";

    private final Path workDir;
    private final Duration timeout;
    private final boolean isolated;
    private final List<GuestResult> results = Collections.synchronizedList(new ArrayList<>());

    /** A runner outside JUnit: guests start in a new temporary directory, removed by {@link #close()}. */
    public GuestRunner(Duration timeout) throws IOException {
        this(timeout, false);
    }

    /** @param isolated whether its guests run {@link Guest#isolated} ({@link JlibosTest#isolated()}) */
    GuestRunner(Duration timeout, boolean isolated) throws IOException {
        this.workDir = Files.createTempDirectory("jlibos-test-");
        this.timeout = timeout;
        this.isolated = isolated;
    }

    /**
     * A guest running {@code path} (a host path), in {@value #WORK_DIR}, with this test's timeout (and
     * {@link Guest#isolated} when the test is).
     */
    public Guest program(String path) {
        Guest g = Guest.program(path).workDir(workDir).timeout(timeout).observer(results::add);
        return isolated ? g.isolated() : g;
    }

    /** {@code busybox APPLET ARGS...} from busybox-static. */
    public Guest busybox(String applet, String... args) {
        List<String> all = new ArrayList<>();
        all.add(applet);
        all.addAll(List.of(args));
        return program(BUSYBOX).argv0("busybox").args(all);
    }

    /** {@code busybox sh -c SCRIPT}. */
    public Guest sh(String script) {
        return busybox("sh", "-c", script);
    }

    /** Runs the guests at the same time, one host thread each; results in the order given. */
    public List<GuestResult> runAll(Guest... guests) {
        ExecutorService pool = Executors.newFixedThreadPool(guests.length, r -> {
            Thread t = new Thread(r, "jlibos-guest");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<GuestResult>> futures = new ArrayList<>();
            for (Guest g : guests) futures.add(pool.submit(g::run));
            List<GuestResult> out = new ArrayList<>();
            for (Future<GuestResult> f : futures) out.add(f.get());
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while guests ran", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** This test's working directory: the default cwd of its guests. */
    public Path workDir() {
        return workDir;
    }

    /** Every result of this test so far, in completion order. */
    public List<GuestResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** The most recent result, or null before any guest ran. */
    public GuestResult lastResult() {
        synchronized (results) {
            return results.isEmpty() ? null : results.get(results.size() - 1);
        }
    }

    /** Makes each directory accessible before listing it (a mode-0 directory cannot be listed), never following links. */
    private static void deleteTree(java.io.File f) {
        if (!Files.isSymbolicLink(f.toPath()) && f.isDirectory()) {
            f.setReadable(true, true);
            f.setWritable(true, true);
            f.setExecutable(true, true);
            java.io.File[] children = f.listFiles();
            if (children != null) for (java.io.File c : children) deleteTree(c);
        }
        f.delete();
    }

    /**
     * Closes the results (their sandbox files go) and deletes {@link #workDir()}, best effort: whatever a
     * guest left there (read-only directories included) must not fail the test.
     */
    @Override
    public void close() {
        for (GuestResult r : results()) r.close();
        if (!Files.exists(workDir)) return;
        deleteTree(workDir.toFile());
    }
}
