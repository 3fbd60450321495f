package dev.jlibos.signals;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.vfs.event.AnonFile;
import dev.jlibos.vfs.event.Poll;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * signalfd(2): reading dequeues pending signals of the mask as 128-byte signalfd_siginfo records.
 * It reports the signals of the process that created it (Linux: of the reader; they differ only when
 * the fd is shared with another process). A blocked reader sleeps on that process's signal state,
 * which every posted signal notifies, so no wait-queue announcement is needed.
 */
public final class SignalFdFile extends AnonFile {
    static final int RECORD = 128;
    private final ThreadSignals signals;
    private volatile long mask;

    public SignalFdFile(ThreadSignals signals, long mask, int statusFlags) {
        super("[signalfd]", O_RDWR | statusFlags);
        this.signals = signals;
        this.mask = mask;
    }

    public void setMask(long mask) {
        this.mask = mask & ~Signal.UNBLOCKABLE;
        queue.wakeAll();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length < RECORD) throw Errno.EINVAL.fail();
        int done = 0;
        while (length - done >= RECORD) {
            byte[] info = signals.take(~mask);
            if (info == null) break;
            System.arraycopy(record(info), 0, buffer, offset + done, RECORD);
            done += RECORD;
        }
        if (done == 0) throw Errno.EAGAIN.fail();
        return done;
    }

    /** siginfo_t to struct signalfd_siginfo (fields at their own offsets). */
    private static byte[] record(byte[] info) {
        byte[] r = new byte[RECORD];
        int signo = SigInfo.signo(info);
        System.arraycopy(info, 0, r, 0, 12); // signo, errno, code
        boolean fault = signo == Signal.SIGSEGV || signo == Signal.SIGBUS || signo == Signal.SIGILL
                || signo == Signal.SIGFPE || signo == Signal.SIGTRAP;
        if (fault) {
            Longs.put(r, 72, Longs.fromBytes(info, 16), 8);
        } else {
            Longs.put(r, 12, Longs.fromBytes(info, 16, 4), 4); // pid
            Longs.put(r, 16, Longs.fromBytes(info, 20, 4), 4); // uid
            Longs.put(r, 40, Longs.fromBytes(info, 24, 4), 4); // status (SIGCHLD)
            Longs.put(r, 44, Longs.fromBytes(info, 24, 4), 4); // sigval int
            Longs.put(r, 48, Longs.fromBytes(info, 24), 8);    // sigval ptr
        }
        return r;
    }

    /** signalfd_read_iter (FMODE_NOWAIT); no write at all. */
    @Override
    public int rwFlags(boolean write) {
        return write ? dev.jlibos.core.abi.Rwf.KNOWN : dev.jlibos.core.abi.Rwf.ITER | dev.jlibos.core.abi.Rwf.RWF_NOWAIT;
    }

    @Override
    public int pollEvents() {
        return (signals.pendingSet() & mask) != 0 ? Poll.IN : 0;
    }
}
