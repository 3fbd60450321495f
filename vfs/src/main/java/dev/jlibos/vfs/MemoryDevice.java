package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What a host file is as far as jlibos can serve it without the host: the memory devices of Linux's
 * drivers/char/mem.c and random.c (character major 1) keep no state the host must see, so their reads
 * and writes are answered in the JVM, as those drivers would answer them. fstat, mmap, lseek and
 * /proc/self/fd still go to the host fd. Decided once per open file from one fstat.
 */
enum MemoryDevice {
    /** A regular file or directory: the host serves it, and a host call on it never waits. */
    QUIET_FILE,
    /** Anything else (terminals, sockets, FIFOs, other devices): the host serves it and it may block. */
    OTHER,
    NULL, ZERO, FULL,
    /**
     * /dev/random and /dev/urandom: since Linux 5.6 both read the same never-blocking CSPRNG once it is
     * seeded. They poll differently: /dev/random has random_poll (readable, not writable, once the CRNG
     * is ready), /dev/urandom has no poll method, so it is always readable and writable.
     */
    RANDOM, URANDOM;

    /** True when a host read or write on it never waits (so it may be forwarded as it is). */
    boolean neverBlocks() {
        return this != OTHER;
    }

    /** Readiness as Linux's poll reports it for this kind of file (host files other than these ask the host). */
    int pollEvents() {
        return this == RANDOM ? dev.jlibos.vfs.event.Poll.IN : dev.jlibos.vfs.event.Poll.ALWAYS_READY;
    }

    /** True when reads and writes are answered here. */
    boolean servedHere() {
        return this != QUIET_FILE && this != OTHER;
    }

    /** Reads as the driver would: nothing for null, zeros, random bytes. */
    int read(byte[] buffer, int offset, int length) {
        switch (this) {
            case NULL -> {
                return 0;
            }
            case RANDOM, URANDOM -> dev.jlibos.core.Csprng.fill(buffer, offset, length);
            default -> Arrays.fill(buffer, offset, offset + length, (byte) 0);
        }
        return length;
    }

    /** Writes as the driver would: /dev/full is always full; writes to the random devices add input. */
    int write(byte[] buffer, int offset, int length) {
        if (this == FULL) throw Errno.ENOSPC.fail();
        if ((this == RANDOM || this == URANDOM) && length > 0) dev.jlibos.core.Csprng.mix(Arrays.copyOfRange(buffer, offset, offset + length));
        return length;
    }

    /** Classifies a host file from its fstat buffer (struct stat: st_rdev at offset 40). */
    static MemoryDevice of(byte[] stat) {
        int type = StatLayout.mode(stat) & StatLayout.S_IFMT;
        if (type == StatLayout.S_IFREG || type == StatLayout.S_IFDIR) return QUIET_FILE;
        if (type != StatLayout.S_IFCHR) return OTHER;
        long rdev = ByteBuffer.wrap(stat).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        if (major != 1) return OTHER;
        return switch ((int) minor) {
            case 3 -> NULL;
            case 5 -> ZERO;
            case 7 -> FULL;
            case 8 -> RANDOM;
            case 9 -> URANDOM;
            default -> QUIET_FILE; // mem, kmem, port, kmsg: never wait, but the host serves them
        };
    }
}
