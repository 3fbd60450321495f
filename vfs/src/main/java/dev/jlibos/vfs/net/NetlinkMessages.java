package dev.jlibos.vfs.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Netlink message layout (include/uapi/linux/netlink.h): the 16-byte nlmsghdr and NLMSG_ERROR. */
final class NetlinkMessages {
    static final int HDRLEN = 16;
    static final int NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_MIN_TYPE = 16;
    static final int NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300, NLM_F_CAPPED = 0x100;

    private NetlinkMessages() {
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static int length(byte[] b, int at) {
        return u32(b, at);
    }

    static int type(byte[] b, int at) {
        return u16(b, at + 4);
    }

    static int flags(byte[] b, int at) {
        return u16(b, at + 6);
    }

    static int seq(byte[] b, int at) {
        return u32(b, at + 8);
    }

    static int pid(byte[] b, int at) {
        return u32(b, at + 12);
    }

    /**
     * The length of the message at {@code at} if a whole one is there, else -1: the end of a buffer's
     * messages, as netlink_rcv_skb stops at a header shorter than itself or longer than what is left.
     */
    static int whole(byte[] b, int at, int end) {
        if (end - at < HDRLEN) return -1;
        int len = length(b, at);
        return len < HDRLEN || len > end - at ? -1 : len;
    }

    /**
     * netlink_ack: NLMSG_ERROR for the request at {@code at}, from the kernel to {@code port}. An error
     * quotes the whole request, an ack (or any reply with NETLINK_CAP_ACK) only its header.
     */
    static byte[] error(int errno, byte[] request, int at, int port, boolean capAck) {
        int requestLength = length(request, at);
        boolean capped = errno == 0 || capAck;
        int quoted = capped ? HDRLEN : requestLength;
        int len = HDRLEN + 4 + quoted;
        ByteBuffer m = ByteBuffer.allocate(align(len)).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(len).putShort((short) NLMSG_ERROR).putShort((short) (capped ? NLM_F_CAPPED : 0))
                .putInt(seq(request, at)).putInt(port).putInt(-errno);
        m.put(request, at, quoted);
        return m.array();
    }
}
