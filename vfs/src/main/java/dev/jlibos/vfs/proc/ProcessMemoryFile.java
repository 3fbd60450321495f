package dev.jlibos.vfs.proc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.StatLayout;

/**
 * /proc/PID/mem: the file offset is an address in the process's memory, reached with ptrace's force (see
 * {@link AddressSpace#transferForced}), which is how debuggers read code and write breakpoints. Like
 * Linux's, the file keeps the memory it was opened on: after the process's execve or exit it reads and
 * writes nothing.
 */
public final class ProcessMemoryFile extends FileDescription {
    /** Linux's mem_rw moves a page at a time and stops at the first page it cannot reach. */
    private static final int PAGE = (int) AddressSpace.PAGE_SIZE;
    private final String path;
    private final AddressSpace memory;
    private long position;

    public ProcessMemoryFile(String path, AddressSpace memory, int statusFlags) {
        super(statusFlags);
        this.path = path;
        this.memory = memory;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
        int n = pread(buffer, offset, length, position);
        position += n;
        return n;
    }

    @Override
    public synchronized int write(byte[] buffer, int offset, int length) {
        int n = pwrite(buffer, offset, length, position);
        position += n;
        return n;
    }

    @Override
    public int pread(byte[] buffer, int offset, int length, long at) {
        return transfer(buffer, offset, length, at, false);
    }

    @Override
    public int pwrite(byte[] buffer, int offset, int length, long at) {
        return transfer(buffer, offset, length, at, true);
    }

    /** Page by page; EIO if not even the first byte could be moved (mem_rw's "copied = -EIO"). */
    private int transfer(byte[] buffer, int offset, int length, long at, boolean write) {
        int done = 0;
        while (done < length) {
            long address = at + done;
            int want = (int) Math.min(length - done, PAGE - (address & (PAGE - 1)));
            int n = memory.transferForced(address, buffer, offset + done, want, write);
            done += n;
            if (n < want) break;
        }
        if (done == 0 && length > 0 && !memory.areas().isEmpty()) throw Errno.EIO.fail(); // an ended image reads 0
        return done;
    }

    /** mem_lseek: SEEK_SET and SEEK_CUR only, and any offset is taken (an address may look negative). */
    @Override
    public synchronized long seek(long offset, int whence) {
        position = switch (whence) {
            case 0 -> offset;
            case 1 -> position + offset;
            default -> throw Errno.EINVAL.fail();
        };
        return position;
    }

    /** Like procfs: a regular file of size 0, readable and writable by its owner. */
    @Override
    public byte[] stat() {
        return StatLayout.synthetic(StatLayout.PROC_DEV, Math.abs(path.hashCode()), StatLayout.S_IFREG | 0600, 0, 0, 0, 0,
                System.currentTimeMillis() * 1_000_000L);
    }
}
