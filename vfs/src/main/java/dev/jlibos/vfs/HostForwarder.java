package dev.jlibos.vfs;

import dev.jlibos.core.Blocking;
import dev.jlibos.core.Errno;
import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.syscalls.offload.Marshal;
import dev.jlibos.syscalls.offload.OffloadSpec;
import dev.jlibos.vfs.proc.ProcTask;

import java.nio.charset.StandardCharsets;

import static dev.jlibos.core.abi.At.AT_FDCWD;
import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * Forwards one allowlisted syscall to the host kernel following its {@link OffloadSpec}: guest fds become
 * host fds, and every guest buffer, struct and string is copied through the calling thread's scratch
 * block, so the host only ever sees plain values, host fds and addresses of memory jlibos owns.
 *
 * <p>A call that cannot be forwarded faithfully is declined and jlibos decides what to do: an fd whose
 * description has no host fd or could block on the host (a pipe, a terminal, a Java stream), a path
 * about a guest process (/proc/self, /dev/fd: the host would describe the JVM), any path in a sandbox.
 */
public final class HostForwarder {
    /** Not forwarded: an fd argument has no (non-blocking) host fd. An unimplemented call then gets EBADF. */
    public static final long DECLINED_BADF = Long.MIN_VALUE;
    /** Not forwarded for another reason (sandbox path, guest /proc path, flags jlibos must see). */
    public static final long DECLINED = Long.MIN_VALUE + 1;

    private static final int PATH_MAX = 4096;
    /** The status flags a description keeps, as an open through vfs keeps them. */
    private static final int STATUS_FLAGS = Opener.STATUS_FLAGS;
    private static final int ALIGN = 16;

    private final HostSyscalls sys;

    public HostForwarder(HostSyscalls sys) {
        this.sys = sys;
    }

    public static boolean declined(long result) {
        return result == DECLINED || result == DECLINED_BADF;
    }

