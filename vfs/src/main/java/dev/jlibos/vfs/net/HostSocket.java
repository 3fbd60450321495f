package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.event.HostPoll;
import dev.jlibos.vfs.event.Poll;

import java.util.List;

import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;

/**
 * An AF_INET/AF_INET6 socket offloaded to the host kernel on a host fd.
 *
 * <p>Why offload rather than Java NIO channels: the host's own TCP/UDP stack gives the guest exact
 * Linux behaviour for free — errno values (ECONNREFUSED, EADDRINUSE, EINPROGRESS...), every
 * SO_/TCP_/IP_/IPV6_ option with its real semantics and read-back values, port 0 assignment,
 * half-close, MSG_PEEK/MSG_TRUNC, IPV6_V6ONLY — where NIO hides or reshapes most of them
 * (no EINPROGRESS, no raw options, no MSG_ flags), and sockaddr bytes pass through unchanged.
 *
 * <p>The host fd is always O_NONBLOCK; the guest's O_NONBLOCK lives in this description. A blocking
 * guest call is an EAGAIN/EINPROGRESS here that the syscall layer turns into a readiness wait
 * ({@code Blocking} re-polls host fds every few milliseconds), so guest signals interrupt it and the
 * host thread never sleeps inside the host kernel. Sends always carry MSG_NOSIGNAL: a SIGPIPE must
 * go to the guest, never to the JVM. Marshalling uses the thread's HostFs scratch block.
 */
public final class HostSocket extends Socket {
    private static final int SOCKET = 41, CONNECT = 42, ACCEPT4 = 288, SENDTO = 44, SENDMSG = 46, RECVMSG = 47, SHUTDOWN = 48,
            BIND = 49, LISTEN = 50, GETSOCKNAME = 51, GETPEERNAME = 52, SETSOCKOPT = 54, GETSOCKOPT = 55;
    /** Scratch layout: sockaddr, its length, a msghdr and iovec, option bytes, then data. */
    private static final int ADDR = 0, ADDRLEN = 256, MSGHDR = 320, IOVEC = 384, OPT = 512, CONTROL = 8192, DATA = 16384;
    /** Room for the host's control messages (IP_TTL, IP_TOS, IPV6_HOPLIMIT, timestamps...): the guest's own
     *  control buffer is filled from them with Linux's truncation rules (ControlMessages.fromHost). */
    private static final int CONTROL_MAX = 4096;
    private static final int ADDR_MAX = 128, OPT_MAX = 4096;
    private static final int DATA_MAX = HostFs.CHUNK;

    private final HostFs host;
    private final int fd;
    private final int domain, type;

    private HostSocket(HostFs host, int fd, int domain, int type, int statusFlags) {
        super(statusFlags);
        this.host = host;
        this.fd = fd;
        this.domain = domain;
        this.type = type;
    }

    /** socket(2) on the host; {@code type} without SOCK_NONBLOCK/SOCK_CLOEXEC. */
    public static HostSocket open(HostFs host, int domain, int type, int protocol, int statusFlags) {
        int fd = (int) check(host.raw(SOCKET, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, 0, 0, 0));
        return new HostSocket(host, fd, domain, type, statusFlags);
    }

    private static long check(long r) {
        if (r < 0) throw Errno.fromHost((int) -r).fail();
        return r;
    }

    private HostBlock scratch() {
        return host.scratch();
    }

    private long at(int offset) {
        return scratch().address() + offset;
    }

    private long putAddress(byte[] address) {
        if (address.length > ADDR_MAX) throw Errno.EINVAL.fail();
        scratch().put(ADDR, address, 0, address.length);
        return at(ADDR);
    }

    private byte[] takeAddress() {
        int n = Math.min(scratch().getInt(ADDRLEN), ADDR_MAX);
        byte[] b = new byte[n];
        scratch().get(ADDR, b, 0, n);
        return b;
    }

    @Override
    public int domain() {
        return domain;
    }

    @Override
    public int type() {
        return type;
    }

    @Override
    public int hostFd() {
        return fd;
    }

    @Override
    public void bind(byte[] address) {
        check(host.raw(BIND, fd, putAddress(address), address.length, 0, 0, 0));
    }

    @Override
    public void listen(int backlog) {
        check(host.raw(LISTEN, fd, backlog, 0, 0, 0, 0));
    }

    @Override
    public Socket accept(int flags) {
        int s = (int) check(host.raw(ACCEPT4, fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0));
        return new HostSocket(host, s, domain, type, flags & O_NONBLOCK);
    }

    @Override
    public void connect(byte[] address) {
        check(host.raw(CONNECT, fd, putAddress(address), address.length, 0, 0, 0));
    }

    @Override
    public void finishConnect() {
        int error = (int) dev.jlibos.core.mem.Longs.fromBytes(getOption(SOL_SOCKET, SO_ERROR, 4), 0, 4);
        if (error != 0) throw Errno.fromHost(error).fail();
    }

    @Override
    public int send(byte[] data, int offset, int length, int flags, byte[] to, List<FileDescription> rights,
                    Credentials credentials) {
        if (!rights.isEmpty()) throw Errno.EOPNOTSUPP.fail();
        int n = Math.min(length, DATA_MAX);
        long addr = 0;
        int addrLength = 0;
        if (to != null) {
            addr = putAddress(to);
            addrLength = to.length;
        }
        scratch().put(DATA, data, offset, n);
        return (int) check(host.raw(SENDTO, fd, at(DATA), n, flags | MSG_DONTWAIT | MSG_NOSIGNAL, addr, addrLength));
    }

