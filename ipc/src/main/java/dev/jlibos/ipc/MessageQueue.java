package dev.jlibos.ipc;

import java.util.ArrayDeque;

import static dev.jlibos.core.abi.SysvIpc.MSGMNB;

/** A message queue (struct msg_queue): its messages, their total size, its limit, and who last used it. */
final class MessageQueue extends IpcObject {
    record Message(long type, byte[] text) {
    }

    final ArrayDeque<Message> messages = new ArrayDeque<>();
    long bytes, qbytes = MSGMNB, stime, rtime;
    int lspid, lrpid;

    /**
     * The message msgrcv takes for {@code type}: the first of any type (0), the first of that type (or,
     * with {@code except}, of another), or for a negative type the first of the lowest type up to -type.
     */
    Message select(long type, boolean except) {
        Message found = null;
        for (Message msg : messages) {
            boolean match;
            if (type == 0) match = true;
            else if (type > 0) match = except ? msg.type() != type : msg.type() == type;
            else match = msg.type() <= -type && (found == null || msg.type() < found.type());
            if (!match) continue;
            found = msg;
            if (type >= 0) break;
        }
        return found;
    }
}
