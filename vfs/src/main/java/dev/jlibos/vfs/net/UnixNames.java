package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.vfs.GuestPaths;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;
import dev.jlibos.vfs.mount.Location;
import dev.jlibos.vfs.proc.ProcTask;

import java.util.Arrays;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW;

/**
 * AF_UNIX names -> sockets: a struct sockaddr_un is a filesystem path (the socket file, found through the
 * guest's path lookup, keyed by its inode), an abstract name (a leading NUL), or empty (autobind).
 */
public final class UnixNames {
    private static final int SOCKADDR_UN_SIZE = 110, SUN_PATH = 2;
    private static final int S_IFSOCK = 0140000;

    private UnixNames() {
    }

    /**
     * Binds {@code u} to the AF_UNIX address {@code raw}: a path creates the socket file where the guest's
     * path leads (in a sandbox: by the walker), an abstract name is the namespace's, an empty one autobinds.
     */
    public static void bind(ProcTask t, UnixNamespace ns, UnixSocket u, byte[] raw) {
        Name name = parse(raw);
        if (u.bound()) throw Errno.EINVAL.fail();
        if (name.path() != null) {
            HostFs host = t.process().fs().host;
            try (Location l = GuestPaths.locate(t, AT_FDCWD, name.path(), false)) {
                if (l.sandboxed() && l.exists) throw Errno.EADDRINUSE.fail();
                l.requireWritable();
                try {
                    host.mknodat(l.dirFd(), l.name(), S_IFSOCK | 0777, 0, t.process().fs().umask);
                } catch (LinuxException e) {
                    throw e.errno() == Errno.EEXIST ? Errno.EADDRINUSE.fail() : e;
                }
                u.bind(fileKey(host.fstatat(l.dirFd(), l.name(), AT_SYMLINK_NOFOLLOW)), name.address());
            }
        } else if (name.abstractName() != null) {
            u.bind(UnixNamespace.abstractKey(name.abstractName()), name.address());
        } else {
            autobind(ns, u);
        }
    }

    private record Name(byte[] abstractName, byte[] path, byte[] address) {
    }

    private static Name parse(byte[] raw) {
        if (raw.length < SUN_PATH || (raw[0] | raw[1] << 8) != Socket.AF_UNIX) throw Errno.EINVAL.fail();
        if (raw.length > SOCKADDR_UN_SIZE) throw Errno.EINVAL.fail();
        if (raw.length == SUN_PATH) return new Name(null, null, raw);
        if (raw[SUN_PATH] == 0) {
            return new Name(Arrays.copyOfRange(raw, SUN_PATH + 1, raw.length), null, raw);
        }
        int end = SUN_PATH;
        while (end < raw.length && raw[end] != 0) end++;
        byte[] path = Arrays.copyOfRange(raw, SUN_PATH, end);
        byte[] address = Arrays.copyOf(raw, end + 1); // with its NUL, as unix_getname reports
        return new Name(null, path, address);
    }

    private static Object fileKey(byte[] stat) {
        return UnixNamespace.fileKey(Longs.fromBytes(stat, 0), Longs.fromBytes(stat, 8));
    }

    /** Binding to an empty name picks an unused abstract name of five hex digits (unix_autobind). */
    private static void autobind(UnixNamespace ns, UnixSocket u) {
        for (int i = 0; i < 0x100000; i++) {
            byte[] name = String.format("%05x", (int) (Math.random() * 0x100000)).getBytes();
            Object key = UnixNamespace.abstractKey(name);
            if (ns.contains(key)) continue;
            byte[] address = new byte[SUN_PATH + 1 + name.length];
            address[0] = Socket.AF_UNIX;
            System.arraycopy(name, 0, address, SUN_PATH + 1, name.length);
            try {
                u.bind(key, address);
                return;
            } catch (LinuxException e) {
                if (e.errno() != Errno.EADDRINUSE) throw e;
            }
        }
        throw Errno.ENOSPC.fail();
    }

    /** The socket an AF_UNIX address names: ENOENT for a missing path, ECONNREFUSED if nobody listens. */
    public static UnixSocket resolve(ProcTask t, UnixNamespace ns, byte[] raw) {
        Name name = parse(raw);
        if (name.abstractName() != null) return ns.lookup(UnixNamespace.abstractKey(name.abstractName()));
        if (name.path() == null || name.path().length == 0) throw Errno.EINVAL.fail();
        HostFs host = t.process().fs().host;
        byte[] stat;
        try (Location l = GuestPaths.locate(t, AT_FDCWD, name.path(), true)) {
            l.requireExists();
            if (l.synthetic != null) throw Errno.ECONNREFUSED.fail();
            stat = host.fstatat(l.dirFd(), l.name(), l.hostFlags(0, AT_SYMLINK_NOFOLLOW));
        }
        if ((StatLayout.mode(stat) & StatLayout.S_IFMT) != S_IFSOCK) throw Errno.ECONNREFUSED.fail();
        return ns.lookup(fileKey(stat));
    }

}
