package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A character-device-like file over Java streams: how tests and embedders give a guest its stdio. */
public final class StreamFile extends FileDescription {
    private final InputStream in;
    private final OutputStream out;
    private final String name;

    public StreamFile(InputStream in, OutputStream out, String name) {
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
            int n = in.read(buffer, offset, length);
            return Math.max(n, 0);
        } catch (IOException e) {
            throw Errno.EIO.fail();
        }
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        if (out == null) throw Errno.EBADF.fail();
        try {
            out.write(buffer, offset, length);
            out.flush();
            return length;
        } catch (IOException e) {
            throw Errno.EIO.fail();
        }
    }
}
