package dev.jlibos.ipc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.cred.Credentials;
import dev.jlibos.vfs.event.WaitQueue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.jlibos.core.abi.SysvIpc.PERM_SIZE;

/** What every IPC object has: struct ipc64_perm, its change time, and the queue its sleepers wait on. */
public abstract class IpcObject {
    int id, key, uid, gid, cuid, cgid, mode, seq;
    long ctime;
    volatile boolean removed;
    final WaitQueue waiters = new WaitQueue();

    /** A new object's owner and creator are the caller; the low nine bits of {@code flags} are its mode. */
    void createdBy(IpcCaller c, int key, int flags) {
        this.key = key;
        uid = cuid = c.credentials().euid;
        gid = cgid = c.credentials().egid;
        mode = flags & 0777;
        ctime = c.seconds();
    }

    void writePerm(ByteBuffer b) {
        b.putInt(0, key).putInt(4, uid).putInt(8, gid).putInt(12, cuid).putInt(16, cgid).putInt(20, mode)
                .putShort(24, (short) seq);
    }

    /** ipcperms: {@code want} is a combination of 4 (read) and 2 (write/alter). */
    boolean permits(IpcCaller c, int want) {
        Credentials cred = c.credentials();
        if (cred.capable(Capability.CAP_IPC_OWNER)) return true;
        int granted;
        if (cred.euid == uid || cred.euid == cuid) granted = mode >> 6;
        else if (cred.egid == gid || cred.egid == cgid) granted = mode >> 3;
        else granted = mode;
        return (want & ~granted & 07) == 0;
    }

    void require(IpcCaller c, int want) {
        if (!permits(c, want)) throw Errno.EACCES.fail();
    }

    /** IPC_RMID and IPC_SET: the owner, the creator or root. */
    void requireOwner(IpcCaller c) {
        Credentials cred = c.credentials();
        if (cred.euid != uid && cred.euid != cuid && !cred.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.fail();
    }

    /** IPC_SET: uid, gid and the low nine mode bits from the caller's struct ipc64_perm at {@code address}. */
    void setPerm(IpcCaller c, long address) {
        requireOwner(c);
        ByteBuffer b = ByteBuffer.wrap(c.memory().read(address, PERM_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        uid = b.getInt(4);
        gid = b.getInt(8);
        mode = (mode & ~0777) | (b.getInt(20) & 0777);
        ctime = c.seconds();
    }
}
