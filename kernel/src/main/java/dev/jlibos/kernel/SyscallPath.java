package dev.jlibos.kernel;

import java.util.Locale;

/**
 * How guest syscalls reach the libOS (issue 5, {@code --syscall-path}).
 *
 * <ul>
 *   <li>{@link #HOOK}: every {@code syscall} instruction traps into the Java handler through Unicorn's
 *       hook; no vDSO, so libc makes clock_gettime/gettimeofday/time/getcpu syscalls too.</li>
 *   <li>{@link #SHIM}: the kml-shim is on: a vDSO (AT_SYSINFO_EHDR) serves those four calls as guest code
 *       from a shared data page, without leaving translated code; everything else takes the hook.</li>
 *   <li>{@link #TRAP}: the analogue of a hardware trap, for comparison (issue 5's getpid rows): every
 *       {@code syscall} stops the engine, the thread's run loop serves the call with the same dispatcher
 *       and starts the engine again at the next instruction. No vDSO, as with HOOK.</li>
 * </ul>
 */
public enum SyscallPath {
    HOOK, SHIM, TRAP;

    /**
     * The path a Machine uses unless told otherwise: SHIM, because Linux always gives programs a vDSO
     * (so /proc/self/maps and getauxval(AT_SYSINFO_EHDR) look like Linux) and, measured with
     * {@code ./jlibos bench}, libc's clock_gettime costs about 210-280 ns as vDSO code against about
     * 390 ns through the hook, with no measurable start-up cost. The system property
     * {@code jlibos.syscall-path} overrides it (the test suite runs both ways).
     */
    public static SyscallPath defaultPath() {
        String p = System.getProperty("jlibos.syscall-path");
        return p == null || p.isBlank() ? SHIM : parse(p);
    }

    public static SyscallPath parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown syscall path '" + name + "' (hook, shim or trap)");
        }
    }
}
