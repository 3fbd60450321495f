package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.event.Poll;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static dev.jlibos.vfs.net.NetlinkMessages.HDRLEN;
import static dev.jlibos.vfs.net.NetlinkMessages.NLMSG_DONE;
import static dev.jlibos.vfs.net.NetlinkMessages.NLMSG_ERROR;
import static dev.jlibos.vfs.net.NetlinkMessages.NLMSG_MIN_TYPE;
import static dev.jlibos.vfs.net.NetlinkMessages.NLM_F_ACK;
import static dev.jlibos.vfs.net.NetlinkMessages.NLM_F_DUMP;
import static dev.jlibos.vfs.net.NetlinkMessages.NLM_F_REQUEST;
import static dev.jlibos.vfs.net.NetlinkMessages.align;
import static dev.jlibos.vfs.net.NetlinkMessages.whole;

/**
 * An AF_NETLINK socket of protocol NETLINK_ROUTE (SOCK_RAW or SOCK_DGRAM; they behave the same). Its
 * port id and receive queue live here, following net/netlink/af_netlink.c; the kernel side of the
 * conversation is the host's ({@link HostRouteNetlink}):
 *
 * <ul>
 * <li>GET requests (links, addresses, routes, neighbours... and their dumps) go to the host kernel, and
 * its replies are queued here datagram by datagram, with the host socket's port id in nlmsg_pid
 * changed to the guest's;
 * <li>NEW, DEL and SET requests are refused with EPERM, what Linux answers a process without
 * CAP_NET_ADMIN: a guest never changes the host's interfaces;
 * <li>without the host network ({@code loopbackOnly}), replies about any interface but lo are dropped.
 * </ul>
 *
 * <p>Multicast groups (bind's nl_groups, NETLINK_ADD_MEMBERSHIP) are the host socket's: notifications
 * are the host's own, read when the guest receives or polls. Sending to a port other than the kernel's
 * is EPERM, as for an unprivileged process (NETLINK_ROUTE has no NL_CFG_F_NONROOT_SEND).
 */
public final class NetlinkSocket extends Socket {
    public static final int AF_NETLINK = 16, NETLINK_ROUTE = 0, MAX_LINKS = 32;
    public static final int SOL_NETLINK = 270;
    private static final int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_PKTINFO = 3,
            NETLINK_BROADCAST_ERROR = 4, NETLINK_NO_ENOBUFS = 5, NETLINK_LISTEN_ALL_NSID = 8,
            NETLINK_LIST_MEMBERSHIPS = 9, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    /** RTM_MAX of Linux 6.x (RTM_GETTUNNEL is the last type): higher types are EOPNOTSUPP. */
    private static final int RTM_MAX = 123, RTM_GETROUTE = 26;
    private static final int KIND_GET = 2;
    private static final int SOCKADDR_NL = 12;
    /** net.core.wmem_max/rmem_max and their defaults; Linux doubles what setsockopt asks for. */
    private static final int DEFAULT_BUFFER = 212992, SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;

    private record Datagram(byte[] data, byte[] from) {
    }

    private final int type;
    private final int pid;
    private final NetlinkPorts ports;
    private final HostRouteNetlink kernel;
    private final boolean loopbackOnly;
    private final Consumer<String> log;
    private final ArrayDeque<Datagram> received = new ArrayDeque<>();
    private boolean bound;
    private int port, groups, peerPort, peerGroups;
    private int sndbuf = DEFAULT_BUFFER, rcvbuf = DEFAULT_BUFFER;
    private boolean capAck;
    private byte[] rcvTimeout = new byte[16], sndTimeout = new byte[16];

    /**
     * socket(AF_NETLINK, type, NETLINK_ROUTE) for process {@code pid} (its first socket's port id).
     * {@code loopbackOnly}: the guest sees the host's lo and nothing else.
     */
    public NetlinkSocket(HostFs host, NetlinkPorts ports, int pid, int type, boolean loopbackOnly, int statusFlags,
                         Consumer<String> log) {
        super(statusFlags);
        if (type != SOCK_RAW && type != SOCK_DGRAM) throw Errno.ESOCKTNOSUPPORT.fail();
        this.type = type;
        this.pid = pid;
        this.ports = ports;
        this.loopbackOnly = loopbackOnly;
        this.log = log;
        this.kernel = new HostRouteNetlink(host);
    }

