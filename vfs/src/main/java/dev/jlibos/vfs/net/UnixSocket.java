package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.event.Poll;
import dev.jlibos.vfs.event.WaitQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * An AF_UNIX socket living in the JVM (stream, datagram or seqpacket), following net/unix/af_unix.c:
 * a connected pair shares nothing but pointers to each other; each side's receive queue holds
 * segments that carry bytes and any passed files (a stream read never merges across a segment that
 * carries files). Shutdown is symmetric as in unix_shutdown: SHUT_WR here is SHUT_RD on the peer.
 *
 * <p>All AF_UNIX state is guarded by one lock: operations touch two sockets (sender and receiver)
 * and the contention of a single lock is irrelevant next to the emulation cost.
 */
public final class UnixSocket extends Socket {
    private static final Object LOCK = new Object();
    private static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
    /** Linux's default net.core.wmem_default/rmem_default, and net.unix.max_dgram_qlen. */
    private static final int DEFAULT_BUFFER = 212992, MAX_DGRAM_QUEUE = 512;
    private static final int SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;

    private enum State { UNCONNECTED, LISTENING, CONNECTED }

    /** Bytes (from {@code pos} on) with the files and credentials sent along. */
    private static final class Segment {
        final byte[] data;
        int pos;
        final List<FileDescription> rights;
        final Credentials credentials;
        final byte[] from;

        Segment(byte[] data, List<FileDescription> rights, Credentials credentials, byte[] from) {
            this.data = data;
            this.rights = rights;
            this.credentials = credentials;
            this.from = from;
        }
    }

    private final int type;
    private final UnixNamespace namespace;
    private final Credentials owner;
    private final WaitQueue queue = new WaitQueue();
    private State state = State.UNCONNECTED;
    private UnixSocket peer;
    private Object boundKey;
    private byte[] boundAddress;
    private int shutdown;
    private boolean closed;
    private final ArrayDeque<Segment> received = new ArrayDeque<>();
    private int receivedBytes;
    private final ArrayDeque<UnixSocket> pending = new ArrayDeque<>();
    private int backlog;
    private int sndbuf = DEFAULT_BUFFER, rcvbuf = DEFAULT_BUFFER;
    private boolean passCredentials, reuseAddress, keepAlive;
    private byte[] rcvTimeout = new byte[16], sndTimeout = new byte[16];
    /** How many queued messages (on any socket) carry this socket as a passed file. */
    private int inflight;

