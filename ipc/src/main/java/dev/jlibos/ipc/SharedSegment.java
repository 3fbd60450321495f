package dev.jlibos.ipc;

import dev.jlibos.core.mem.HostBlock;

/**
 * A shared memory segment (struct shmid_kernel): one host block that every attachment maps. The attachment
 * count and SHM_DEST in {@code mode} are under the segment's own lock, since the last detach happens when
 * an address space frees the mapping, holding the address space's lock and not the namespace's.
 */
final class SharedSegment extends IpcObject {
    long size, atime, dtime;
    int cpid, lpid, nattch;
    HostBlock block;
}