    @Override
    public int domain() {
        return AF_NETLINK;
    }

    @Override
    public int type() {
        return type;
    }

    private static byte[] address(int port, int groups) {
        byte[] a = new byte[SOCKADDR_NL];
        a[0] = AF_NETLINK;
        NetlinkMessages.putU32(a, 4, port);
        NetlinkMessages.putU32(a, 8, groups);
        return a;
    }

    /** The kernel's address, as replies come from it. */
    private static byte[] kernelAddress() {
        return address(0, 0);
    }

    private void autobind() {
        if (!bound) {
            port = ports.autobind(pid, this);
            bound = true;
        }
    }

    @Override
    public synchronized void bind(byte[] address) {
        if (address.length < SOCKADDR_NL || NetlinkMessages.u16(address, 0) != AF_NETLINK) throw Errno.EINVAL.fail();
        int wanted = NetlinkMessages.u32(address, 4), newGroups = NetlinkMessages.u32(address, 8);
        if (bound && wanted != port) throw Errno.EINVAL.fail();
        if (!bound) {
            if (wanted != 0) {
                ports.bind(wanted, this);
                port = wanted;
            } else {
                port = ports.autobind(pid, this);
            }
            bound = true;
        }
        if (newGroups != groups) {
            kernel.bind(newGroups);
            groups = newGroups;
        }
    }

    @Override
    public void listen(int backlog) {
        throw Errno.EOPNOTSUPP.fail();
    }

    @Override
    public Socket accept(int flags) {
        throw Errno.EOPNOTSUPP.fail();
    }

    @Override
    public synchronized void connect(byte[] address) {
        if (address.length < 2) throw Errno.EINVAL.fail();
        int family = NetlinkMessages.u16(address, 0);
        if (family == 0 /* AF_UNSPEC */) {
            peerPort = peerGroups = 0;
            return;
        }
        if (family != AF_NETLINK || address.length < SOCKADDR_NL) throw Errno.EINVAL.fail();
        refuseUserspacePeer(address);
        autobind();
    }

    /** A destination other than the kernel: EPERM, as NETLINK_ROUTE lets only CAP_NET_ADMIN send there. */
    private void refuseUserspacePeer(byte[] address) {
        if (NetlinkMessages.u32(address, 4) != 0 || NetlinkMessages.u32(address, 8) != 0) {
            log.accept("netlink: sending to a port or group other than the kernel's is refused (EPERM)");
            throw Errno.EPERM.fail();
        }
    }

    @Override
    public synchronized int send(byte[] data, int offset, int length, int flags, byte[] to, List<FileDescription> rights,
                                 Credentials credentials) {
        if ((flags & MSG_OOB) != 0) throw Errno.EOPNOTSUPP.fail();
        if (to != null) {
            if (to.length < SOCKADDR_NL || NetlinkMessages.u16(to, 0) != AF_NETLINK) throw Errno.EINVAL.fail();
            refuseUserspacePeer(to);
        }
        if (length > sndbuf - 32) throw Errno.EMSGSIZE.fail();
        autobind();
        serve(Arrays.copyOfRange(data, offset, offset + length));
        return length;
    }

    /** netlink_rcv_skb: each whole message of the buffer in turn, answered as rtnetlink_rcv_msg would. */
    private void serve(byte[] b) {
        int at = 0, len;
        while ((len = whole(b, at, b.length)) >= 0) {
            int type = NetlinkMessages.type(b, at), flags = NetlinkMessages.flags(b, at);
            if ((flags & NLM_F_REQUEST) == 0 || type < NLMSG_MIN_TYPE) {
                answer(b, at, 0); // not for the kernel, or a control message: only acked
            } else if (((type - NLMSG_MIN_TYPE) & 3) == KIND_GET) {
                relay(Arrays.copyOfRange(b, at, at + len));
            } else {
                answer(b, at, refusal(type, len));
            }
            at += Math.min(align(len), b.length - at);
        }
    }

    private int refusal(int type, int len) {
        if (type > RTM_MAX) return Errno.EOPNOTSUPP.number;
        if (len - HDRLEN < 1) return 0; // no rtgenmsg: rtnetlink ignores it
        log.accept("netlink: request type " + type + " would change the host's network: refused (EPERM)");
        return Errno.EPERM.number;
    }

