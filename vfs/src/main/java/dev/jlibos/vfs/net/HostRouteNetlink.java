package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.vfs.HostFs;

/**
 * A NETLINK_ROUTE socket on the host: the guest's read-only requests go to the host kernel, which
 * answers them from its own interfaces, addresses and routes, attribute for attribute (the qdisc, the
 * link kind, the IPv6 devconf...: much of it is nowhere in /sys or /proc).
 *
 * <p>The socket is O_NONBLOCK: a dump's next part is made by the host while we receive the previous one,
 * so reading until EAGAIN drains what the host has. Each datagram is peeked first for its size and
 * then read with exactly that buffer: the host sizes later dump parts by the largest read so far,
 * so they stay as large as the host made them on its own (a reader with a 4 KiB buffer, as glibc's
 * getifaddrs, gets parts that fit, as natively). Marshalling uses the thread's HostFs scratch block.
 */
final class HostRouteNetlink {
    private static final int SOCKET = 41, SENDTO = 44, RECVMSG = 47, BIND = 49, GETSOCKNAME = 51, SETSOCKOPT = 54,
            GETSOCKOPT = 55;
    private static final int AF_NETLINK = 16, NETLINK_ROUTE = 0, SOCK_RAW = 3;
    /** Scratch layout: sockaddr_nl, a length, msghdr, iovec, option bytes, then data. */
    private static final int ADDR = 0, ADDRLEN = 64, MSGHDR = 128, IOVEC = 192, OPT = 256, DATA = 16384;
    private static final int OPT_MAX = 4096, DATA_MAX = HostFs.CHUNK;

    /** One datagram from the host kernel and its sockaddr_nl. */
    record Datagram(byte[] data, byte[] from) {
    }

    private final HostFs host;
    private final int fd;
    private final int port;

    HostRouteNetlink(HostFs host) {
        this.host = host;
        this.fd = (int) check(host.raw(SOCKET, AF_NETLINK, SOCK_RAW | Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC,
                NETLINK_ROUTE, 0, 0, 0));
        try {
            bindAs(0, 0); // the host autobinds: its port id is what its replies carry
            port = localPort();
        } catch (RuntimeException e) {
            host.closeFd(fd);
            throw e;
        }
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

    /** The host's port id of this socket: the kernel's replies carry it, the guest must see its own. */
    int port() {
        return port;
    }

    /** Binds (already bound: updates the multicast groups) with the host's own port id. */
    void bind(int groups) {
        bindAs(port, groups);
    }

    private void bindAs(int port, int groups) {
        HostBlock b = scratch();
        b.zero(ADDR, 12);
        b.putInt(ADDR, AF_NETLINK);
        b.putInt(ADDR + 4, port);
        b.putInt(ADDR + 8, groups);
        check(host.raw(BIND, fd, at(ADDR), 12, 0, 0, 0));
    }

    private int localPort() {
        scratch().putInt(ADDRLEN, 12);
        check(host.raw(GETSOCKNAME, fd, at(ADDR), at(ADDRLEN), 0, 0, 0));
        return scratch().getInt(ADDR + 4);
    }

    /** Sends one request to the host kernel. */
    void send(byte[] request) {
        if (request.length > DATA_MAX) throw Errno.EMSGSIZE.fail();
        HostBlock b = scratch();
        b.put(DATA, request, 0, request.length);
        b.zero(ADDR, 12);
        b.putInt(ADDR, AF_NETLINK);
        check(host.raw(SENDTO, fd, at(DATA), request.length, Socket.MSG_DONTWAIT, at(ADDR), 12));
    }

    /** The next datagram, or null when the host has none now. */
    Datagram receive() {
        long size = recvmsg(0, Socket.MSG_PEEK | Socket.MSG_TRUNC);
        if (size < 0) return null;
        long got = recvmsg((int) Math.min(size, DATA_MAX), 0);
        if (got < 0) return null;
        HostBlock b = scratch();
        byte[] data = new byte[(int) Math.min(got, DATA_MAX)];
        b.get(DATA, data, 0, data.length);
        byte[] from = new byte[Math.min(b.getInt(MSGHDR + 8), 12)];
        b.get(ADDR, from, 0, from.length);
        return new Datagram(data, from);
    }

    /** recvmsg into DATA: the byte count, or -1 for EAGAIN. */
    private long recvmsg(int length, int flags) {
        HostBlock b = scratch();
        b.putLong(IOVEC, at(DATA));
        b.putLong(IOVEC + 8, length);
        b.putLong(MSGHDR, at(ADDR));
        b.putLong(MSGHDR + 8, 12);
        b.putLong(MSGHDR + 16, at(IOVEC));
        b.putLong(MSGHDR + 24, 1);
        b.putLong(MSGHDR + 32, 0);
        b.putLong(MSGHDR + 40, 0);
        b.putLong(MSGHDR + 48, 0);
        long r = host.raw(RECVMSG, fd, at(MSGHDR), flags | Socket.MSG_DONTWAIT, 0, 0, 0);
        if (r < 0 && Errno.fromHost((int) -r) == Errno.EAGAIN) return -1;
        return check(r);
    }

    /** setsockopt(SOL_NETLINK) on the host socket. */
    void setOption(int level, int name, byte[] value) {
        if (value.length > OPT_MAX) throw Errno.EINVAL.fail();
        scratch().put(OPT, value, 0, value.length);
        check(host.raw(SETSOCKOPT, fd, level, name, at(OPT), value.length, 0));
    }

    byte[] getOption(int level, int name, int length) {
        int n = Math.max(0, Math.min(length, OPT_MAX));
        scratch().putInt(ADDRLEN, n);
        check(host.raw(GETSOCKOPT, fd, level, name, at(OPT), at(ADDRLEN), 0));
        byte[] v = new byte[Math.min(scratch().getInt(ADDRLEN), n)];
        scratch().get(OPT, v, 0, v.length);
        return v;
    }

    void close() {
        host.closeFd(fd);
    }
}
