package dev.jlibos.core.cred;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.host.HostSystem;

/**
 * User and group ids with Linux's real/effective/saved/filesystem split, and the capability sets
 * (effective, permitted, inheritable, bounding, ambient) with commoncap's rules: what uid changes do to
 * them (cap_emulate_setxuid, the fsuid fix-up), what capset may change, what an execve without file
 * capabilities gives. Privileged operations ask {@link #capable} for the capability Linux checks.
 *
 * <p>The guest starts with the launcher's ids and, as if the launcher had exec'ed it, capabilities derived
 * from the launcher's own (see {@link #startAsExecutedBy}); so a root launcher's guest has what a program
 * it started natively would have (a container's bounding set included), and a non-root one has none.
 */
public final class Credentials {
    public int ruid, euid, suid, fsuid;
    public int rgid, egid, sgid, fsgid;
    public int[] groups;
    /** Capability sets, one bit per capability. */
    private long effective, permitted, inheritable, bounding, ambient;
    /** PR_SET_KEEPCAPS (securebit SECURE_KEEP_CAPS): permitted survives leaving uid 0; cleared by execve. */
    private boolean keepCaps;

    /**
     * Ids {@code uid}/{@code gid} as an execve with the full bounding set and no inherited capabilities
     * leaves them: everything for root, nothing otherwise.
     */
    public Credentials(int uid, int gid) {
        ruid = euid = suid = fsuid = uid;
        rgid = egid = sgid = fsgid = gid;
        groups = new int[] {gid};
        bounding = allCapabilities();
        onExec();
    }

    public Credentials copy() {
        Credentials c = new Credentials(ruid, rgid);
        c.euid = euid; c.suid = suid; c.fsuid = fsuid;
        c.egid = egid; c.sgid = sgid; c.fsgid = fsgid;
        c.groups = groups.clone();
        c.effective = effective; c.permitted = permitted; c.inheritable = inheritable;
        c.bounding = bounding; c.ambient = ambient; c.keepCaps = keepCaps;
        return c;
    }

    /** Every capability this kernel has: bits 0..cap_last_cap. */
    public static long allCapabilities() {
        return (1L << (HostSystem.lastCapability() + 1)) - 1;
    }

    /** Whether {@code cap} is a capability this kernel has (cap_valid). */
    public static boolean validCapability(long cap) {
        return cap >= 0 && cap <= HostSystem.lastCapability();
    }

    /**
     * The first process: the sets an execve by the launcher, whose inheritable, bounding and ambient sets
     * are given, computes for these ids (no file capabilities).
     */
    public void startAsExecutedBy(long launcherInheritable, long launcherBounding, long launcherAmbient) {
        inheritable = launcherInheritable & allCapabilities();
        bounding = launcherBounding & allCapabilities();
        ambient = launcherAmbient & inheritable;
        onExec();
    }

    /** Whether the effective set holds {@code cap}: what Linux's capable() asks. */
    public boolean capable(int cap) {
        return (effective >>> cap & 1) != 0;
    }

    public long effective() {
        return effective;
    }

    public long permitted() {
        return permitted;
    }

    public long inheritable() {
        return inheritable;
    }

    public long bounding() {
        return bounding;
    }

    public long ambient() {
        return ambient;
    }

    public boolean keepCaps() {
        return keepCaps;
    }

    public void keepCaps(boolean on) {
        keepCaps = on;
    }

    /**
     * execve of a file without capabilities or set-id bits (cap_bprm_creds_from_file): uid 0, real or
     * effective, gets the bounding set and the inheritable one as permitted, effective too if it is the
     * euid; anyone else keeps only the ambient set. PR_SET_KEEPCAPS is cleared.
     */
    public void onExec() {
        keepCaps = false;
        boolean root = euid == 0 || ruid == 0;
        permitted = (root ? bounding | inheritable : 0) | ambient;
        effective = euid == 0 ? permitted : ambient;
    }

    /**
     * capset(2) (cap_capset): the new inheritable set must come from the old inheritable and permitted
     * ones (unless CAP_SETPCAP) and the bounding set; permitted may only shrink; effective must be in it.
     */
    public void setCapabilities(long newEffective, long newPermitted, long newInheritable) {
        long valid = allCapabilities();
        newEffective &= valid;
        newPermitted &= valid;
        newInheritable &= valid;
        if (!capable(Capability.CAP_SETPCAP) && !subset(newInheritable, inheritable | permitted)) throw Errno.EPERM.fail();
        if (!subset(newInheritable, inheritable | bounding)) throw Errno.EPERM.fail();
        if (!subset(newPermitted, permitted)) throw Errno.EPERM.fail();
        if (!subset(newEffective, newPermitted)) throw Errno.EPERM.fail();
        effective = newEffective;
        permitted = newPermitted;
        inheritable = newInheritable;
        ambient &= newPermitted & newInheritable;
    }

    /** PR_CAPBSET_DROP: needs CAP_SETPCAP. */
    public void dropFromBounding(long cap) {
        if (!capable(Capability.CAP_SETPCAP)) throw Errno.EPERM.fail();
        if (!validCapability(cap)) throw Errno.EINVAL.fail();
        bounding &= ~(1L << cap);
    }

    /** PR_CAP_AMBIENT_RAISE: only a capability that is both permitted and inheritable. */
    public void raiseAmbient(long cap) {
        long bit = 1L << cap;
        if ((permitted & bit) == 0 || (inheritable & bit) == 0) throw Errno.EPERM.fail();
        ambient |= bit;
    }