    /** netlink_ack: an NLMSG_ERROR for an error, or an ack when the request asked for one. */
    private void answer(byte[] b, int at, int errno) {
        if (errno != 0 || (NetlinkMessages.flags(b, at) & NLM_F_ACK) != 0) {
            received.add(new Datagram(NetlinkMessages.error(errno, b, at, port, capAck), kernelAddress()));
        }
    }

    /**
     * Sends a GET request to the host kernel and queues its answer. The host answers a single GET
     * during the send and makes a dump's next part during each receive, so the answer is all there
     * once a dump's NLMSG_DONE (or its error) is read, or, for a single GET, once nothing is left.
     */
    private void relay(byte[] request) {
        kernel.send(request);
        boolean dump = (NetlinkMessages.flags(request, 0) & NLM_F_DUMP) != 0;
        int seq = NetlinkMessages.seq(request, 0);
        List<Datagram> answer = new ArrayList<>();
        int hidden = 0, shown = 0;
        HostRouteNetlink.Datagram d;
        while ((d = kernel.receive()) != null) {
            Datagram mine = translate(d.data(), d.from());
            hidden += messages(d.data()) - (mine == null ? 0 : messages(mine.data()));
            if (mine != null) {
                shown += dataMessages(mine.data());
                answer.add(mine);
            }
            if (dump && ends(d.data(), seq)) break;
        }
        if (loopbackOnly && !dump && hidden > 0 && shown == 0) {
            // The host answered about an interface the guest cannot see: answer as a host without it.
            answer.clear();
            int errno = NetlinkMessages.type(request, 0) == RTM_GETROUTE ? Errno.ENETUNREACH.number : Errno.ENODEV.number;
            answer.add(new Datagram(NetlinkMessages.error(errno, request, 0, port, capAck), kernelAddress()));
        }
        received.addAll(answer);
    }

    private static int messages(byte[] b) {
        int n = 0;
        for (int at = 0, len; (len = whole(b, at, b.length)) >= 0; at += align(len)) n++;
        return n;
    }

    private static int dataMessages(byte[] b) {
        int n = 0;
        for (int at = 0, len; (len = whole(b, at, b.length)) >= 0; at += align(len)) {
            if (NetlinkMessages.type(b, at) >= NLMSG_MIN_TYPE) n++;
        }
        return n;
    }

    /** Whether a dump of sequence {@code seq} ends in {@code b} (NLMSG_DONE, or an error instead). */
    private static boolean ends(byte[] b, int seq) {
        for (int at = 0, len; (len = whole(b, at, b.length)) >= 0; at += align(len)) {
            int type = NetlinkMessages.type(b, at);
            if ((type == NLMSG_DONE || type == NLMSG_ERROR) && NetlinkMessages.seq(b, at) == seq) return true;
        }
        return false;
    }

