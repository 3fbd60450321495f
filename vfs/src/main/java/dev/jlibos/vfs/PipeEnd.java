package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_RDONLY;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/** One end of a pipe; the buffer is shared by both ends and every fd that refers to them. */
public final class PipeEnd extends FileDescription {
    private final PipeBuffer pipe;
    private final boolean writer;

    PipeEnd(PipeBuffer pipe, boolean writer, int extraFlags) {
        super((writer ? O_WRONLY : O_RDONLY) | (extraFlags & O_NONBLOCK));
        this.pipe = pipe;
        this.writer = writer;
        pipe.open(writer);
    }

    /** pipe_read/pipe_write are read_iter/write_iter, and pipes are FMODE_NOWAIT. */
    @Override
    public int rwFlags(boolean write) {
        return dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    @Override
    public String path() {
        return "pipe:[" + pipe.inode + "]";
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (writer) throw Errno.EBADF.fail();
        return pipe.read(buffer, offset, length);
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        if (!writer) throw Errno.EBADF.fail();
        return pipe.write(buffer, offset, length);
    }

    @Override
    public int pollEvents() {
        return pipe.poll(writer);
    }

    @Override
    public dev.jlibos.vfs.event.WaitQueue waitQueue() {
        return pipe.queue;
    }

    @Override
    public int available() {
        return pipe.available();
    }

    @Override
    public byte[] stat() {
        return StatLayout.synthetic(StatLayout.PIPEFS_DEV, pipe.inode, StatLayout.S_IFIFO | 0600, 0, 0, 0, 0, 0);
    }

    @Override
    protected void release() {
        pipe.close(writer);
    }

    /** F_GETPIPE_SZ. */
    public int pipeCapacity() {
        return pipe.capacity();
    }

    /** F_SETPIPE_SZ; returns the new capacity. */
    public int resizePipe(long bytes) {
        return pipe.resize(bytes);
    }
}
