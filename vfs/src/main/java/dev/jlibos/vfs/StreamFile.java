package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

import static dev.jlibos.core.abi.Fcntl.O_RDONLY;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/**
 * A guest fd over Java streams: how tests and embedders give a guest its stdio. It presents itself as a
 * FIFO, which is what a program sees when a parent process captures its output through a pipe, so libc
 * buffers output exactly as it does natively under a test harness.
 */
public final class StreamFile extends FileDescription {
    private final InputStream in;
    private final OutputStream out;
    private final String name;
    private final long inode = PipeBuffer.nextInode();

    public StreamFile(InputStream in, OutputStream out, String name) {
        super(in != null ? O_RDONLY : O_WRONLY);
        this.in = in;
        this.out = out;
        this.name = name;
    }

    @Override
    public String path() {
        return name;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (in == null) throw Errno.EBADF.fail();
        try {
            return Math.max(in.read(buffer, offset, length), 0);
        } catch (InterruptedIOException e) {
            throw Errno.EINTR.fail();
        } catch (IOException e) {
            throw Errno.EIO.fail();
        }
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        if (out == null) throw Errno.EBADF.fail();
        return budgeted(length, granted -> {
            try {
                out.write(buffer, offset, granted);
                out.flush();
                return granted;
            } catch (IOException e) {
                throw Errno.EPIPE.fail();
            }
        });
    }

    @Override
    public int available() {
        try {
            return in != null ? in.available() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public byte[] stat() {
        return StatLayout.synthetic(StatLayout.PIPEFS_DEV, inode, StatLayout.S_IFIFO | 0600, 0, 0, 0, 0, 0);
    }
}