    /** sendmsg with ancillary data (IP_TOS, IP_TTL, IPV6_HOPLIMIT, IPV6_TCLASS...), which the host checks and applies. */
    public int sendWithControl(byte[] data, int offset, int length, int flags, byte[] to, byte[] control) {
        if (control.length > CONTROL_MAX) throw Errno.ENOBUFS.fail();
        int n = Math.min(length, DATA_MAX);
        HostBlock b = scratch();
        long addr = 0;
        int addrLength = 0;
        if (to != null) {
            addr = putAddress(to);
            addrLength = to.length;
        }
        b.put(DATA, data, offset, n);
        b.put(CONTROL, control, 0, control.length);
        b.putLong(IOVEC, at(DATA));
        b.putLong(IOVEC + 8, n);
        b.putLong(MSGHDR, addr);
        b.putLong(MSGHDR + 8, addrLength);
        b.putLong(MSGHDR + 16, at(IOVEC));
        b.putLong(MSGHDR + 24, 1);
        b.putLong(MSGHDR + 32, at(CONTROL));
        b.putLong(MSGHDR + 40, control.length);
        b.putLong(MSGHDR + 48, 0);
        return (int) check(host.raw(SENDMSG, fd, at(MSGHDR), flags | MSG_DONTWAIT | MSG_NOSIGNAL, 0, 0, 0));
    }

    @Override
    public Message receive(int max, int flags) {
        int n = Math.min(max, DATA_MAX);
        HostBlock b = scratch();
        b.putLong(IOVEC, at(DATA));
        b.putLong(IOVEC + 8, n);
        b.putLong(MSGHDR, at(ADDR));
        b.putLong(MSGHDR + 8, ADDR_MAX);
        b.putLong(MSGHDR + 16, at(IOVEC));
        b.putLong(MSGHDR + 24, 1);
        b.putLong(MSGHDR + 32, at(CONTROL));
        b.putLong(MSGHDR + 40, CONTROL_MAX);
        b.putLong(MSGHDR + 48, 0);
        int got = (int) check(host.raw(RECVMSG, fd, at(MSGHDR), (flags & ~MSG_CMSG_CLOEXEC) | MSG_DONTWAIT, 0, 0, 0));
        int msgFlags = b.getInt(MSGHDR + 48);
        int nameLength = b.getInt(MSGHDR + 8);
        byte[] control = new byte[(int) Math.min(Math.max(b.getLong(MSGHDR + 40), 0), CONTROL_MAX)];
        b.get(CONTROL, control, 0, control.length);
        byte[] data = new byte[Math.min(got, n)];
        b.get(DATA, data, 0, data.length);
        byte[] from = null;
        if (nameLength > 0) {
            from = new byte[Math.min(nameLength, ADDR_MAX)];
            b.get(ADDR, from, 0, from.length);
        }
        return new Message(data, got, from, List.of(), null, msgFlags, control);
    }

    @Override
    public void shutdown(int how) {
        check(host.raw(SHUTDOWN, fd, how, 0, 0, 0, 0));
    }

    private byte[] name(int call) {
        scratch().putInt(ADDRLEN, ADDR_MAX);
        check(host.raw(call, fd, at(ADDR), at(ADDRLEN), 0, 0, 0));
        return takeAddress();
    }

    @Override
    public byte[] localAddress() {
        return name(GETSOCKNAME);
    }

    @Override
    public byte[] peerAddress() {
        return name(GETPEERNAME);
    }

    @Override
    public byte[] getOption(int level, int name, int length) {
        int n = Math.max(0, Math.min(length, OPT_MAX));
        scratch().putInt(ADDRLEN, n);
        check(host.raw(GETSOCKOPT, fd, level, name, at(OPT), at(ADDRLEN), 0));
        byte[] b = new byte[Math.min(scratch().getInt(ADDRLEN), n)];
        scratch().get(OPT, b, 0, b.length);
        return b;
    }

    @Override
    public void setOption(int level, int name, byte[] value) {
        if (value.length > OPT_MAX) throw Errno.EINVAL.fail();
        scratch().put(OPT, value, 0, value.length);
        check(host.raw(SETSOCKOPT, fd, level, name, at(OPT), value.length, 0));
    }

    @Override
    public int pollEvents() {
        return HostPoll.now(host, fd, Poll.IN | Poll.OUT | Poll.POLLPRI | Poll.POLLRDHUP | Poll.POLLRDBAND | Poll.POLLWRBAND);
    }

    @Override
    public int available() {
        byte[] n = host.ioctlBuffer(fd, 0x541B /* FIONREAD */, new byte[4]);
        return (int) dev.jlibos.core.mem.Longs.fromBytes(n, 0, 4);
    }

    @Override
    public int outputQueued() {
        byte[] n = host.ioctlBuffer(fd, 0x5411 /* SIOCOUTQ */, new byte[4]);
        return (int) dev.jlibos.core.mem.Longs.fromBytes(n, 0, 4);
    }

    @Override
    protected void release() {
        host.closeFd(fd);
    }
}
