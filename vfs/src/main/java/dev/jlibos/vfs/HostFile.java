package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Fcntl;

/** An open host file, directory, device or O_PATH handle, served by the host kernel on a host fd. */
public final class HostFile extends FileDescription {
    private final HostFs fs;
    private final int fd;
    private final String path;

    public HostFile(HostFs fs, int fd, String path, int statusFlags) {
        this(fs, fd, path, statusFlags, false, null);
    }

    /**
     * {@code hostNonBlocking}: the host fd was opened with O_NONBLOCK whatever the guest asked, and the
     * guest's own O_NONBLOCK is kept here. A host read or write that waits (a FIFO, a terminal) would
     * hold the JVM thread where no guest signal, SIGKILL or timeout reaches it; with the host fd
     * non-blocking it fails with EAGAIN and the syscall layer waits, interruptibly, and retries.
     * {@code stat}: the fstat the opener already made, or null.
     */
    public HostFile(HostFs fs, int fd, String path, int statusFlags, boolean hostNonBlocking, byte[] stat) {
        super(statusFlags);
        this.fs = fs;
        this.fd = fd;
        this.path = path;
        this.hostNonBlocking = hostNonBlocking;
        this.guestNonBlocking = (statusFlags & Fcntl.O_NONBLOCK) != 0;
        if (stat != null) device = MemoryDevice.of(stat);
    }

    private final boolean hostNonBlocking;
    private volatile boolean guestNonBlocking;

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
        int served = writeMemoryDevice(buffer, offset, length);
        if (served >= 0) return served;
        int n = withinQuota(length, this::writeStart);
        return budgeted(n, granted -> fs.write(fd, buffer, offset, granted));
    }

    @Override
    public int pread(byte[] buffer, int offset, int length, long position) {
        int served = readMemoryDevice(buffer, offset, length);
        return served >= 0 ? served : fs.pread(fd, buffer, offset, length, position);
    }

    @Override
    public int pwrite(byte[] buffer, int offset, int length, long position) {
        int served = writeMemoryDevice(buffer, offset, length);
        if (served >= 0) return served;
        int n = withinQuota(length, () -> position);
        return budgeted(n, granted -> fs.pwrite(fd, buffer, offset, granted, position));
    }

    /** The size cap of the in-memory directory this file was opened in, or null. */
    private volatile TmpfsQuota quota;

    /** Records that the file lives in a capped in-memory directory: growing it is checked against {@code quota}. */
    public void limitSpace(TmpfsQuota quota) {
        this.quota = quota;
    }

    /** The file's quota, for truncate and fallocate; null when it has none. */
    public TmpfsQuota quota() {
        return quota;
    }

    /** What of a {@code length}-byte write starting at {@code startOf} fits the file's quota (all without one). */
    private int withinQuota(int length, java.util.function.LongSupplier startOf) {
        TmpfsQuota q = quota;
        return q == null || length == 0 ? length : (int) q.admitWrite(fs, fd, startOf, length);
    }

    /** Where a write at the file position starts: the end with O_APPEND. */
    private long writeStart() {
        return (statusFlags() & Fcntl.O_APPEND) != 0 ? dev.jlibos.vfs.StatLayout.size(fs.fstat(fd))
                : fs.lseek(fd, 0, Fcntl.SEEK_CUR);
    }

    /**
     * Whether preadv2/pwritev2 go to the host as they are, RWF_* flags included (false for the memory
     * devices jlibos serves itself, which take {@link #rwFlags}).
     */
    public boolean rwOnHost() {
        return !device().servedHere();
    }

    /** The memory devices' read_iter/write_iter, FMODE_NOWAIT as Linux's mem devices. */
    @Override
    public int rwFlags(boolean write) {
        return dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    /** preadv2 on the host: {@code position} -1 is the file position; the host checks {@code flags}. */
    public int preadv2(byte[] buffer, int offset, int length, long position, int flags) {
        return fs.preadv2(fd, buffer, offset, length, position, flags);
    }

    public int pwritev2(byte[] buffer, int offset, int length, long position, int flags) {
        boolean appending = (flags & dev.jlibos.core.abi.Rwf.RWF_APPEND) != 0;
        int n = withinQuota(length, () -> position < 0 || appending ? writeStart() : position);
        return budgeted(n, granted -> fs.pwritev2(fd, buffer, offset, granted, position, flags));
    }

    /** What the file is, from one fstat on first need: see {@link MemoryDevice}. */
    private volatile MemoryDevice device;

    private MemoryDevice device() {
        MemoryDevice d = device;
        if (d == null) {
            try {
                d = MemoryDevice.of(stat());
            } catch (RuntimeException e) {
                d = MemoryDevice.OTHER; // fstat failed: leave every call to the host, which reports the error itself
            }
            device = d;
        }
        return d;
    }

    /** Bytes read from a memory device, or -1 to ask the host. */
    private int readMemoryDevice(byte[] buffer, int offset, int length) {
        MemoryDevice d = device();
        return d.servedHere() && readable() ? d.read(buffer, offset, length) : -1;
    }

    /** Bytes written to a memory device, or -1 to ask the host. */
    private int writeMemoryDevice(byte[] buffer, int offset, int length) {
        MemoryDevice d = device();
        return d.servedHere() && writable() ? d.write(buffer, offset, length) : -1;
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

    /** Regular files, directories and memory devices are ready as Linux polls them: no host call. */
    @Override
    public int pollEvents() {
        MemoryDevice d = device();
        if (d.neverBlocks()) return d.pollEvents();
        return dev.jlibos.vfs.event.HostPoll.now(fs, fd, 0xffff);
    }

    /**
     * True for regular files, directories and the memory devices (character major 1: null, zero, full,
     * random, urandom...), on which a host read or write never waits: those are the descriptions whose
     * calls may be forwarded to the host as they are (a host call that waited could not be interrupted
     * by a guest signal).
     */
    public boolean neverBlocks() {
        return device().neverBlocks();
    }

    @Override
    public int available() {
        byte[] n = fs.ioctlBuffer(fd, 0x541B /* FIONREAD */, new byte[4]);
        return (n[0] & 0xff) | (n[1] & 0xff) << 8 | (n[2] & 0xff) << 16 | (n[3] & 0xff) << 24;
    }

    @Override
    public int statusFlags() {
        int host = (int) fs.simple(HostFs.FCNTL, fd, 3 /* F_GETFL */, 0);
        if (!hostNonBlocking) return host;
        return (host & ~Fcntl.O_NONBLOCK) | (guestNonBlocking ? Fcntl.O_NONBLOCK : 0);
    }

    @Override
    public void setStatusFlags(int flags) {
        if (hostNonBlocking) guestNonBlocking = (flags & Fcntl.O_NONBLOCK) != 0;
        fs.simple(HostFs.FCNTL, fd, 4 /* F_SETFL */, hostNonBlocking ? flags | Fcntl.O_NONBLOCK : flags);
    }

    /** Answered without a host F_GETFL when the guest's flag is kept here. */
    @Override
    public boolean nonBlocking() {
        return hostNonBlocking ? guestNonBlocking : super.nonBlocking();
    }

    /** A FIFO or terminal on a non-blocking host fd: a blocking write goes on after a partial one. */
    @Override
    public boolean retriesPartialWrites() {
        return hostNonBlocking && !neverBlocks();
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
