package dev.jlibos.core.host;

import java.time.Instant;

/**
 * The host's clocks as guests see them: what the syscall path answers and what the vDSO's clock line
 * follows, so that a guest mixing vDSO calls and raw syscalls sees one clock.
 */
public final class HostClocks {
    private static final long NANOS = 1_000_000_000L;
    /** System.nanoTime() plus this is the host's uptime: the monotonic clock is unrelated to the JVM's start. */
    private static final long MONOTONIC_OFFSET = (long) (HostSystem.uptimeSeconds() * NANOS) - System.nanoTime();

    private HostClocks() {
    }

    /** CLOCK_MONOTONIC: nanoseconds since the host booted, so values look like the host's. */
    public static long monotonic() {
        return System.nanoTime() + MONOTONIC_OFFSET;
    }

    /** CLOCK_REALTIME: nanoseconds since the epoch. */
    public static long realtime() {
        Instant i = Instant.now();
        return i.getEpochSecond() * NANOS + i.getNano();
    }
}
