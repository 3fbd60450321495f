package dev.jlibos.vfs.event;

import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.PipeBuffer;
import dev.jlibos.vfs.StatLayout;

/**
 * A file on Linux's anonymous inode ("anon_inode:[eventfd]", "anon_inode:[eventpoll]"...): no path,
 * mode 0600 without a type, and a wait queue for its readiness.
 */
public abstract class AnonFile extends FileDescription {
    /** anon_inodefs's st_dev on Linux (0:14); all anonymous files share one inode there. */
    private static final long ANON_INODE_DEV = 0xe;
    private static final long ANON_INODE = PipeBuffer.CAPACITY; // any fixed number: one inode for all
    protected final WaitQueue queue = new WaitQueue();
    private final String kind;

    protected AnonFile(String kind, int statusFlags) {
        super(statusFlags);
        this.kind = kind;
    }

    @Override
    public String path() {
        return "anon_inode:" + kind;
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    @Override
    public byte[] stat() {
        return StatLayout.synthetic(ANON_INODE_DEV, ANON_INODE, 0600, 0, 0, 0, 0, 0);
    }
}
