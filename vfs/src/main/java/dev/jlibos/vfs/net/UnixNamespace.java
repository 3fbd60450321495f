package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;

import java.util.HashMap;
import java.util.Map;

/**
 * The names AF_UNIX sockets are bound to in one machine: abstract names (a leading NUL), and socket
 * files, keyed by the file's (device, inode) so that every path to the file, relative or through a
 * symlink, finds the socket, and an unlinked file finds nothing (as Linux looks sockets up by inode).
 */
public final class UnixNamespace {
    private final Map<Object, UnixSocket> bound = new HashMap<>();
    /** Sockets of this machine queued, as passed files, on some socket's receive queue (guarded by UnixSocket's lock). */
    final java.util.Set<UnixSocket> inFlight = new java.util.HashSet<>();

    /** An abstract name's key. */
    public static Object abstractKey(byte[] name) {
        return "@" + java.util.HexFormat.of().formatHex(name);
    }

    /** A socket file's key. */
    public static Object fileKey(long dev, long ino) {
        return "file:" + dev + ":" + ino;
    }

    synchronized void bind(Object key, UnixSocket socket) {
        if (bound.containsKey(key)) throw Errno.EADDRINUSE.fail();
        bound.put(key, socket);
    }

    synchronized void unbind(Object key, UnixSocket socket) {
        bound.remove(key, socket);
    }

    public synchronized boolean contains(Object key) {
        return bound.containsKey(key);
    }

    /** The socket bound to {@code key}: ECONNREFUSED when nobody is (any more). */
    public synchronized UnixSocket lookup(Object key) {
        UnixSocket s = bound.get(key);
        if (s == null) throw Errno.ECONNREFUSED.fail();
        return s;
    }
}
