package dev.jlibos.syscalls.trace;

/**
 * Receives a {@link SyscallRecord} after each syscall a guest makes, registered with
 * {@code Machine.Builder.traceListener}.
 *
 * <p>It is called on the host thread emulating the calling guest thread, inside the engine's syscall
 * hook: a machine whose guest forks calls it from several host threads at once, so implementations must
 * be thread-safe, and they should be quick (the guest waits). An exception it throws is logged once and
 * otherwise ignored; it never reaches the guest.
 */
@FunctionalInterface
public interface SyscallListener {
    void onSyscall(SyscallRecord record);

    /**
     * Whether records should carry strace-style {@link SyscallRecord#text()}; formatting reads guest
     * memory for every pointer argument, so it is off unless asked for.
     */
    default boolean wantsText() {
        return false;
    }

    /** {@code listener}, with {@link SyscallRecord#text()} filled in. */
    static SyscallListener withText(SyscallListener listener) {
        return new SyscallListener() {
            @Override
            public void onSyscall(SyscallRecord record) {
                listener.onSyscall(record);
            }

            @Override
            public boolean wantsText() {
                return true;
            }
        };
    }

    /** One listener calling each of {@code listeners} in order; null when there are none. */
    static SyscallListener all(java.util.List<SyscallListener> listeners) {
        if (listeners.isEmpty()) return null;
        if (listeners.size() == 1) return listeners.get(0);
        SyscallListener[] each = listeners.toArray(new SyscallListener[0]);
        boolean text = listeners.stream().anyMatch(SyscallListener::wantsText);
        return new SyscallListener() {
            @Override
            public void onSyscall(SyscallRecord record) {
                for (SyscallListener l : each) l.onSyscall(record);
            }

            @Override
            public boolean wantsText() {
                return text;
            }
        };
    }
}
