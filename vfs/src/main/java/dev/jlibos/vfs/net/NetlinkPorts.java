package dev.jlibos.vfs.net;

import dev.jlibos.core.Errno;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The netlink port ids of one machine's guest sockets (Linux's per-protocol nl_table): unique, the
 * pid for a process's first socket, negative ones after, as netlink_autobind hands them out.
 */
public final class NetlinkPorts {
    /** Linux's autobind rover: starts at a random value in [S32_MIN, -4097] and counts down. */
    private static final int ROVER_START = -4096;
    private final Map<Integer, NetlinkSocket> bound = new HashMap<>();
    private int rover = ROVER_START;

    /** Binds {@code socket} to {@code port}: EADDRINUSE if another socket has it. */
    synchronized void bind(int port, NetlinkSocket socket) {
        if (bound.containsKey(port)) throw Errno.EADDRINUSE.fail();
        bound.put(port, socket);
    }

    /** A free port id for {@code socket}: the process's pid first, else a negative one. */
    synchronized int autobind(int pid, NetlinkSocket socket) {
        int port = pid;
        while (port == 0 || bound.containsKey(port)) {
            if (rover == ROVER_START) {
                rover = Integer.MIN_VALUE + ThreadLocalRandom.current().nextInt(ROVER_START - Integer.MIN_VALUE);
            } else if (rover >= ROVER_START) {
                rover = ROVER_START - 1;
            }
            port = rover--;
        }
        bound.put(port, socket);
        return port;
    }

    synchronized void unbind(int port, NetlinkSocket socket) {
        bound.remove(port, socket);
    }
}