    public void lowerAmbient(long cap) {
        ambient &= ~(1L << cap);
    }

    public void clearAmbient() {
        ambient = 0;
    }

    private static boolean subset(long set, long of) {
        return (set & ~of) == 0;
    }

    /**
     * cap_emulate_setxuid, after a change of the real/effective/saved uids from {@code r, e, s}: leaving
     * uid 0 in all three clears permitted and effective (unless PR_SET_KEEPCAPS) and ambient; leaving it as
     * euid clears effective; returning to it as euid makes effective the permitted set.
     */
    private void afterUidChange(int r, int e, int s) {
        boolean wasRoot = r == 0 || e == 0 || s == 0;
        boolean isRoot = ruid == 0 || euid == 0 || suid == 0;
        if (wasRoot && !isRoot) {
            if (!keepCaps) {
                permitted = 0;
                effective = 0;
            }
            ambient = 0;
        }
        if (e == 0 && euid != 0) effective = 0;
        if (e != 0 && euid == 0) effective = permitted;
    }

    /** The fsuid fix-up: leaving fsuid 0 drops the file-system capabilities, returning raises the permitted ones. */
    private void afterFsUidChange(int oldFsuid) {
        if (oldFsuid == 0 && fsuid != 0) effective &= ~Capability.FS_MASK;
        if (oldFsuid != 0 && fsuid == 0) effective |= permitted & Capability.FS_MASK;
    }

    /** setresuid: -1 keeps a value; without CAP_SETUID the caller may only pick among its current three ids. */
    public void setResUid(int r, int e, int s) {
        if (!capable(Capability.CAP_SETUID)) {
            for (int id : new int[] {r, e, s}) {
                if (id != -1 && id != ruid && id != euid && id != suid) throw Errno.EPERM.fail();
            }
        }
        assignUids(r, e, s);
    }

    public void setResGid(int r, int e, int s) {
        if (!capable(Capability.CAP_SETGID)) {
            for (int id : new int[] {r, e, s}) {
                if (id != -1 && id != rgid && id != egid && id != sgid) throw Errno.EPERM.fail();
            }
        }
        assignGids(r, e, s);
    }

    /** Sets the real, effective and saved uids that are not -1 (the checks are done), fsuid following euid. */
    private void assignUids(int r, int e, int s) {
        int oldR = ruid, oldE = euid, oldS = suid;
        if (r != -1) ruid = r;
        if (e != -1) euid = e;
        if (s != -1) suid = s;
        fsuid = euid;
        afterUidChange(oldR, oldE, oldS);
    }

    /** The same for the group ids. */
    private void assignGids(int r, int e, int s) {
        if (r != -1) rgid = r;
        if (e != -1) egid = e;
        if (s != -1) sgid = s;
        fsgid = egid;
    }

    /** setreuid: as setresuid, and the saved uid follows the new euid when the real one is set or the euid leaves it. */
    public void setReUid(int r, int e) {
        int s = r != -1 || (e != -1 && e != ruid) ? (e != -1 ? e : euid) : -1;
        if (!capable(Capability.CAP_SETUID)) {
            if (r != -1 && r != ruid && r != euid) throw Errno.EPERM.fail();
            if (e != -1 && e != ruid && e != euid && e != suid) throw Errno.EPERM.fail();
        }
        assignUids(r, e, s);
    }

    /** setregid: as setreuid, for the group ids. */
    public void setReGid(int r, int e) {
        int s = r != -1 || (e != -1 && e != rgid) ? (e != -1 ? e : egid) : -1;
        if (!capable(Capability.CAP_SETGID)) {
            if (r != -1 && r != rgid && r != egid) throw Errno.EPERM.fail();
            if (e != -1 && e != rgid && e != egid && e != sgid) throw Errno.EPERM.fail();
        }
        assignGids(r, e, s);
    }

    /** setuid(2): with CAP_SETUID it sets all three; otherwise only the effective id, to the real or saved one. */
    public void setUid(int uid) {
        int oldR = ruid, oldE = euid, oldS = suid;
        if (capable(Capability.CAP_SETUID)) {
            ruid = euid = suid = fsuid = uid;
        } else if (uid == ruid || uid == suid) {
            euid = fsuid = uid;
        } else {
            throw Errno.EPERM.fail();
        }
        afterUidChange(oldR, oldE, oldS);
    }

    public void setGid(int gid) {
        if (capable(Capability.CAP_SETGID)) {
            rgid = egid = sgid = fsgid = gid;
        } else if (gid == rgid || gid == sgid) {
            egid = fsgid = gid;
        } else {
            throw Errno.EPERM.fail();
        }
    }

    /** setfsuid never fails; it returns the previous value and changes it only when permitted. */
    public int setFsUid(int id) {
        int old = fsuid;
        if (id == ruid || id == euid || id == suid || id == fsuid || capable(Capability.CAP_SETUID)) {
            fsuid = id;
            afterFsUidChange(old);
        }
        return old;
    }

    public int setFsGid(int id) {
        int old = fsgid;
        if (id == rgid || id == egid || id == sgid || id == fsgid || capable(Capability.CAP_SETGID)) fsgid = id;
        return old;
    }

    /**
     * What commit_creds compares to decide that a process becomes non-dumpable and loses its parent-death
     * signal: the effective and filesystem ids.
     */
    public int[] dumpabilityIds() {
        return new int[] {euid, egid, fsuid, fsgid};
    }
}
