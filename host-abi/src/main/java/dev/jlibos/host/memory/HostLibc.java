package dev.jlibos.host.memory;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;

/** The few libc calls used to manage host memory that backs guest pages. */
public interface HostLibc {
    int PROT_READ = 1, PROT_WRITE = 2;
    int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;

    long mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    @IgnoreError
    int munmap(long addr, long length);

    @IgnoreError
    int madvise(long addr, long length, int advice);

    /** One byte per page, bit 0 set when the page is resident (committed) in host memory. */
    @IgnoreError
    int mincore(long addr, long length, byte[] vec);

    final class Holder {
        static final HostLibc LIBC = LibraryLoader.create(HostLibc.class).failImmediately().load("c");

        private Holder() {
        }
    }

    static HostLibc get() {
        return Holder.LIBC;
    }
}
