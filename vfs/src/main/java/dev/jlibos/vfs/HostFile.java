package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

/** An open host file, directory, device or O_PATH handle, served by the host kernel on a host fd. */
public final class HostFile extends FileDescription {
    private final HostFs fs;
    private final int fd;
    private final String path;

    public HostFile(HostFs fs, int fd, String path, int statusFlags) {
        super(statusFlags);
        this.fs = fs;
        this.fd = fd;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    private volatile boolean readOnlyMount;

    /** Records that the file was opened from a read-only mount of a sandbox. */
    public void markReadOnlyMount() {
        readOnlyMount = true;
    }

    @Override
    public boolean onReadOnlyMount() {
        return readOnlyMount;
    }

    @Override
    public int hostFd() {
        return fd;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        int served = readMemoryDevice(buffer, offset, length);
        return served >= 0 ? served : fs.read(fd, buffer, offset, length);
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        int served = writeMemoryDevice(length);
        return served >= 0 ? served : fs.write(fd, buffer, offset, length);
    }

    @Override
    public int pread(byte[] buffer, int offset, int length, long position) {
        int served = readMemoryDevice(buffer, offset, length);
        return served >= 0 ? served : fs.pread(fd, buffer, offset, length, position);
    }

    @Override
    public int pwrite(byte[] buffer, int offset, int length, long position) {
        int served = writeMemoryDevice(length);
        return served >= 0 ? served : fs.pwrite(fd, buffer, offset, length, position);
    }

    /**
     * /dev/null, /dev/zero and /dev/full (character devices 1:3, 1:5, 1:7) have no state the host must
     * keep, so their reads and writes are answered here without a host call, as drivers/char/mem.c would
     * answer them; fstat, mmap, lseek and /proc/self/fd still see the host fd. -1: not such a device yet
     * known, 0: some other file. (The random devices stay the host's.)
     */
    private volatile int memoryDevice = -1;
    private static final int DEV_NULL = 3, DEV_ZERO = 5, DEV_FULL = 7;

    private int memoryDevice() {
        int d = memoryDevice;
        if (d < 0) {
            d = 0;
            try {
                byte[] st = stat();
                if ((StatLayout.mode(st) & StatLayout.S_IFMT) == StatLayout.S_IFCHR) {
                    long rdev = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
                    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
                    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
                    if (major == 1 && (minor == DEV_NULL || minor == DEV_ZERO || minor == DEV_FULL)) d = (int) minor;
                }
            } catch (RuntimeException e) {
                d = 0; // fstat failed: leave every call to the host, which reports the error itself
            }
            memoryDevice = d;
        }
        return d;
    }

    /** Bytes read from a memory device, or -1 to ask the host. */
    private int readMemoryDevice(byte[] buffer, int offset, int length) {
        int d = memoryDevice();
        if (d == 0 || !readable()) return -1;
        if (d == DEV_NULL) return 0;
        java.util.Arrays.fill(buffer, offset, offset + length, (byte) 0);
        return length;
    }

    /** Bytes written to a memory device, or -1 to ask the host. */
    private int writeMemoryDevice(int length) {
        int d = memoryDevice();
        if (d == 0 || !writable()) return -1;
        if (d == DEV_FULL) throw Errno.ENOSPC.fail();
        return length;
    }

    @Override
    public long seek(long offset, int whence) {
        return fs.lseek(fd, offset, whence);
    }

    @Override
    public byte[] stat() {
        return fs.fstat(fd);
    }

    @Override
    public byte[] statx(int mask) {
        return fs.statx(fd, new byte[0], 0x1000 /* AT_EMPTY_PATH */, mask);
    }

    @Override
    public int getdents64(byte[] buffer) {
        return fs.getdents64(fd, buffer);
    }

    /** File type bits, read once: regular files and directories never block, so they skip the host. */
    private int type = -1;

    @Override
    public int pollEvents() {
        if (type < 0) type = StatLayout.mode(stat()) & StatLayout.S_IFMT;
        if (type == StatLayout.S_IFREG || type == StatLayout.S_IFDIR) return super.pollEvents();
        return dev.jlibos.vfs.event.HostPoll.now(fs, fd, 0xffff);
    }

    /** -1 unknown, 0 may block, 1 never blocks: see {@link #neverBlocks()}. */
    private volatile int quiet = -1;

    /**
     * True for regular files, directories and the memory devices (character major 1: null, zero, full,
     * random, urandom...), on which a host read or write never waits: those are the descriptions whose
     * calls may be forwarded to the host as they are (a host call that waited could not be interrupted
     * by a guest signal).
     */
    public boolean neverBlocks() {
        int q = quiet;
        if (q < 0) {
            byte[] st = stat();
            int t = StatLayout.mode(st) & StatLayout.S_IFMT;
            long rdev = java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            q = t == StatLayout.S_IFREG || t == StatLayout.S_IFDIR || (t == StatLayout.S_IFCHR && major == 1) ? 1 : 0;
            quiet = q;
        }
        return q == 1;
    }

    @Override
    public int available() {
        byte[] n = fs.ioctlBuffer(fd, 0x541B /* FIONREAD */, new byte[4]);
        return (n[0] & 0xff) | (n[1] & 0xff) << 8 | (n[2] & 0xff) << 16 | (n[3] & 0xff) << 24;
    }

    @Override
    public int statusFlags() {
        return (int) fs.simple(HostFs.FCNTL, fd, 3 /* F_GETFL */, 0);
    }

    @Override
    public void setStatusFlags(int flags) {
        fs.simple(HostFs.FCNTL, fd, 4 /* F_SETFL */, flags);
    }

    @Override
    public int readForMapping(byte[] buffer, int offset, int length, long position) {
        if (!readable()) throw Errno.EACCES.fail();
        if ((StatLayout.mode(stat()) & StatLayout.S_IFMT) == StatLayout.S_IFDIR) throw Errno.ENODEV.fail();
        return pread(buffer, offset, length, position);
    }

    @Override
    protected void release() {
        fs.closeFd(fd);
    }
}
