package dev.jlibos.vfs.net;

import static dev.jlibos.vfs.net.NetlinkMessages.HDRLEN;
import static dev.jlibos.vfs.net.NetlinkMessages.NLMSG_MIN_TYPE;
import static dev.jlibos.vfs.net.NetlinkMessages.align;
import static dev.jlibos.vfs.net.NetlinkMessages.u16;
import static dev.jlibos.vfs.net.NetlinkMessages.u32;

/**
 * What a guest without the host network (a sandbox's --net none) may see of the host's NETLINK_ROUTE
 * replies: the loopback interface only (ifindex 1 in every network namespace, LOOPBACK_IFINDEX). A
 * message about anything else, or one whose interface this class cannot tell, is left out.
 */
final class LoopbackView {
    static final int LOOPBACK_INDEX = 1;
    private static final int RTA_OIF = 4, NETCONFA_IFINDEX = 1, NHA_OIF = 5;
    private static final int NETCONFA_IFINDEX_ALL = -1, NETCONFA_IFINDEX_DEFAULT = -2;

    private LoopbackView() {
    }

    /** Whether the message at {@code at} (of {@code len} bytes) shows nothing but loopback. */
    static boolean visible(byte[] b, int at, int len) {
        int type = NetlinkMessages.type(b, at);
        if (type < NLMSG_MIN_TYPE) return true; // errors, acks, the end of a dump
        int body = at + HDRLEN, end = at + len;
        // Families of messages by type (include/uapi/linux/rtnetlink.h), four types each.
        return switch ((type - NLMSG_MIN_TYPE) / 4) {
            // links (ifinfomsg), addresses (ifaddrmsg), neighbours (ndmsg), qdiscs, classes and filters
            // (tcmsg), statistics (if_stats_msg), link properties: the index is the second word.
            case 0, 1, 3, 5, 6, 7, 19, 23 -> indexAt(b, body, end, 4) == LOOPBACK_INDEX;
            // routes: the output interface attribute after the 12-byte rtmsg
            case 2 -> attribute(b, body + 12, end, RTA_OIF) == LOOPBACK_INDEX;
            // rules are global policy, naming no interface of their own
            case 4 -> true;
            // netconf: one interface's, or the all/default settings
            case 16 -> {
                long index = attribute(b, body + 4, end, NETCONFA_IFINDEX);
                yield index == LOOPBACK_INDEX || index == NETCONFA_IFINDEX_ALL || index == NETCONFA_IFINDEX_DEFAULT;
            }
            // nexthops: after the 8-byte nhmsg
            case 22 -> attribute(b, body + 8, end, NHA_OIF) == LOOPBACK_INDEX;
            default -> false;
        };
    }

    private static long indexAt(byte[] b, int body, int end, int offset) {
        return body + offset + 4 <= end ? u32(b, body + offset) : Long.MIN_VALUE;
    }

    /** A 32-bit attribute's value (sign-extended), or Long.MIN_VALUE when absent. */
    private static long attribute(byte[] b, int from, int end, int wanted) {
        int p = from;
        while (p + 4 <= end) {
            int len = u16(b, p), type = u16(b, p + 2) & 0x3fff;
            if (len < 4 || p + len > end) break;
            if (type == wanted && len >= 8) return u32(b, p + 4);
            p += align(len);
        }
        return Long.MIN_VALUE;
    }
}
