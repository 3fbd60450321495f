package dev.jlibos.host.tsc;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.PageManager;
import com.kenai.jffi.Type;

/**
 * The host's time-stamp counter, read from Java. The JDK has no RDTSC, so a 10-byte host function
 * ({@code rdtsc; shl rdx,32; or rax,rdx; ret}) is written once into an executable page and called
 * through jffi (about 30-60 ns). Unicorn's RDTSC returns this same counter to the guest, which lets the
 * libOS calibrate the vDSO's clock line and compute the very same line on the syscall path.
 */
public final class HostTsc {
    private static final byte[] THUNK = {
            0x0f, 0x31,                               // rdtsc            edx:eax = TSC
            0x48, (byte) 0xc1, (byte) 0xe2, 0x20,     // shl rdx, 32
            0x48, 0x09, (byte) 0xd0,                  // or rax, rdx
            (byte) 0xc3};                             // ret
    private static final long FUNCTION;
    private static final CallContext CONTEXT =
            CallContext.getCallContext(Type.UINT64, new Type[0], CallingConvention.DEFAULT, false);
    private static final Invoker INVOKER = Invoker.getInstance();

    static {
        PageManager pages = PageManager.getInstance();
        long page = pages.allocatePages(1, PageManager.PROT_READ | PageManager.PROT_WRITE);
        if (page == 0) throw new IllegalStateException("cannot allocate a host page for the TSC reader");
        MemoryIO.getInstance().putByteArray(page, THUNK, 0, THUNK.length);
        pages.protectPages(page, 1, PageManager.PROT_READ | PageManager.PROT_EXEC); // W^X: never both
        FUNCTION = page;
    }

    private HostTsc() {
    }

    /** The current TSC value of the host CPU this thread runs on. */
    public static long read() {
        return INVOKER.invokeN0(CONTEXT, FUNCTION);
    }

    /** True when the host says its TSC ticks at a constant rate and does not stop (Linux's constant_tsc, nonstop_tsc). */
    public static boolean invariant() {
        try {
            String info = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
            int flags = info.indexOf("\nflags");
            if (flags < 0) return false;
            String line = info.substring(flags, info.indexOf('\n', flags + 1));
            return line.contains(" constant_tsc") && line.contains(" nonstop_tsc");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
