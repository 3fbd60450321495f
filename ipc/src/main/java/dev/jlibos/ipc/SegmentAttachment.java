package dev.jlibos.ipc;

import dev.jlibos.core.mem.ForkSharedBlock;

import static dev.jlibos.core.abi.SysvIpc.SHM_DEST;

/**
 * One attachment of a segment: the segment's block as the address space sees it. Fork keeps it (both
 * processes map the same pages); when the last area using it goes (shmdt, munmap, exit, exec) the address
 * space frees it, which detaches, and a removed segment without attachments is freed.
 */
final class SegmentAttachment extends ForkSharedBlock {
    final SharedSegment segment;
    final IpcNamespace ns;
    private boolean detached;

    SegmentAttachment(SharedSegment segment, IpcNamespace ns) {
        super(segment.block);
        this.segment = segment;
        this.ns = ns;
    }

    /** Under the segment's own lock (never the namespace's): the address space calls this holding its lock. */
    @Override
    public void free() {
        synchronized (segment) {
            if (detached) return;
            detached = true;
            segment.nattch--;
            if ((segment.mode & SHM_DEST) != 0 && segment.nattch == 0) {
                segment.removed = true;
                segment.block.free();
            }
        }
    }
}
