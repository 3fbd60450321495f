package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.host.HostSystem;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.kernel.process.Determinism;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import java.nio.charset.StandardCharsets;

/** Facts about the (virtual) machine: uname, sysinfo, randomness, which CPU a thread is on (affinity: SchedulingCalls). */
public final class SystemInfoCalls implements SyscallFamily {
    /** struct utsname: six fields of 65 bytes. */
    private static final int UTS_FIELD = 65;
    private static final int GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
    /** Linux caps one getrandom call at 32 MiB - 1. */
    private static final int GETRANDOM_MAX = (1 << 25) - 1;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.UNAME, this::uname).coveredBy("CProgramsTest[uname]");
        r.partial(Sysno.SYSINFO, "memory and load figures are the host's; procs counts guest processes", this::sysinfo);
        r.full(Sysno.GETRANDOM, this::getrandom).coveredBy("CProgramsTest[stdio]");
        r.full(Sysno.SCHED_YIELD, (t, a) -> {
            // Leaving the (fair) execution lock lets a waiting thread of this process run first.
            t.process.yieldTurn(t);
            return 0;
        }); // no covering case: every program yields only in a loop that may not need to turn
        r.partial(Sysno.GETCPU, "always CPU 0, node 0", this::getcpu);
    }

    private long uname(GuestThread t, SyscallArgs a) {
        boolean fixed = t.process.determinism() != null;
        byte[][] fields = {
                bytes("Linux"),
                t.process.uts().hostname(Kernel.defaultHostname(t.process)),
                bytes(fixed ? Determinism.RELEASE : HostSystem.osRelease()),
                bytes(fixed ? Determinism.VERSION : HostSystem.kernelVersion()),
                bytes("x86_64"),
                t.process.uts().domainname("(none)")};
        byte[] buf = new byte[UTS_FIELD * fields.length];
        for (int i = 0; i < fields.length; i++) {
            System.arraycopy(fields[i], 0, buf, i * UTS_FIELD, Math.min(fields[i].length, UTS_FIELD - 1));
        }
        t.process.memory().write(a.get(0), buf);
        return 0;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** struct sysinfo (112 bytes on x86-64), filled from the host's /proc like a container would see. */
    private long sysinfo(GuestThread t, SyscallArgs a) {
        byte[] b = new byte[112];
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(0, t.process.determinism() != null
                ? (Determinism.BOOT_NANOS + t.process.determinism().elapsed()) / 1_000_000_000L
                : (long) HostSystem.uptimeSeconds());
        double[] load = HostSystem.loadAverages();
        for (int i = 0; i < 3; i++) buf.putLong(8 + 8 * i, (long) (load[i] * 65536));
        String[] memory = {"MemTotal", "MemFree", "Shmem", "Buffers", "SwapTotal", "SwapFree"};
        for (int i = 0; i < memory.length; i++) buf.putLong(32 + 8 * i, HostSystem.meminfoBytes(memory[i]));
        buf.putShort(80, (short) 1);
        buf.putInt(104, 1); // mem_unit: all sizes in bytes
        t.process.memory().write(a.get(0), b);
        return 0;
    }

    private long getrandom(GuestThread t, SyscallArgs a) {
        int flags = a.i32(2);
        if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0) throw Errno.EINVAL.fail();
        if ((flags & GRND_RANDOM) != 0 && (flags & GRND_INSECURE) != 0) throw Errno.EINVAL.fail();
        int length = (int) Math.min(Math.min(a.get(1), GETRANDOM_MAX), Integer.MAX_VALUE);
        if (a.get(1) < 0) length = GETRANDOM_MAX;
        byte[] bytes = new byte[Math.min(length, 1 << 16)];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(bytes.length, length - done);
            if (t.process.determinism() != null) t.process.determinism().nextBytes(bytes, n);
            else dev.jlibos.core.Csprng.fill(bytes, 0, n);
            t.process.memory().write(a.get(0) + done, bytes, 0, n);
            done += n;
        }
        return length;
    }

    private long getcpu(GuestThread t, SyscallArgs a) {
        AddressSpace m = t.process.memory();
        if (a.get(0) != 0) m.writeInt(a.get(0), 0);
        if (a.get(1) != 0) m.writeInt(a.get(1), 0);
        return 0;
    }
}
