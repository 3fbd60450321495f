package dev.jlibos.kernel.syscall;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only: replaces the handler of a syscall number, in every machine of this JVM, with one that
 * throws — to prove that {@link SyscallDispatcher} contains whatever a handler throws. Costs one volatile
 * read per syscall while nothing is injected.
 */
public final class FaultInjection implements AutoCloseable {
    private static final Map<Integer, SyscallHandler> INJECTED = new ConcurrentHashMap<>();
    private static volatile boolean armed;

    private final int number;

    private FaultInjection(int number) {
        this.number = number;
    }

    /** Until {@link #close()}, syscall {@code number} throws what {@code failure} makes. */
    public static FaultInjection failing(int number, java.util.function.Supplier<? extends Throwable> failure) {
        INJECTED.put(number, (thread, args) -> {
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        });
        armed = true;
        return new FaultInjection(number);
    }

    static SyscallHandler handler(int number) {
        return armed ? INJECTED.get(number) : null;
    }

    @Override
    public void close() {
        INJECTED.remove(number);
        armed = !INJECTED.isEmpty();
    }
}
