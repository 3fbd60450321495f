package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FileDescription;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Ancillary data of sendmsg/recvmsg (struct cmsghdr: 8-byte length, level, type, then data, each padded
 * to 8): SCM_RIGHTS passes open files, SCM_CREDENTIALS the sender's pid/uid/gid (SO_PASSCRED).
 */
public final class ControlMessages {
    private static final int CMSG_HEADER = 16;
    private static final int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    /** SCM_MAX_FD: files one message may carry. */
    private static final int SCM_MAX_FD = 253;

    /** The control bytes recvmsg copies out, and whether they were cut short (MSG_CTRUNC). */
    public record Encoded(byte[] bytes, boolean truncated) {
    }

    private ControlMessages() {
    }

    /**
     * The files sendmsg's control messages pass (SCM_RIGHTS, looked up in {@code files}); SCM_CREDENTIALS
     * is accepted (the receiver sees the sender's real credentials), anything else is EINVAL.
     */
    public static List<FileDescription> rights(byte[] c, FdTable files) {
        List<FileDescription> rights = new ArrayList<>();
        for (int off = 0; off + CMSG_HEADER <= c.length; ) {
            long len = Longs.fromBytes(c, off);
            int level = (int) Longs.fromBytes(c, off + 8, 4), type = (int) Longs.fromBytes(c, off + 12, 4);
            if (len < CMSG_HEADER || off + len > c.length) throw Errno.EINVAL.fail();
            if (level != Socket.SOL_SOCKET) throw Errno.EINVAL.fail();
            if (type == SCM_RIGHTS) {
                int count = (int) (len - CMSG_HEADER) / 4;
                if (count + rights.size() > SCM_MAX_FD) throw Errno.EINVAL.fail();
                for (int i = 0; i < count; i++) {
                    rights.add(files.get((int) Longs.fromBytes(c, off + CMSG_HEADER + 4 * i, 4)));
                }
            } else if (type != SCM_CREDENTIALS) {
                throw Errno.EINVAL.fail();
            }
            off += (int) ((len + 7) & ~7L);
        }
        return rights;
    }

    /**
     * recvmsg's control messages for {@code got}: SCM_CREDENTIALS when the socket asked for them, then the
     * passed files installed as new fds (as many as fit in {@code controlLength}; {@code noControl}: the
     * caller gave no buffer). The caller drops its references to {@code got}'s files afterwards.
     */
    public static Encoded encode(Socket.Message got, boolean passCredentials, boolean noControl, long controlLength,
                                 boolean cloexec, FdTable files) {
        boolean truncated = false;
        ByteArrayOutputStream cmsgs = new ByteArrayOutputStream();
        if (passCredentials) {
            Socket.Credentials c = got.credentials() != null ? got.credentials() : new Socket.Credentials(0, 65534, 65534);
            byte[] cm = new byte[32];
            Longs.put(cm, 0, CMSG_HEADER + 12, 8);
            Longs.put(cm, 8, Socket.SOL_SOCKET, 4);
            Longs.put(cm, 12, SCM_CREDENTIALS, 4);
            Longs.put(cm, 16, c.pid(), 4);
            Longs.put(cm, 20, c.uid(), 4);
            Longs.put(cm, 24, c.gid(), 4);
            if (cmsgs.size() + 28 <= controlLength) cmsgs.write(cm, 0, (int) Math.min(32, controlLength - cmsgs.size()));
            else truncated = true;
        }
        if (!got.rights().isEmpty()) {
            long room = noControl ? 0 : controlLength - cmsgs.size();
            int fit = (int) Math.max(0, Math.min(got.rights().size(), (room - CMSG_HEADER) / 4));
            if (fit < got.rights().size()) truncated = true;
            if (fit > 0) {
                byte[] cm = new byte[CMSG_HEADER + 4 * fit];
                Longs.put(cm, 0, cm.length, 8);
                Longs.put(cm, 8, Socket.SOL_SOCKET, 4);
                Longs.put(cm, 12, SCM_RIGHTS, 4);
                for (int i = 0; i < fit; i++) Longs.put(cm, CMSG_HEADER + 4 * i, files.install(got.rights().get(i), cloexec), 4);
                cmsgs.writeBytes(cm);
                while (cmsgs.size() % 8 != 0 && cmsgs.size() < room + (controlLength - room)) cmsgs.write(0);
            }
        }
        return new Encoded(cmsgs.toByteArray(), truncated);
    }

    /**
     * A host socket's control messages copied into a guest buffer of {@code controlLength} bytes as Linux's
     * put_cmsg fills it: each message whole while it fits; the first that does not is cut to the room left
     * (its cmsg_len says so) if at least a header fits, and MSG_CTRUNC is set; those after it are dropped.
     */
    public static Encoded fromHost(byte[] host, boolean noControl, long controlLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean truncated = false;
        long room = noControl ? 0 : controlLength;
        for (int off = 0; off + CMSG_HEADER <= host.length; ) {
            long len = Longs.fromBytes(host, off);
            if (len < CMSG_HEADER || off + len > host.length) break;
            if (room < CMSG_HEADER) {
                truncated = true;
                break;
            }
            long cut = Math.min(len, room);
            if (cut < len) truncated = true;
            byte[] cm = java.util.Arrays.copyOfRange(host, off, off + (int) cut);
            Longs.put(cm, 0, cut, 8);
            out.writeBytes(cm);
            long space = Math.min((len + 7) & ~7L, room);
            for (long pad = cut; pad < space; pad++) out.write(0);
            room -= space;
            off += (int) ((len + 7) & ~7L);
        }
        return new Encoded(out.toByteArray(), truncated);
    }
}