    /**
     * Runs {@code spec}'s call on the host for {@code t}; {@code registers} holds the number, then the six
     * argument registers. The result is Linux's (a value or -errno), or a DECLINED value.
     */
    public long forward(ProcTask t, OffloadSpec spec, long[] registers) {
        FsContext fs = t.process().fs();
        if (spec.takesPath() && fs.sandboxed()) return DECLINED;
        if (spec.declineMask() != 0) {
            long flags = arg(registers, Math.max(spec.flagsArg(), 0));
            if ((flags & spec.declineMask()) != 0) return DECLINED;
        }
        AddressSpace memory = t.process().memory();
        HostBlock scratch = fs.host.scratch();
        long capacity = 2L * 8192 + HostFs.CHUNK;
        long[] host = new long[6];
        for (int i = 0; i < 6; i++) host[i] = arg(registers, i);
        // Copy-backs to do after the call: guest address, scratch offset, length (or -1: "the result").
        long[] backAddr = new long[6], backOff = new long[6], backLen = new long[6];
        int backs = 0;
        long next = 0;
        String firstPath = null;
        boolean outCut = false;
        var args = spec.args();
        for (int i = 0; i < args.size(); i++) {
            Marshal m = args.get(i);
            long v = arg(registers, i);
            switch (m.kind()) {
                case VALUE, DIRFD -> {
                    // a DIRFD is translated with the path that follows it
                }
                case FD -> {
                    int hostFd = hostFd(t, (int) v);
                    if (hostFd < 0) return DECLINED_BADF;
                    host[i] = hostFd;
                }
                case PATH, STRING -> {
                    boolean dir = m.kind() == Marshal.Kind.PATH && i > 0 && args.get(i - 1).kind() == Marshal.Kind.DIRFD;
                    int dirfd = dir ? (int) arg(registers, i - 1) : AT_FDCWD;
                    if (v == 0) {
                        // utimensat(fd, NULL, ...) acts on fd itself; anything else is the host's EFAULT.
                        if (dir) {
                            if (dirfd == AT_FDCWD) return DECLINED;
                            int hostFd = hostFd(t, dirfd);
                            if (hostFd < 0) return DECLINED_BADF;
                            host[i - 1] = hostFd;
                        }
                        host[i] = 0;
                        continue;
                    }
                    byte[] bytes = m.kind() == Marshal.Kind.PATH
                            ? memory.readCBytes(v, PATH_MAX - 1, Errno.ENAMETOOLONG)
                            : memory.readCBytes(v, m.size(), Errno.EINVAL);
                    if (m.kind() == Marshal.Kind.PATH) {
                        if (GuestPaths.isGuestProc(t, dirfd, bytes) || aboutOwnFds(bytes)) return DECLINED;
                        boolean absolute = bytes.length > 0 && bytes[0] == '/';
                        if (dir) {
                            int hostDir = absolute ? AT_FDCWD : dirfd == AT_FDCWD ? fs.cwdFd() : hostFd(t, dirfd);
                            if (hostDir < 0 && !absolute) return dirfd == AT_FDCWD ? DECLINED : DECLINED_BADF;
                            host[i - 1] = hostDir;
                        } else if (!absolute && bytes.length > 0) {
                            // The host would resolve it against the JVM's cwd: go through the guest cwd's fd.
                            if (fs.cwdFd() < 0) return DECLINED;
                            byte[] prefix = ("/proc/self/fd/" + fs.cwdFd() + "/").getBytes(StandardCharsets.US_ASCII);
                            byte[] joined = new byte[prefix.length + bytes.length];
                            System.arraycopy(prefix, 0, joined, 0, prefix.length);
                            System.arraycopy(bytes, 0, joined, prefix.length, bytes.length);
                            if (joined.length >= PATH_MAX) return Errno.ENAMETOOLONG.negated();
                            bytes = joined;
                        }
                        if (firstPath == null) firstPath = new String(bytes, StandardCharsets.UTF_8);
                    } else if (firstPath == null) {
                        firstPath = "/memfd:" + new String(bytes, StandardCharsets.UTF_8) + " (deleted)";
                    }
                    scratch.put(next, bytes, 0, bytes.length);
                    scratch.putByte(next + bytes.length, (byte) 0);
                    host[i] = scratch.address() + next;
                    next = align(next + bytes.length + 1);
                }
                case IN_BUF, OUT_BUF -> {
                    long len = arg(registers, m.sizeArg());
                    // Larger transfers are cut to what the scratch block holds: a short read or write, as
                    // Linux allows (it caps one transfer at 0x7ffff000 bytes too).
                    long room = Math.min(HostFs.CHUNK, capacity - next);
                    int n = (int) Math.max(0, Math.min(len, room));
                    if (m.kind() == Marshal.Kind.OUT_BUF) {
                        // Linux copies out until a byte faults (read, getdents64 fill what is mapped), so
                        // the host gets the writable prefix; nothing writable is the fault.
                        int usable = (int) memory.accessiblePrefix(v, n, true);
                        if (usable == 0 && n > 0) return Errno.EFAULT.negated();
                        if (usable < n) outCut = true;
                        n = usable;
                    }
                    if (len < 0 || len > n) host[m.sizeArg()] = n;
                    if (m.kind() == Marshal.Kind.IN_BUF) {
                        byte[] b = memory.read(v, n);
                        scratch.put(next, b, 0, n);
                    } else {
                        backAddr[backs] = v;
                        backOff[backs] = next;
                        backLen[backs++] = -n - 1; // "at most n: the result says how many"
                    }
                    host[i] = scratch.address() + next;
                    next = align(next + n);
                }
                case IN_STRUCT, OUT_STRUCT, INOUT_STRUCT -> {
                    if (v == 0) {
                        host[i] = 0;
                        continue;
                    }
                    int n = m.size();
                    if (m.kind() != Marshal.Kind.OUT_STRUCT) {
                        byte[] b = memory.read(v, n);
                        scratch.put(next, b, 0, n);
                    }
                    if (m.kind() != Marshal.Kind.IN_STRUCT) {
                        memory.requireAccess(v, n, true);
                        backAddr[backs] = v;
                        backOff[backs] = next;
                        backLen[backs++] = n;
                    }
                    host[i] = scratch.address() + next;
                    next = align(next + n);
                }
            }
        }
        boolean newFd = spec.result() == OffloadSpec.Result.NEW_FD;
        // The host fd is always close-on-exec on the host; the guest's FD_CLOEXEC lives in the fd table.
        if (newFd) host[spec.flagsArg()] |= spec.cloexecBit();
        long r = spec.mayBlock()
                ? Blocking.run(() -> sys.call(spec.number(), host[0], host[1], host[2], host[3], host[4], host[5]))
                : sys.call(spec.number(), host[0], host[1], host[2], host[3], host[4], host[5]);
        // getdents64's "buffer too small" for a buffer cut at unmapped memory: its first entry faulted.
        if (r < 0 && outCut && spec.number() == dev.jlibos.syscalls.Sysno.GETDENTS64
                && Errno.fromHost((int) -r) == Errno.EINVAL) return Errno.EFAULT.negated();
        if (r < 0) return Errno.fromHost((int) -r).negated();
        for (int b = 0; b < backs; b++) {
            int n = (int) (backLen[b] >= 0 ? backLen[b] : Math.min(r, -backLen[b] - 1));
            byte[] out = new byte[n];
            scratch.get(backOff[b], out, 0, n);
            memory.write(backAddr[b], out, 0, n);
        }
        mayHaveShrunk(t, spec.number(), host, r);
        if (newFd) return install(t, spec, registers, (int) r, firstPath);
        return r;
    }

