package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.StatLayout;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * A socket's open file description. Operations never block: when they would, they fail with EAGAIN
 * (EINPROGRESS for a connect under way) and the syscall layer waits for readiness unless the caller
 * asked not to. Addresses travel as raw {@code struct sockaddr} bytes in Linux's layout.
 */
public abstract class Socket extends FileDescription {
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public static final int MSG_OOB = 1, MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40,
            MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public static final int SOL_SOCKET = 1;
    public static final int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
            SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_LINGER = 13, SO_REUSEPORT = 15,
            SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21,
            SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
    private static final AtomicLong INODES = new AtomicLong(200_000);
    /** sockfs's st_dev on Linux (0:8). */
    private static final long SOCKFS_DEV = 0x8;
    private static final int S_IFSOCK = 0140000;
    private final long inode = INODES.incrementAndGet();

    /** Who made this socket, for SO_PEERCRED and SCM_CREDENTIALS: pid, uid, gid. */
    public record Credentials(int pid, int uid, int gid) {
    }

    /**
     * A received message: the bytes, their full length (MSG_TRUNC), the sender's address, passed files; from
     * a host socket, the control messages as the host wrote them ({@code hostControl}, else null).
     */
    public record Message(byte[] data, int length, byte[] from, List<FileDescription> rights, Credentials credentials,
                          int flags, byte[] hostControl) {
        public Message(byte[] data, int length, byte[] from, List<FileDescription> rights, Credentials credentials, int flags) {
            this(data, length, from, rights, credentials, flags, null);
        }
    }

    protected Socket(int statusFlags) {
        super(O_RDWR | statusFlags);
    }

    public abstract int domain();

    public abstract int type();

    @Override
    public String path() {
        return "socket:[" + inode + "]";
    }

    /** sock_read_iter/sock_write_iter; sockets are FMODE_NOWAIT. */
    @Override
    public int rwFlags(boolean write) {
        return dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    @Override
    public byte[] stat() {
        return StatLayout.synthetic(SOCKFS_DEV, inode, S_IFSOCK | 0777, 0, 0, 0, 0, 0);
    }

    public abstract void bind(byte[] address);

    public abstract void listen(int backlog);

    /** A connection from the queue, or EAGAIN. */
    public abstract Socket accept(int flags);

    /** Connects, or starts connecting (EINPROGRESS) where that takes time. */
    public abstract void connect(byte[] address);

    /** After EINPROGRESS and POLLOUT: the connection's result (SO_ERROR), thrown if it failed. */
    public void finishConnect() {
    }

    /** Sends what fits now (EAGAIN if nothing does); {@code to} may be null. */
    public abstract int send(byte[] data, int offset, int length, int flags, byte[] to, List<FileDescription> rights,
                             Credentials credentials);

    /** Receives up to {@code max} bytes; EAGAIN if nothing is there yet. */
    public abstract Message receive(int max, int flags);

    public abstract void shutdown(int how);

    public abstract byte[] localAddress();

    public abstract byte[] peerAddress();

    /** getsockopt: the option's bytes (at most {@code length}). */
    public abstract byte[] getOption(int level, int name, int length);

    public abstract void setOption(int level, int name, byte[] value);

    @Override
    public int read(byte[] buffer, int offset, int length) {
        Message m = receive(length, 0);
        for (FileDescription f : m.rights()) f.unretain(); // read(2) discards passed files
        System.arraycopy(m.data(), 0, buffer, offset, m.data().length);
        return m.data().length;
    }

    @Override
    public int write(byte[] buffer, int offset, int length) {
        return send(buffer, offset, length, 0, null, List.of(), null);
    }

    /** SO_RCVTIMEO / SO_SNDTIMEO in nanoseconds, -1 for none. */
    public long timeout(boolean sending) {
        byte[] tv = getOption(SOL_SOCKET, sending ? SO_SNDTIMEO : SO_RCVTIMEO, 16);
        long sec = dev.jlibos.core.mem.Longs.fromBytes(tv, 0), usec = dev.jlibos.core.mem.Longs.fromBytes(tv, 8);
        return sec == 0 && usec == 0 ? -1 : sec * 1_000_000_000L + usec * 1000;
    }

    protected static byte[] intOption(int value) {
        byte[] b = new byte[4];
        dev.jlibos.core.mem.Longs.put(b, 0, value, 4);
        return b;
    }

    protected static int intValue(byte[] value) {
        if (value.length < 4) throw Errno.EINVAL.fail();
        return (int) dev.jlibos.core.mem.Longs.fromBytes(value, 0, 4);
    }
}
