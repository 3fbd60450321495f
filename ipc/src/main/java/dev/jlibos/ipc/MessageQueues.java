package dev.jlibos.ipc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.signals.InterruptibleSleep;

import java.nio.ByteBuffer;

import static dev.jlibos.core.abi.SysvIpc.*;

/** A namespace's message queues: msgget, msgsnd, msgrcv and msgctl once their arguments are decoded. */
public final class MessageQueues {
    private final IpcNamespace ns;
    private final IpcTable<MessageQueue> table = new IpcTable<>();

    MessageQueues(IpcNamespace ns) {
        this.ns = ns;
    }

    public int get(IpcCaller c, int key, int flags) {
        return ns.get(c, table, key, flags, MSGMNI, MessageQueue::new, q -> { });
    }

    /** msgsnd: the struct msgbuf at {@code address} (a type, then {@code size} bytes of text). */
    public long send(IpcCaller c, int id, long address, long size, int flags) {
        MessageQueue q;
        synchronized (ns) {
            q = table.byId(id);
            if (size < 0 || size > MSGMAX) throw Errno.EINVAL.fail();
            q.require(c, 2);
        }
        AddressSpace m = c.memory();
        long type = m.readLong(address);
        if (type < 1) throw Errno.EINVAL.fail();
        byte[] text = m.read(address + 8, (int) size);
        return ns.waitFor(c, q, InterruptibleSleep.FOREVER, Errno.EAGAIN, () -> {
            if (q.bytes + size > q.qbytes || q.messages.size() + 1 > q.qbytes) {
                if ((flags & IPC_NOWAIT) != 0) throw Errno.EAGAIN.fail();
                return IpcNamespace.WOULD_BLOCK;
            }
            q.messages.addLast(new MessageQueue.Message(type, text));
            q.bytes += size;
            q.lspid = c.pid();
            q.stime = c.seconds();
            q.waiters.wakeAll();
            return 0;
        });
    }

    /** msgrcv without MSG_COPY: the message {@link MessageQueue#select} picks, into the msgbuf at {@code address}. */
    public long receive(IpcCaller c, int id, long address, long size, long type, int flags) {
        if (size < 0) throw Errno.EINVAL.fail();
        MessageQueue q;
        synchronized (ns) {
            q = table.byId(id);
            q.require(c, 4);
        }
        AddressSpace m = c.memory();
        m.requireAccess(address, 8 + Math.min(size, MSGMAX), true);
        return ns.waitFor(c, q, InterruptibleSleep.FOREVER, Errno.EAGAIN, () -> {
            MessageQueue.Message found = q.select(type, (flags & MSG_EXCEPT) != 0);
            if (found == null) {
                if ((flags & IPC_NOWAIT) != 0) throw Errno.ENOMSG.fail();
                return IpcNamespace.WOULD_BLOCK;
            }
            if (found.text().length > size && (flags & MSG_NOERROR) == 0) throw Errno.E2BIG.fail();
            int n = (int) Math.min(found.text().length, size);
            m.writeLong(address, found.type());
            m.write(address + 8, found.text(), 0, n);
            q.messages.remove(found);
            q.bytes -= found.text().length;
            q.lrpid = c.pid();
            q.rtime = c.seconds();
            q.waiters.wakeAll();
            return n;
        });
    }

    /** msgctl: {@code cmd} as the guest passed it (IPC_64 allowed), {@code address} its struct. */
    public long control(IpcCaller c, int id, int cmd, long address) {
        cmd &= ~IPC_64;
        AddressSpace m = c.memory();
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO, MSG_INFO -> {
                    m.write(address, info(cmd == MSG_INFO).array());
                    return table.highestIndex();
                }
                case IPC_STAT, MSG_STAT, MSG_STAT_ANY -> {
                    return table.stat(c, id, cmd == IPC_STAT, cmd == MSG_STAT_ANY, address, MessageQueues::stat);
                }
                case IPC_SET -> {
                    MessageQueue q = table.byId(id);
                    long qbytes = m.readLong(address + 88);
                    if (qbytes > MSGMNB && !c.credentials().capable(Capability.CAP_SYS_RESOURCE)) throw Errno.EPERM.fail();
                    q.setPerm(c, address);
                    q.qbytes = qbytes;
                    q.waiters.wakeAll();
                    return 0;
                }
                case IPC_RMID -> {
                    MessageQueue q = table.byId(id);
                    q.requireOwner(c);
                    table.remove(q);
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }

    /** struct msginfo: msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql, msgseg; MSG_INFO reports use. */
    private ByteBuffer info(boolean usage) {
        ByteBuffer b = IpcNamespace.struct(32);
        int used = table.size();
        long total = 0, count = 0;
        for (MessageQueue q : table.all()) {
            total += q.bytes;
            count += q.messages.size();
        }
        b.putInt(0, usage ? used : MSGMNI * MSGMNB / 1024).putInt(4, usage ? (int) count : MSGMNB)
                .putInt(8, MSGMAX).putInt(12, MSGMNB).putInt(16, MSGMNI).putInt(20, 16)
                .putInt(24, usage ? (int) total : MSGMNB).putInt(28, 0xffff);
        return b;
    }

    /** struct msqid64_ds. */
    private static ByteBuffer stat(MessageQueue q) {
        ByteBuffer b = IpcNamespace.struct(MSQID_SIZE);
        q.writePerm(b);
        b.putLong(48, q.stime).putLong(56, q.rtime).putLong(64, q.ctime).putLong(72, q.bytes)
                .putLong(80, q.messages.size()).putLong(88, q.qbytes).putInt(96, q.lspid).putInt(100, q.lrpid);
        return b;
    }
}
