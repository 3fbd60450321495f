package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.event.Poll;
import dev.jlibos.vfs.net.ControlMessages;
import dev.jlibos.vfs.net.HostSocket;
import dev.jlibos.vfs.net.NetlinkPorts;
import dev.jlibos.vfs.net.NetlinkSocket;
import dev.jlibos.vfs.net.Socket;
import dev.jlibos.vfs.net.UnixNames;
import dev.jlibos.vfs.net.UnixNamespace;
import dev.jlibos.vfs.net.UnixSocket;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static dev.jlibos.kernel.syscall.Trait.RESTARTABLE;

/**
 * The socket syscalls. AF_UNIX sockets live in the JVM ({@link UnixSocket}); AF_INET and AF_INET6 are
 * offloaded to the host's network stack ({@link HostSocket}). Every call that can wait goes through
 * {@link InterruptibleSleep}, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO. AF_NETLINK
 * sockets of NETLINK_ROUTE ({@link NetlinkSocket}) have their port ids and queues here and take their
 * answers from the host kernel's.
 *
 * <p>AF_UNIX path names ({@link UnixNames}): bind creates the socket file on the host (mknod S_IFSOCK, so
 * it shows in listings and bind on an existing path fails with EADDRINUSE), and the machine-wide
 * {@link UnixNamespace} maps the file's (device, inode) to the bound socket; connect stats the path
 * and looks the inode up, as Linux does.
 */
