package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;
import dev.jlibos.vfs.HostFs;

import java.nio.charset.StandardCharsets;

/**
 * SIOCGIFINDEX and SIOCGIFNAME, the interface ioctls any socket takes (libc's if_nametoindex and
 * if_indextoname): the host answers on a host socket of its own, so names and indices agree with
 * what NETLINK_ROUTE shows. Without the host network only lo exists, as in {@link LoopbackView}.
 */
public final class InterfaceNames {
    public static final int SIOCGIFNAME = 0x8910, SIOCGIFINDEX = 0x8933;
    /** struct ifreq: a 16-byte name and a 24-byte union (here the int index). */
    public static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final int SOCKET = 41, AF_UNIX = 1;

    private InterfaceNames() {
    }

    /** The ioctl {@code request} on {@code ifreq}: the struct as the host filled it in. */
    public static byte[] ioctl(HostFs host, int request, byte[] ifreq, boolean loopbackOnly) {
        if (loopbackOnly) {
            boolean loopback = request == SIOCGIFINDEX ? "lo".equals(name(ifreq))
                    : NetlinkMessages.u32(ifreq, IFNAMSIZ) == LoopbackView.LOOPBACK_INDEX;
            if (!loopback) throw Errno.ENODEV.fail();
        }
        long fd = host.raw(SOCKET, AF_UNIX, Socket.SOCK_DGRAM | Socket.SOCK_CLOEXEC, 0, 0, 0, 0);
        if (fd < 0) throw Errno.fromHost((int) -fd).fail();
        try {
            return host.ioctlBuffer((int) fd, request, ifreq);
        } finally {
            host.closeFd((int) fd);
        }
    }

    private static String name(byte[] ifreq) {
        int n = 0;
        while (n < IFNAMSIZ && ifreq[n] != 0) n++;
        return new String(ifreq, 0, n, StandardCharsets.ISO_8859_1);
    }
}
