package dev.jlibos.vfs.event;

import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.vfs.HostFs;

/**
 * Readiness of host fds (terminals, host sockets) from the host's poll(2) with a zero timeout: the host
 * cannot wake a JVM monitor, so blocked pollers re-ask periodically instead (see the kernel's
 * {@code Blocking}).
 */
public final class HostPoll {
    private static final int POLL = 7;

    private HostPoll() {
    }

    /** The host's revents for {@code events} on {@code fd}, now. */
    public static int now(HostFs host, int fd, int events) {
        HostBlock b = host.scratch();
        b.putInt(0, fd);
        b.putInt(4, events & 0xffff); // events, revents = 0
        long r = host.raw(POLL, b.address(), 1, 0, 0, 0, 0);
        if (r < 0) return Poll.POLLERR;
        return (b.getInt(4) >>> 16) & 0xffff;
    }
}