    /**
     * A host datagram as the guest receives it: the host socket's port id replaced by the guest's, and
     * without the host network, only what concerns loopback (null when nothing is left).
     */
    private Datagram translate(byte[] b, byte[] from) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream(b.length);
        for (int at = 0, len; (len = whole(b, at, b.length)) >= 0; at += Math.min(align(len), b.length - at)) {
            if (NetlinkMessages.pid(b, at) == kernel.port()) NetlinkMessages.putU32(b, at + 12, port);
            if (loopbackOnly && !LoopbackView.visible(b, at, len)) continue;
            kept.write(b, at, Math.min(align(len), b.length - at));
        }
        return kept.size() == 0 ? null : new Datagram(kept.toByteArray(), from.length == SOCKADDR_NL ? from : kernelAddress());
    }

    /** Queues what the host has for us now: notifications of our groups, the rest of a dump. */
    private void pump() {
        HostRouteNetlink.Datagram d;
        while ((d = kernel.receive()) != null) {
            Datagram mine = translate(d.data(), d.from());
            if (mine != null) received.add(mine);
        }
    }

    @Override
    public synchronized Message receive(int max, int flags) {
        if ((flags & MSG_OOB) != 0) throw Errno.EOPNOTSUPP.fail();
        pump();
        Datagram d = (flags & MSG_PEEK) != 0 ? received.peek() : received.poll();
        if (d == null) throw Errno.EAGAIN.fail();
        int n = Math.min(Math.max(max, 0), d.data().length);
        return new Message(Arrays.copyOf(d.data(), n), d.data().length, d.from().clone(), List.of(), null,
                n < d.data().length ? MSG_TRUNC : 0);
    }

    @Override
    public void shutdown(int how) {
        throw Errno.EOPNOTSUPP.fail();
    }

    @Override
    public synchronized byte[] localAddress() {
        return address(bound ? port : 0, groups);
    }

    @Override
    public synchronized byte[] peerAddress() {
        return address(peerPort, peerGroups);
    }

    @Override
    public synchronized byte[] getOption(int level, int name, int length) {
        if (level == SOL_SOCKET) {
            return switch (name) {
                case SO_TYPE -> intOption(type);
                case SO_DOMAIN -> intOption(AF_NETLINK);
                case SO_PROTOCOL, SO_ERROR, SO_ACCEPTCONN -> intOption(0);
                case SO_SNDBUF -> intOption(sndbuf);
                case SO_RCVBUF -> intOption(rcvbuf);
                case SO_RCVTIMEO -> rcvTimeout.clone();
                case SO_SNDTIMEO -> sndTimeout.clone();
                default -> throw unsupportedOption(level, name);
            };
        }
        if (level != SOL_NETLINK) throw Errno.ENOPROTOOPT.fail();
        return switch (name) {
            case NETLINK_PKTINFO, NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID,
                 NETLINK_LIST_MEMBERSHIPS, NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK ->
                    kernel.getOption(level, name, length);
            default -> throw Errno.ENOPROTOOPT.fail();
        };
    }

    @Override
    public synchronized void setOption(int level, int name, byte[] value) {
        if (level == SOL_SOCKET) {
            switch (name) {
                case SO_SNDBUF -> sndbuf = Math.max(SOCK_MIN_SNDBUF, 2 * Math.min(intValue(value), DEFAULT_BUFFER));
                case SO_RCVBUF -> rcvbuf = Math.max(SOCK_MIN_RCVBUF, 2 * Math.min(intValue(value), DEFAULT_BUFFER));
                case SO_RCVTIMEO, SO_SNDTIMEO -> {
                    if (value.length < 16) throw Errno.EINVAL.fail();
                    long usec = dev.jlibos.core.mem.Longs.fromBytes(value, 8);
                    if (usec < 0 || usec >= 1_000_000) throw Errno.EDOM.fail();
                    if (name == SO_RCVTIMEO) rcvTimeout = Arrays.copyOf(value, 16);
                    else sndTimeout = Arrays.copyOf(value, 16);
                }
                default -> throw unsupportedOption(level, name);
            }
            return;
        }
        if (level != SOL_NETLINK) throw Errno.ENOPROTOOPT.fail();
        switch (name) {
            case NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP -> {
                kernel.setOption(level, name, value);
                int group = intValue(value);
                if (group >= 1 && group <= 32) {
                    int bit = 1 << (group - 1);
                    groups = name == NETLINK_ADD_MEMBERSHIP ? groups | bit : groups & ~bit;
                }
            }
            case NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK ->
                    kernel.setOption(level, name, value);
            case NETLINK_CAP_ACK -> {
                kernel.setOption(level, name, value);
                capAck = value.length >= 4 && intValue(value) != 0;
            }
            case NETLINK_LISTEN_ALL_NSID -> throw Errno.EPERM.fail(); // needs CAP_NET_BROADCAST
            case NETLINK_PKTINFO -> throw unsupportedOption(level, name); // its control messages are not relayed
            default -> throw Errno.ENOPROTOOPT.fail();
        }
    }

    private RuntimeException unsupportedOption(int level, int name) {
        log.accept("netlink: socket option " + level + "/" + name + " is not supported (ENOPROTOOPT)");
        return Errno.ENOPROTOOPT.fail();
    }

    @Override
    public synchronized int pollEvents() {
        pump();
        return (received.isEmpty() ? 0 : Poll.IN) | Poll.OUT | Poll.POLLWRBAND;
    }

    @Override
    protected synchronized void release() {
        if (bound) ports.unbind(port, this);
        received.clear();
        kernel.close();
    }
}