    /**
     * A forwarded call that shortened a file (ftruncate, truncate, an open with O_TRUNC, fallocate's
     * COLLAPSE_RANGE) must tell its shared mappings, as the served calls do: touching a host file page past
     * the new end would raise SIGBUS in the JVM. Costs nothing while no file is mapped shared.
     */
    private static void mayHaveShrunk(ProcTask t, int number, long[] host, long result) {
        HostFs fs = t.process().fs().host;
        switch (number) {
            case dev.jlibos.syscalls.Sysno.FTRUNCATE -> fs.fileMayHaveShrunk((int) host[0]);
            case dev.jlibos.syscalls.Sysno.FALLOCATE -> {
                if ((host[1] & HostFs.FALLOC_FL_COLLAPSE_RANGE) != 0) fs.fileMayHaveShrunk((int) host[0]);
            }
            case dev.jlibos.syscalls.Sysno.TRUNCATE -> fs.pathMayHaveShrunk(host[0]);
            case dev.jlibos.syscalls.Sysno.OPEN -> {
                if ((host[1] & dev.jlibos.core.abi.Fcntl.O_TRUNC) != 0) fs.fileMayHaveShrunk((int) result);
            }
            case dev.jlibos.syscalls.Sysno.OPENAT -> {
                if ((host[2] & dev.jlibos.core.abi.Fcntl.O_TRUNC) != 0) fs.fileMayHaveShrunk((int) result);
            }
            default -> {
            }
        }
    }

    private static long install(ProcTask t, OffloadSpec spec, long[] registers, int hostFd, String path) {
        long flags = arg(registers, spec.flagsArg());
        int status = spec.number() == dev.jlibos.syscalls.Sysno.MEMFD_CREATE ? O_RDWR : (int) flags & STATUS_FLAGS;
        try {
            return t.process().files().install(new HostFile(t.process().fs().host, hostFd, path, status),
                    (flags & spec.cloexecBit()) != 0);
        } catch (RuntimeException e) {
            t.process().fs().host.closeFd(hostFd);
            throw e;
        }
    }

    /** The host fd behind guest fd {@code fd} when it may be handed to the host, else -1. */
    private static int hostFd(ProcTask t, int fd) {
        FileDescription d;
        try {
            d = t.process().files().get(fd);
        } catch (RuntimeException e) {
            return -1;
        }
        if (!(d instanceof HostFile f) || f.hostFd() < 0 || f.onReadOnlyMount() || !f.neverBlocks()) return -1;
        return f.hostFd();
    }

    /** /dev/fd/N, /dev/stdin...: the host would name the JVM's descriptors. */
    private static boolean aboutOwnFds(byte[] path) {
        String p = new String(path, StandardCharsets.UTF_8);
        return p.startsWith("/dev/fd") || p.startsWith("/dev/std") || p.contains("/proc/");
    }

    private static long align(long offset) {
        return (offset + ALIGN - 1) & -ALIGN;
    }

    /** Argument {@code i} (0-based) of the call whose registers are {@code registers}. */
    private static long arg(long[] registers, int i) {
        return registers[i + 1];
    }
}
