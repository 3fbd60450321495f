package dev.jlibos.kernel.process;

import java.nio.charset.StandardCharsets;

/**
 * A UTS namespace: the host and NIS domain names uname shows. Processes share one by reference (fork keeps
 * the parent's, so a sethostname is seen by the whole namespace, as in Linux); unshare(CLONE_NEWUTS) gives the
 * caller a copy. A name never set reads as the machine's default (the host's, or the deterministic one), so a
 * guest's sethostname changes only this view and never the host.
 */
public final class UtsNames {
    /** __NEW_UTS_LEN: the longest name sethostname/setdomainname accept. */
    public static final int MAX_LEN = 64;
    private volatile byte[] hostname, domainname;

    public UtsNames copy() {
        UtsNames c = new UtsNames();
        c.hostname = hostname;
        c.domainname = domainname;
        return c;
    }

    /** The node name, or {@code fallback}'s bytes if no guest has set it. */
    public byte[] hostname(String fallback) {
        byte[] h = hostname;
        return h != null ? h.clone() : fallback.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] domainname(String fallback) {
        byte[] d = domainname;
        return d != null ? d.clone() : fallback.getBytes(StandardCharsets.UTF_8);
    }

    public void hostname(byte[] name) {
        hostname = name.clone();
    }

    public void domainname(byte[] name) {
        domainname = name.clone();
    }
}