    public UnixSocket(int type, UnixNamespace namespace, Credentials owner, int statusFlags) {
        super(statusFlags);
        if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) throw Errno.ESOCKTNOSUPPORT.fail();
        this.type = type;
        this.namespace = namespace;
        this.owner = owner;
    }

    /** socketpair(AF_UNIX): two sockets connected to each other. */
    public static UnixSocket[] pair(int type, UnixNamespace namespace, Credentials owner, int statusFlags) {
        UnixSocket a = new UnixSocket(type, namespace, owner, statusFlags), b = new UnixSocket(type, namespace, owner, statusFlags);
        a.peer = b;
        b.peer = a;
        a.state = b.state = State.CONNECTED;
        return new UnixSocket[] {a, b};
    }

    @Override
    public int domain() {
        return AF_UNIX;
    }

    @Override
    public int type() {
        return type;
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    private boolean connectionOriented() {
        return type != SOCK_DGRAM;
    }

    @Override
    public void bind(byte[] address) {
        throw new UnsupportedOperationException("AF_UNIX names are resolved by the syscall layer: use bind(key, address)");
    }

    /** Binds to a resolved name; {@code address} is what getsockname reports. */
    public void bind(Object key, byte[] address) {
        synchronized (LOCK) {
            if (boundKey != null) throw Errno.EINVAL.fail();
            namespace.bind(key, this);
            boundKey = key;
            boundAddress = address;
        }
    }

    public boolean bound() {
        synchronized (LOCK) {
            return boundKey != null;
        }
    }

    @Override
    public void listen(int backlog) {
        synchronized (LOCK) {
            if (!connectionOriented()) throw Errno.EOPNOTSUPP.fail();
            if (state == State.CONNECTED) throw Errno.EINVAL.fail();
            if (boundKey == null) throw Errno.EINVAL.fail();
            state = State.LISTENING;
            this.backlog = backlog;
        }
        queue.wakeAll();
    }

    @Override
    public Socket accept(int flags) {
        UnixSocket s;
        synchronized (LOCK) {
            if (state != State.LISTENING) throw Errno.EINVAL.fail();
            s = pending.poll();
            if (s == null) throw Errno.EAGAIN.fail();
        }
        s.statusFlags = O_RDWR | (flags & O_NONBLOCK);
        return s;
    }

    @Override
    public void connect(byte[] address) {
        throw new UnsupportedOperationException("use connect(UnixSocket)");
    }

    /** Connects to {@code target}: a listener (stream, seqpacket) or a datagram socket (default destination). */
    public void connect(UnixSocket target) {
        UnixSocket server;
        synchronized (LOCK) {
            if (target.type != type) throw Errno.EPROTOTYPE.fail();
            if (!connectionOriented()) {
                if (target.closed) throw Errno.ECONNREFUSED.fail();
                peer = target;
                state = State.CONNECTED;
                return;
            }
            if (state == State.CONNECTED) throw Errno.EISCONN.fail();
            if (state == State.LISTENING) throw Errno.EINVAL.fail();
            if (target.state != State.LISTENING || target.closed) throw Errno.ECONNREFUSED.fail();
            server = new UnixSocket(type, namespace, target.owner, 0);
            server.boundAddress = target.boundAddress;
            server.peer = this;
            server.state = State.CONNECTED;
            server.sndbuf = target.sndbuf;
            server.rcvbuf = target.rcvbuf;
            peer = server;
            state = State.CONNECTED;
            target.pending.add(server);
        }
        target.queue.wakeAll();
        queue.wakeAll();
    }

    @Override
    public int send(byte[] data, int offset, int length, int flags, byte[] to, List<FileDescription> rights,
                    Credentials credentials) {
        if (to != null) {
            synchronized (LOCK) {
                if (connectionOriented()) throw (state == State.CONNECTED ? Errno.EISCONN : Errno.EOPNOTSUPP).fail();
            }
            throw new UnsupportedOperationException("use sendTo(UnixSocket, ...)");
        }
        UnixSocket target;
        synchronized (LOCK) {
            target = peer;
            if (target == null) throw (connectionOriented() ? Errno.ENOTCONN : Errno.ENOTCONN).fail();
        }
        return sendTo(target, data, offset, length, rights, credentials);
    }

    /** Queues bytes on {@code target}'s receive queue (the peer, or a datagram's destination). */
    public int sendTo(UnixSocket target, byte[] data, int offset, int length, List<FileDescription> rights,
                      Credentials credentials) {
        int n;
        synchronized (LOCK) {
            if ((shutdown & SEND_SHUTDOWN) != 0) throw Errno.EPIPE.fail();
            if (connectionOriented()) {
                if (state != State.CONNECTED) throw Errno.ENOTCONN.fail();
                if ((target.shutdown & RCV_SHUTDOWN) != 0 || target.closed) throw Errno.EPIPE.fail();
                int space = sndbuf - target.receivedBytes;
                if (type == SOCK_SEQPACKET) {
                    if (length > sndbuf) throw Errno.EMSGSIZE.fail();
                    if (space < length) throw Errno.EAGAIN.fail();
                    n = length;
                } else {
                    if (space <= 0 && length > 0) throw Errno.EAGAIN.fail();
                    n = Math.min(length, Math.max(space, 0));
                    if (length == 0 && rights.isEmpty()) return 0;
                }
            } else {
                if (target.closed) throw Errno.ECONNREFUSED.fail();
                if (target.peer != null && target.peer != this) throw Errno.EPERM.fail();
                if (length > sndbuf) throw Errno.EMSGSIZE.fail();
                if (target.received.size() >= MAX_DGRAM_QUEUE || target.receivedBytes + length > target.rcvbuf) {
                    throw Errno.EAGAIN.fail();
                }
                n = length;
            }
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + n);
            for (FileDescription f : rights) f.retain();
            enqueued(rights);
            target.received.add(new Segment(copy, List.copyOf(rights), credentials, boundAddress));
            target.receivedBytes += n;
        }
        target.queue.wakeAll();
        return n;
    }

    @Override
    public Message receive(int max, int flags) {
        boolean peek = (flags & MSG_PEEK) != 0;
        Message m;
        UnixSocket writer;
        synchronized (LOCK) {
            if (state == State.LISTENING) throw Errno.EINVAL.fail();
            if (type == SOCK_STREAM && state != State.CONNECTED) throw Errno.EINVAL.fail();
            if (received.isEmpty()) {
                if ((shutdown & RCV_SHUTDOWN) != 0 || (type == SOCK_SEQPACKET && state != State.CONNECTED)) {
                    return new Message(new byte[0], 0, null, List.of(), null, 0);
                }
                throw Errno.EAGAIN.fail();
            }
            writer = peer;
            if (type == SOCK_STREAM) {
                m = receiveStream(max, peek);
            } else {
                Segment s = peek ? received.peek() : received.poll();
                if (!peek) receivedBytes -= s.data.length;
                int n = Math.min(max, s.data.length);
                int truncated = n < s.data.length ? MSG_TRUNC : 0;
                m = new Message(java.util.Arrays.copyOf(s.data, n), s.data.length, s.from, claim(s.rights, peek),
                        s.credentials, truncated);
            }
        }
        if (!peek) {
            if (writer != null) writer.queue.wakeAll();
            queue.wakeAll();
        }
        return m;
    }

    /** A peeked message's files stay queued; the receiver gets references of its own. */
    private static List<FileDescription> claim(List<FileDescription> rights, boolean peek) {
        if (peek) for (FileDescription f : rights) f.retain();
        else dequeued(rights);
        return rights;
    }

    /** Counts the sockets among passed files now on a queue (LOCK held). */
    private static void enqueued(List<FileDescription> rights) {
        for (FileDescription f : rights) {
            if (f instanceof UnixSocket u && u.inflight++ == 0) u.namespace.inFlight.add(u);
        }
    }

    /** The passed files left a queue: received, or dropped with it (LOCK held). */
    private static void dequeued(List<FileDescription> rights) {
        for (FileDescription f : rights) {
            if (f instanceof UnixSocket u && --u.inflight == 0) u.namespace.inFlight.remove(u);
        }
    }

    /**
     * An fd to this socket was closed and others remain: if sockets are in flight, some may now be
     * reachable only through queues of sockets that are themselves only in flight (a socket passed over
     * itself, or two passed over each other), which no close can ever release. Linux's unix_gc finds
     * those cycles and purges their queues; so does this, as the same kind of trigger.
     */
    @Override
    protected void referenceDropped() {
        List<FileDescription> dropped;
        synchronized (LOCK) {
            if (namespace.inFlight.isEmpty()) return;
            dropped = collectUnreachable(namespace);
        }
        for (FileDescription f : dropped) f.unretain();
    }

    /**
     * Mark and sweep over the in-flight sockets (LOCK held): a candidate is one whose every reference is in
     * flight; those referenced from outside the candidates' queues, and everything their queues carry, are
     * reachable; the rest are garbage and their queues are emptied. Returns the files to unretain.
     */
    private static List<FileDescription> collectUnreachable(UnixNamespace namespace) {
        java.util.Map<UnixSocket, Integer> outside = new java.util.HashMap<>();
        for (UnixSocket u : namespace.inFlight) if (u.referenceCount() == u.inflight) outside.put(u, u.referenceCount());
        if (outside.isEmpty()) return List.of();
        for (UnixSocket u : outside.keySet()) {
            for (Segment s : u.received) {
                for (FileDescription f : s.rights) if (f instanceof UnixSocket v) outside.computeIfPresent(v, (k, n) -> n - 1);
            }
        }
        ArrayDeque<UnixSocket> live = new ArrayDeque<>();
        for (var e : outside.entrySet()) if (e.getValue() > 0) live.add(e.getKey());
        java.util.Set<UnixSocket> reachable = new java.util.HashSet<>(live);
        while (!live.isEmpty()) {
            for (Segment s : live.poll().received) {
                for (FileDescription f : s.rights) {
                    if (f instanceof UnixSocket v && outside.containsKey(v) && reachable.add(v)) live.add(v);
                }
            }
        }
        List<FileDescription> dropped = new ArrayList<>();
        for (UnixSocket garbage : outside.keySet()) {
            if (reachable.contains(garbage)) continue;
            for (Segment s : garbage.received) {
                dequeued(s.rights);
                dropped.addAll(s.rights);
            }
            garbage.received.clear();
            garbage.receivedBytes = 0;
        }
        return dropped;
    }

    private Message receiveStream(int max, boolean peek) {
        var out = new java.io.ByteArrayOutputStream();
        List<FileDescription> rights = List.of();
        Credentials credentials = null;
        var it = received.iterator();
        boolean first = true;
        while (it.hasNext() && out.size() < max) {
            Segment s = it.next();
            // Files travel with the segment they were sent with: a read stops before the next such one.
            if (!first && !s.rights.isEmpty()) break;
            if (first) {
                credentials = s.credentials;
                if (s.pos == 0 && !s.rights.isEmpty()) rights = claim(s.rights, peek);
            }
            first = false;
            int n = Math.min(max - out.size(), s.data.length - s.pos);
            out.write(s.data, s.pos, n);
            if (!peek) {
                s.pos += n;
                receivedBytes -= n;
                if (s.pos == s.data.length) it.remove();
                else if (!s.rights.isEmpty()) {
                    // The files went out with the first bytes: the rest of the segment carries none.
                    Segment rest = new Segment(java.util.Arrays.copyOfRange(s.data, s.pos, s.data.length), List.of(),
                            s.credentials, s.from);
                    received.removeFirst();
                    received.addFirst(rest);
                    break;
                }
            }
        }
        byte[] data = out.toByteArray();
        return new Message(data, data.length, peer != null ? peer.boundAddress : null, rights, credentials, 0);
    }

    @Override
    public void shutdown(int how) {
        if (how < SHUT_RD || how > SHUT_RDWR) throw Errno.EINVAL.fail();
        UnixSocket other;
        synchronized (LOCK) {
            if (state != State.CONNECTED) throw Errno.ENOTCONN.fail();
            int mode = how + 1;
            shutdown |= mode;
            other = connectionOriented() ? peer : null;
            if (other != null) {
                other.shutdown |= ((mode & RCV_SHUTDOWN) != 0 ? SEND_SHUTDOWN : 0) | ((mode & SEND_SHUTDOWN) != 0 ? RCV_SHUTDOWN : 0);
            }
        }
        queue.wakeAll();
        if (other != null) other.queue.wakeAll();
    }

    @Override
    public int pollEvents() {
        synchronized (LOCK) {
            if (state == State.LISTENING) return pending.isEmpty() ? 0 : Poll.IN;
            int mask = 0;
            if (shutdown == SHUTDOWN_MASK) mask |= Poll.POLLHUP;
            if ((shutdown & RCV_SHUTDOWN) != 0) mask |= Poll.POLLRDHUP | Poll.IN;
            if (!received.isEmpty()) mask |= Poll.IN;
            if (connectionOriented() && state == State.UNCONNECTED) mask |= Poll.POLLHUP;
            boolean writable = peer == null || peer.closed || !connectionOriented()
                    ? peer == null || peer.received.size() < MAX_DGRAM_QUEUE
                    : peer.receivedBytes < sndbuf;
            if (writable) mask |= Poll.OUT | Poll.POLLWRBAND;
            return mask;
        }
    }

    @Override
    public int available() {
        synchronized (LOCK) {
            if (state == State.LISTENING) throw Errno.EINVAL.fail();
            if (type != SOCK_STREAM) return received.isEmpty() ? 0 : received.peek().data.length;
            return receivedBytes;
        }
    }

    /**
     * SIOCOUTQ: what this socket sent that its peer has not read yet (Linux counts the send buffer's
     * allocated bytes, which for a connected AF_UNIX socket are the peer's unread data from it).
     */
    @Override
    public int outputQueued() {
        synchronized (LOCK) {
            if (state == State.LISTENING) throw Errno.EINVAL.fail();
            if (peer == null || !connectionOriented()) return 0;
            if (type != SOCK_STREAM) {
                int n = 0;
                for (var s : peer.received) n += s.data.length;
                return n;
            }
            return peer.receivedBytes;
        }
    }

    @Override
    public byte[] localAddress() {
        synchronized (LOCK) {
            return boundAddress != null ? boundAddress : new byte[] {AF_UNIX, 0};
        }
    }

    @Override
    public byte[] peerAddress() {
        synchronized (LOCK) {
            if (peer == null || state != State.CONNECTED) throw Errno.ENOTCONN.fail();
            return peer.boundAddress != null ? peer.boundAddress : new byte[] {AF_UNIX, 0};
        }
    }

    /** SO_PEERCRED: the peer's creator (the listener's for a connecting socket). */
    private Credentials peerCredentials() {
        return peer != null && connectionOriented() ? peer.owner : new Credentials(0, -1, -1);
    }

    @Override
    public byte[] getOption(int level, int name, int length) {
        if (level != SOL_SOCKET) throw Errno.EOPNOTSUPP.fail();
        synchronized (LOCK) {
            return switch (name) {
                case SO_TYPE -> intOption(type);
                case SO_DOMAIN -> intOption(AF_UNIX);
                case SO_PROTOCOL, SO_ERROR -> intOption(0);
                case SO_ACCEPTCONN -> intOption(state == State.LISTENING ? 1 : 0);
                case SO_SNDBUF -> intOption(sndbuf);
                case SO_RCVBUF -> intOption(rcvbuf);
                case SO_PASSCRED -> intOption(passCredentials ? 1 : 0);
                case SO_REUSEADDR -> intOption(reuseAddress ? 1 : 0);
                case SO_KEEPALIVE -> intOption(keepAlive ? 1 : 0);
                case SO_RCVTIMEO -> rcvTimeout.clone();
                case SO_SNDTIMEO -> sndTimeout.clone();
                case SO_LINGER -> new byte[8];
                case SO_PEERCRED -> {
                    Credentials c = peerCredentials();
                    byte[] b = new byte[12];
                    dev.jlibos.core.mem.Longs.put(b, 0, c.pid(), 4);
                    dev.jlibos.core.mem.Longs.put(b, 4, c.uid(), 4);
                    dev.jlibos.core.mem.Longs.put(b, 8, c.gid(), 4);
                    yield b;
                }
                default -> throw Errno.ENOPROTOOPT.fail();
            };
        }
    }

    @Override
    public void setOption(int level, int name, byte[] value) {
        if (level != SOL_SOCKET) throw Errno.EOPNOTSUPP.fail();
        synchronized (LOCK) {
            switch (name) {
                case SO_SNDBUF -> sndbuf = Math.max(SOCK_MIN_SNDBUF, 2 * Math.min(intValue(value), DEFAULT_BUFFER));
                case SO_RCVBUF -> rcvbuf = Math.max(SOCK_MIN_RCVBUF, 2 * Math.min(intValue(value), DEFAULT_BUFFER));
                case SO_PASSCRED -> passCredentials = intValue(value) != 0;
                case SO_REUSEADDR -> reuseAddress = intValue(value) != 0;
                case SO_KEEPALIVE -> keepAlive = intValue(value) != 0;
                case SO_RCVTIMEO, SO_SNDTIMEO -> {
                    if (value.length < 16) throw Errno.EINVAL.fail();
                    long usec = dev.jlibos.core.mem.Longs.fromBytes(value, 8);
                    if (usec < 0 || usec >= 1_000_000) throw Errno.EDOM.fail();
                    if (name == SO_RCVTIMEO) rcvTimeout = java.util.Arrays.copyOf(value, 16);
                    else sndTimeout = java.util.Arrays.copyOf(value, 16);
                }
                case SO_LINGER, SO_BROADCAST, SO_DEBUG, SO_OOBINLINE, SO_DONTROUTE, SO_REUSEPORT -> { }
                default -> throw Errno.ENOPROTOOPT.fail();
            }
        }
    }

    public boolean passCredentials() {
        synchronized (LOCK) {
            return passCredentials;
        }
    }

    @Override
    protected void release() {
        List<UnixSocket> toWake = new ArrayList<>();
        List<FileDescription> dropped = new ArrayList<>();
        List<UnixSocket> unaccepted;
        synchronized (LOCK) {
            closed = true;
            if (boundKey != null) namespace.unbind(boundKey, this);
            unaccepted = new ArrayList<>(pending);
            pending.clear();
            if (peer != null && connectionOriented()) {
                peer.shutdown = SHUTDOWN_MASK;
                toWake.add(peer);
            }
            for (Segment s : received) {
                dequeued(s.rights);
                dropped.addAll(s.rights);
            }
            received.clear();
            receivedBytes = 0;
        }
        for (UnixSocket s : unaccepted) s.release();
        for (UnixSocket s : toWake) s.queue.wakeAll();
        queue.wakeAll();
        for (FileDescription f : dropped) f.unretain();
    }
}
