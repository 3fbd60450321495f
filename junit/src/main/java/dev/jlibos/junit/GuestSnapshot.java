package dev.jlibos.junit;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.Snapshot;
import dev.jlibos.kernel.process.ExitStatus;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A guest frozen at a chosen point ({@link Guest#snapshot}), from which each {@link #run} goes on with its
 * own stdin, stdout and stderr and its own copy of the memory: runs cost a fraction of a cold start (the
 * engines and the code they translated are reused). Runs share the file view of the first run (see
 * {@link Snapshot}); results have no trace and no {@link GuestResult#file files}. Close it when done.
 */
public final class GuestSnapshot implements AutoCloseable {
    private final List<String> argv;
    private final Snapshot snapshot;
    private final Machine machine;
    private final long maxOutput;

    GuestSnapshot(List<String> argv, Snapshot snapshot, Machine machine, long maxOutput) {
        this.argv = List.copyOf(argv);
        this.snapshot = snapshot;
        this.machine = machine;
        this.maxOutput = maxOutput;
    }

    /** Runs on from the snapshot with {@code stdin}, on the calling thread; runs may go on in parallel. */
    public GuestResult run(byte[] stdin) {
        CappedOutput out = new CappedOutput(maxOutput), err = new CappedOutput(maxOutput);
        long start = System.nanoTime();
        ExitStatus status = snapshot.run(new ByteArrayInputStream(stdin), out, err);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new GuestResult(argv, status, Set.of(), out.bytes(), out.dropped(), err.bytes(), err.dropped(),
                List.of(), 0, false, "", elapsed, null);
    }

    public GuestResult run(String stdin) {
        return run(stdin.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        snapshot.close();
        machine.close();
    }
}