public final class SocketCalls implements SyscallFamily {
    private static final int MSGHDR_SIZE = 56;
    private static final int IOV_MAX = 1024, CHUNK = HostFs.CHUNK;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.SOCKET, "AF_UNIX (in the JVM), AF_INET and AF_INET6 (host sockets), AF_NETLINK with NETLINK_ROUTE (read-only,"
                + " answered by the host kernel); other families EAFNOSUPPORT",
                this::socket).coveredBy("CProgramsTest[sockets unix-path]", "CProgramsTest[netlink]");
        r.partial(Sysno.SOCKETPAIR, "AF_UNIX only, as Linux", this::socketpair)
                .coveredBy("CProgramsTest[sockets socketpair]");
        r.full(Sysno.BIND, this::bind).coveredBy("CProgramsTest[sockets unix-path]");
        r.full(Sysno.LISTEN, (t, a) -> {
            socket(t, a.i32(0)).listen(Math.min(Math.max(a.i32(1), 0), 4096));
            return 0;
        }).coveredBy("CProgramsTest[sockets unix-path]");
        r.full(Sysno.ACCEPT, (t, a) -> accept(t, a.i32(0), a.get(1), a.get(2), 0))
                .traits(RESTARTABLE)
                .coveredBy("CProgramsTest[sockets unix-path]");
        r.full(Sysno.ACCEPT4, (t, a) -> accept(t, a.i32(0), a.get(1), a.get(2), a.i32(3)))
                .traits(RESTARTABLE)
                .coveredBy("CProgramsTest[sockets tcp]");
        r.full(Sysno.CONNECT, this::connect).coveredBy("CProgramsTest[sockets unix-path]");
        r.full(Sysno.SENDTO, this::sendto).traits(RESTARTABLE).coveredBy("CProgramsTest[sockets socketpair]");
        r.full(Sysno.RECVFROM, this::recvfrom).traits(RESTARTABLE).coveredBy("CProgramsTest[sockets socketpair]");
        r.partial(Sysno.SENDMSG, "control messages: SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX; host sockets' (IP_TOS,"
                        + " IPV6_HOPLIMIT...) go to the host; none on netlink",
                this::sendmsg).traits(RESTARTABLE).coveredBy("CProgramsTest[sockets scm-rights]", "CProgramsTest[ancillary cmsg]");
        r.partial(Sysno.RECVMSG, "control messages: SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX; host sockets' as the host"
                        + " gives them, cut to the guest's buffer as Linux does; none from netlink",
                this::recvmsg).traits(RESTARTABLE).coveredBy("CProgramsTest[sockets scm-rights]", "CProgramsTest[ancillary cmsg]");
        r.full(Sysno.SHUTDOWN, (t, a) -> {
            socket(t, a.i32(0)).shutdown(a.i32(1));
            return 0;
        }).coveredBy("CProgramsTest[sockets socketpair]");
        r.full(Sysno.GETSOCKNAME, (t, a) -> {
            writeAddress(t, a.get(1), a.get(2), socket(t, a.i32(0)).localAddress());
            return 0;
        }).coveredBy("CProgramsTest[sockets socketpair]");
        r.full(Sysno.GETPEERNAME, (t, a) -> {
            writeAddress(t, a.get(1), a.get(2), socket(t, a.i32(0)).peerAddress());
            return 0;
        }).coveredBy("CProgramsTest[sockets tcp]");
        r.partial(Sysno.GETSOCKOPT, "AF_UNIX: the SOL_SOCKET options; host sockets: all, from the host;"
                + " netlink: buffer sizes, timeouts and the SOL_NETLINK options", this::getsockopt)
                .coveredBy("CProgramsTest[sockets socketpair]");
        r.partial(Sysno.SETSOCKOPT, "AF_UNIX: the SOL_SOCKET options; host sockets: all, on the host;"
                + " netlink: buffer sizes, timeouts and the SOL_NETLINK options but NETLINK_PKTINFO", this::setsockopt)
                .coveredBy("CProgramsTest[sockets tcp]");
    }

    static UnixNamespace namespace(GuestThread t) {
        return t.kernel().machineState(UnixNamespace.class, UnixNamespace::new);
    }

    private static Socket socket(GuestThread t, int fd) {
        if (t.process.files.get(fd) instanceof Socket s) return s;
        throw Errno.ENOTSOCK.fail();
    }

    private static Socket.Credentials credentials(GuestThread t) {
        return new Socket.Credentials(t.process.pid, t.process.credentials.euid, t.process.credentials.egid);
    }

    private long socket(GuestThread t, SyscallArgs a) {
        int domain = a.i32(0), type = a.i32(1), protocol = a.i32(2);
        int flags = type & (Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC);
        type &= ~flags;
        if ((type & ~0xf) != 0) throw Errno.EINVAL.fail();
        Socket s = switch (domain) {
            case Socket.AF_UNIX -> {
                if (protocol != 0 && protocol != Socket.AF_UNIX) throw Errno.EPROTONOSUPPORT.fail();
                yield new UnixSocket(type, namespace(t), credentials(t), flags & Socket.SOCK_NONBLOCK);
            }
            case Socket.AF_INET, Socket.AF_INET6 -> {
                if (!t.kernel().hostNetwork()) {
                    t.kernel().log().once("socket: the host network is off in this sandbox (EACCES); allow it with --net=host");
                    throw Errno.EACCES.fail();
                }
                yield HostSocket.open(t.process.fs().host, domain, type, protocol, flags & Socket.SOCK_NONBLOCK);
            }
            case NetlinkSocket.AF_NETLINK -> netlink(t, type, protocol, flags);
            default -> {
                t.kernel().log().once("socket: address family " + domain + " is not supported (EAFNOSUPPORT)");
                throw Errno.EAFNOSUPPORT.fail();
            }
        };
        return install(t, s, flags);
    }

    /**
     * AF_NETLINK: NETLINK_ROUTE only, answered from the host's interfaces (all of them with the host
     * network, loopback alone without it); other protocols as on a kernel built without them.
     */
    private static Socket netlink(GuestThread t, int type, int protocol, int flags) {
        if (type != Socket.SOCK_RAW && type != Socket.SOCK_DGRAM) throw Errno.ESOCKTNOSUPPORT.fail();
        if (protocol < 0 || protocol >= NetlinkSocket.MAX_LINKS) throw Errno.EPROTONOSUPPORT.fail();
        if (protocol != NetlinkSocket.NETLINK_ROUTE) {
            t.kernel().log().once("socket: netlink protocol " + protocol + " is not served (EPROTONOSUPPORT)");
            throw Errno.EPROTONOSUPPORT.fail();
        }
        NetlinkPorts ports = t.kernel().machineState(NetlinkPorts.class, NetlinkPorts::new);
        return new NetlinkSocket(t.process.fs().host, ports, t.process.pid, type, !t.kernel().hostNetwork(),
                flags & Socket.SOCK_NONBLOCK, t.kernel().log()::once);
    }

    private static int install(GuestThread t, FileDescription f, int flags) {
        try {
            return t.process.files.install(f, (flags & Socket.SOCK_CLOEXEC) != 0);
        } catch (LinuxException e) {
            f.retain();
            f.unretain(); // nobody refers to it: release it now
            throw e;
        }
    }

    private long socketpair(GuestThread t, SyscallArgs a) {
        int domain = a.i32(0), type = a.i32(1), protocol = a.i32(2);
        int flags = type & (Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC);
        type &= ~flags;
        if (domain == Socket.AF_INET || domain == Socket.AF_INET6) throw Errno.EOPNOTSUPP.fail();
        if (domain != Socket.AF_UNIX) throw Errno.EAFNOSUPPORT.fail();
        if (protocol != 0 && protocol != Socket.AF_UNIX) throw Errno.EPROTONOSUPPORT.fail();
        t.process.memory().requireAccess(a.get(3), 8, true);
        UnixSocket[] pair = UnixSocket.pair(type, namespace(t), credentials(t), flags & Socket.SOCK_NONBLOCK);
        int first = install(t, pair[0], flags);
        int second;
        try {
            second = install(t, pair[1], flags);
        } catch (LinuxException e) {
            t.process.files.close(first);
            throw e;
        }
        t.process.memory().writeInt(a.get(3), first);
        t.process.memory().writeInt(a.get(3) + 4, second);
        return 0;
    }

    /** Reads a sockaddr argument of {@code length} bytes. */
    private static byte[] readAddress(GuestThread t, long address, int length) {
        if (length < 0 || length > 128) throw Errno.EINVAL.fail();
        return t.process.memory().read(address, length);
    }

    /** Writes an address back with the value-result length convention (truncated, full length reported). */
    private static void writeAddress(GuestThread t, long address, long lengthAddress, byte[] value) {
        if (address == 0) return;
        AddressSpace m = t.process.memory();
        int room = m.readInt(lengthAddress);
        if (room < 0) throw Errno.EINVAL.fail();
        m.write(address, value, 0, Math.min(room, value.length));
        m.writeInt(lengthAddress, value.length);
    }

    /** An AF_UNIX name: the abstract name or path, and the address getsockname will show. */
    private long bind(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        byte[] raw = readAddress(t, a.get(1), a.i32(2));
        if (s instanceof UnixSocket u) UnixNames.bind(t, namespace(t), u, raw);
        else s.bind(raw);
        return 0;
    }

    private long connect(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        byte[] raw = readAddress(t, a.get(1), a.i32(2));
        if (s instanceof UnixSocket u) {
            u.connect(UnixNames.resolve(t, namespace(t), raw));
            return 0;
        }
        try {
            s.connect(raw);
            return 0;
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINPROGRESS || s.nonBlocking()) throw e;
        }
        // A blocking connect waits for the handshake; a signal leaves it going on (EINTR), as on Linux.
        long timeout = s.timeout(true);
        if (!InterruptibleSleep.awaitReady(t, s, Poll.OUT, InterruptibleSleep.deadline(timeout))) throw Errno.EINPROGRESS.fail();
        s.finishConnect();
        return 0;
    }

    private long accept(GuestThread t, int fd, long address, long lengthAddress, int flags) {
        if ((flags & ~(Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC)) != 0) throw Errno.EINVAL.fail();
        Socket s = socket(t, fd);
        Socket accepted = InterruptibleSleep.retrying(t, s, Poll.IN, s.timeout(false), s.nonBlocking(), () -> s.accept(flags));
        int newFd = install(t, accepted, flags);
        if (address != 0) {
            try {
                writeAddress(t, address, lengthAddress, accepted.peerAddress());
            } catch (LinuxException e) {
                t.process.files.close(newFd);
                throw e;
            }
        }
        return newFd;
    }

    // ---- sending ----

    private long sendto(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        int length = (int) Math.min(a.get(2), CHUNK);
        if (a.get(2) < 0) throw Errno.EINVAL.fail();
        byte[] data = t.process.memory().read(a.get(1), length);
        byte[] to = a.get(4) != 0 ? readAddress(t, a.get(4), a.i32(5)) : null;
        return send(t, s, data, a.i32(3), to, List.of(), null);
    }

    private long sendmsg(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        AddressSpace m = t.process.memory();
        byte[] hdr = m.read(a.get(1), MSGHDR_SIZE);
        long name = Longs.fromBytes(hdr, 0), iov = Longs.fromBytes(hdr, 16), control = Longs.fromBytes(hdr, 32);
        int nameLength = (int) Longs.fromBytes(hdr, 8, 4);
        long iovLength = Longs.fromBytes(hdr, 24), controlLength = Longs.fromBytes(hdr, 40);
        byte[] to = name != 0 && nameLength > 0 ? readAddress(t, name, nameLength) : null;
        byte[] data = gather(m, iov, iovLength);
        List<FileDescription> rights = List.of();
        byte[] hostControl = null;
        if (control != 0 && controlLength > 0) {
            if (controlLength > 65536) throw Errno.ENOBUFS.fail();
            if (s instanceof dev.jlibos.vfs.net.HostSocket) {
                hostControl = m.read(control, (int) controlLength); // IP_TOS, IP_TTL, IPV6_HOPLIMIT...: the host checks them
            } else if (s instanceof UnixSocket) {
                rights = ControlMessages.rights(m.read(control, (int) controlLength), t.process.files);
            } else {
                throw Errno.EINVAL.fail();
            }
        }
        return send(t, s, data, a.i32(2), to, rights, hostControl);
    }

    private static byte[] gather(AddressSpace m, long iov, long count) {
        if (count < 0 || count > IOV_MAX) throw Errno.EMSGSIZE.fail();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            long base = m.readLong(iov + 16L * i), len = m.readLong(iov + 16L * i + 8);
            if (len < 0) throw Errno.EINVAL.fail();
            int n = (int) Math.min(len, CHUNK - out.size());
            if (n > 0) out.writeBytes(m.read(base, n));
        }
        return out.toByteArray();
    }

    /**
     * Sends {@code data}: a blocking stream send goes on until all is sent (or a signal or error stops
     * it after progress); EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
     */
    private long send(GuestThread t, Socket s, byte[] data, int flags, byte[] to, List<FileDescription> rights,
                      byte[] hostControl) {
        boolean nonBlocking = s.nonBlocking() || (flags & Socket.MSG_DONTWAIT) != 0;
        UnixSocket target = s instanceof UnixSocket && to != null && s.type() == Socket.SOCK_DGRAM ? UnixNames.resolve(t, namespace(t), to) : null;
        Socket.Credentials creds = credentials(t);
        long timeout = s.timeout(true);
        int done = 0;
        try {
            do {
                int from = done;
                List<FileDescription> passed = from == 0 ? rights : List.of();
                byte[] controlNow = from == 0 ? hostControl : null; // ancillary data goes with the first piece
                done += InterruptibleSleep.retrying(t, s, Poll.OUT, timeout, nonBlocking, () -> target != null
                        ? ((UnixSocket) s).sendTo(target, data, from, data.length - from, passed, creds)
                        : controlNow != null
                        ? ((dev.jlibos.vfs.net.HostSocket) s).sendWithControl(data, from, data.length - from,
                                flags & ~Socket.MSG_DONTWAIT, to, controlNow)
                        : s.send(data, from, data.length - from, flags & ~Socket.MSG_DONTWAIT, to, passed, creds));
            } while (done < data.length && s.type() == Socket.SOCK_STREAM && !nonBlocking);
        } catch (LinuxException e) {
            if (done > 0) return done;
            if (e.errno() == Errno.EPIPE && (flags & Socket.MSG_NOSIGNAL) == 0) {
                t.signals.post(SigInfo.fromProcess(Signal.SIGPIPE, SigInfo.SI_USER, t.process.pid,
                        t.process.credentials.ruid));
            }
            throw e;
        }
        return done;
    }

    // ---- receiving ----

    /** Receives one message (or, with MSG_WAITALL on a stream, until {@code max} bytes or end of stream). */
    private Socket.Message receive(GuestThread t, Socket s, int max, int flags) {
        boolean nonBlocking = s.nonBlocking() || (flags & Socket.MSG_DONTWAIT) != 0;
        long timeout = s.timeout(false);
        int f = flags & ~(Socket.MSG_DONTWAIT | Socket.MSG_WAITALL);
        Socket.Message m = InterruptibleSleep.retrying(t, s, Poll.IN, timeout, nonBlocking, () -> s.receive(max, f));
        if ((flags & Socket.MSG_WAITALL) == 0 || s.type() != Socket.SOCK_STREAM || (flags & Socket.MSG_PEEK) != 0) {
            return m;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(m.data());
        while (all.size() < max && m.data().length > 0 && m.rights().isEmpty()) {
            int want = max - all.size();
            try {
                m = InterruptibleSleep.retrying(t, s, Poll.IN, timeout, nonBlocking, () -> s.receive(want, f));
            } catch (LinuxException e) {
                break;
            }
            all.writeBytes(m.data());
        }
        byte[] data = all.toByteArray();
        return new Socket.Message(data, data.length, m.from(), m.rights(), m.credentials(), m.flags(), m.hostControl());
    }

    private long recvfrom(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        int max = (int) Math.min(Math.max(a.get(2), 0), CHUNK);
        t.process.memory().requireAccess(a.get(1), max, true);
        Socket.Message m = receive(t, s, max, a.i32(3));
        dropRights(m.rights());
        t.process.memory().write(a.get(1), m.data());
        if (a.get(4) != 0 && m.from() != null) writeAddress(t, a.get(4), a.get(5), m.from());
        else if (a.get(4) != 0) t.process.memory().writeInt(a.get(5), 0);
        return (a.i32(3) & Socket.MSG_TRUNC) != 0 ? m.length() : m.data().length;
    }

    private static void dropRights(List<FileDescription> rights) {
        for (FileDescription f : rights) f.unretain();
    }

    private long recvmsg(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        int flags = a.i32(2);
        AddressSpace m = t.process.memory();
        long msg = a.get(1);
        byte[] hdr = m.read(msg, MSGHDR_SIZE);
        long name = Longs.fromBytes(hdr, 0), iov = Longs.fromBytes(hdr, 16), control = Longs.fromBytes(hdr, 32);
        long iovCount = Longs.fromBytes(hdr, 24), controlLength = Longs.fromBytes(hdr, 40);
        if (iovCount < 0 || iovCount > IOV_MAX) throw Errno.EMSGSIZE.fail();
        long[] bases = new long[(int) iovCount], lengths = new long[(int) iovCount];
        long total = 0;
        for (int i = 0; i < iovCount; i++) {
            bases[i] = m.readLong(iov + 16L * i);
            lengths[i] = m.readLong(iov + 16L * i + 8);
            if (lengths[i] < 0) throw Errno.EINVAL.fail();
            total += lengths[i];
        }
        Socket.Message got = receive(t, s, (int) Math.min(total, CHUNK), flags);
        try {
            return deliver(t, s, got, flags, msg, hdr, bases, lengths, control, controlLength);
        } finally {
            // The received files' queue references: installed ones hold their own now, and the rest (a
            // short control buffer, or a fault writing the message out) close as on Linux.
            dropRights(got.rights());
        }
    }

    /** Writes a received message out into recvmsg's msghdr, its iovecs and its control buffer. */
    private static long deliver(GuestThread t, Socket s, Socket.Message got, int flags, long msg, byte[] hdr,
                                long[] bases, long[] lengths, long control, long controlLength) {
        AddressSpace m = t.process.memory();
        long name = Longs.fromBytes(hdr, 0);
        int done = 0;
        for (int i = 0; i < bases.length && done < got.data().length; i++) {
            int n = (int) Math.min(lengths[i], got.data().length - done);
            m.write(bases[i], got.data(), done, n);
            done += n;
        }
        int msgFlags = got.flags() | (flags & Socket.MSG_CMSG_CLOEXEC);
        if (name != 0) {
            byte[] from = got.from() != null ? got.from() : new byte[0];
            int room = (int) Longs.fromBytes(hdr, 8, 4);
            m.write(name, from, 0, Math.min(Math.max(room, 0), from.length));
            m.writeInt(msg + 8, from.length);
        }
        ControlMessages.Encoded cmsgs = got.hostControl() != null
                ? ControlMessages.fromHost(got.hostControl(), control == 0, controlLength)
                : ControlMessages.encode(got, s instanceof UnixSocket u && u.passCredentials(),
                        control == 0, controlLength, (flags & Socket.MSG_CMSG_CLOEXEC) != 0, t.process.files);
        if (cmsgs.truncated()) msgFlags |= Socket.MSG_CTRUNC;
        byte[] c = cmsgs.bytes();
        int written = (int) Math.min(c.length, controlLength);
        if (control != 0 && written > 0) m.write(control, c, 0, written);
        m.writeLong(msg + 40, written);
        m.writeInt(msg + 48, msgFlags);
        return (flags & Socket.MSG_TRUNC) != 0 ? got.length() : got.data().length;
    }

    // ---- options ----

    private long getsockopt(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        AddressSpace m = t.process.memory();
        long valueAddress = a.get(3), lengthAddress = a.get(4);
        int length = m.readInt(lengthAddress);
        if (length < 0) throw Errno.EINVAL.fail();
        byte[] value = s.getOption(a.i32(1), a.i32(2), length);
        int n = Math.min(length, value.length);
        m.write(valueAddress, value, 0, n);
        m.writeInt(lengthAddress, n);
        return 0;
    }

    private long setsockopt(GuestThread t, SyscallArgs a) {
        Socket s = socket(t, a.i32(0));
        int length = a.i32(4);
        if (length < 0) throw Errno.EINVAL.fail();
        byte[] value = t.process.memory().read(a.get(3), Math.min(length, 4096));
        s.setOption(a.i32(1), a.i32(2), value);
        return 0;
    }
}
