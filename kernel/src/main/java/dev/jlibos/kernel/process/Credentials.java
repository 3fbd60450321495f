package dev.jlibos.kernel.process;

import dev.jlibos.core.Errno;

/**
 * User and group ids with Linux's real/effective/saved/filesystem split. The guest starts with the
 * launcher's own ids so that file ownership it sees through the host passthrough agrees with getuid().
 */
public final class Credentials {
    public int ruid, euid, suid, fsuid;
    public int rgid, egid, sgid, fsgid;
    public int[] groups;

    public Credentials(int uid, int gid) {
        ruid = euid = suid = fsuid = uid;
        rgid = egid = sgid = fsgid = gid;
        groups = new int[] {gid};
    }

    public Credentials copy() {
        Credentials c = new Credentials(ruid, rgid);
        c.euid = euid; c.suid = suid; c.fsuid = fsuid;
        c.egid = egid; c.sgid = sgid; c.fsgid = fsgid;
        c.groups = groups.clone();
        return c;
    }

    boolean privileged() {
        return euid == 0;
    }

    /** setresuid: -1 keeps a value; an unprivileged caller may only pick among its current three ids. */
    public void setResUid(int r, int e, int s) {
        if (!privileged()) {
            for (int id : new int[] {r, e, s}) {
                if (id != -1 && id != ruid && id != euid && id != suid) throw Errno.EPERM.fail();
            }
        }
        if (r != -1) ruid = r;
        if (e != -1) euid = e;
        if (s != -1) suid = s;
        fsuid = euid;
    }

    public void setResGid(int r, int e, int s) {
        if (!privileged()) {
            for (int id : new int[] {r, e, s}) {
                if (id != -1 && id != rgid && id != egid && id != sgid) throw Errno.EPERM.fail();
            }
        }
        if (r != -1) rgid = r;
        if (e != -1) egid = e;
        if (s != -1) sgid = s;
        fsgid = egid;
    }

    /** setuid(2): privileged sets all three; otherwise only the effective id, to the real or saved one. */
    public void setUid(int uid) {
        if (privileged()) {
            ruid = euid = suid = fsuid = uid;
        } else if (uid == ruid || uid == suid) {
            euid = fsuid = uid;
        } else {
            throw Errno.EPERM.fail();
        }
    }

    public void setGid(int gid) {
        if (privileged()) {
            rgid = egid = sgid = fsgid = gid;
        } else if (gid == rgid || gid == sgid) {
            egid = fsgid = gid;
        } else {
            throw Errno.EPERM.fail();
        }
    }
}
