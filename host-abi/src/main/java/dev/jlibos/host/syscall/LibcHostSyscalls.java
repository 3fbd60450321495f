package dev.jlibos.host.syscall;

import dev.jlibos.core.host.HostSyscalls;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** {@link HostSyscalls} through libc's {@code syscall(2)} wrapper. */
public final class LibcHostSyscalls implements HostSyscalls {
    /** {@code long syscall(long number, ...)}; the six variadic integers travel in registers on x86-64. */
    public interface Libc {
        long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
    }

    private static final Libc LIBC = LibraryLoader.create(Libc.class).failImmediately().load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    public static final LibcHostSyscalls INSTANCE = new LibcHostSyscalls();

    private LibcHostSyscalls() {
    }

    @Override
    public long call(int number, long a1, long a2, long a3, long a4, long a5, long a6) {
        long r = LIBC.syscall(number, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -LastError.getLastError(RUNTIME) : r;
    }
}
