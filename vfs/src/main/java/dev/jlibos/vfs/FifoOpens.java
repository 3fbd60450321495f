package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.vfs.proc.ProcTask;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import static dev.jlibos.core.abi.Fcntl.O_CLOEXEC;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_RDONLY;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/**
 * Host opens that Linux would make wait for a FIFO's other end, done so that a guest signal, SIGKILL
 * or a timeout still reaches the waiting thread. A host open that waits holds the JVM thread inside the
 * host kernel, out of reach of all of them (the syscall fuzzer hung there), so every host path is opened
 * with O_NONBLOCK and the wait, when the guest did not ask for O_NONBLOCK, happens here:
 * <ul>
 *   <li>O_WRONLY: the non-blocking open fails with ENXIO while the FIFO has no reader, so it is
 *       retried every host-poll slice: Linux's own condition, checked a few ms late.</li>
 *   <li>O_RDONLY: the non-blocking open succeeds at once and makes the guest a reader. A blocking open
 *       of the same FIFO (through /proc/self/fd) on a helper thread returns when a writer comes; the
 *       guest thread waits for it interruptibly. If a signal ends the wait first, a non-blocking writer
 *       open releases the helper. That brief writer is the one trace a peer may see: a reader blocked
 *       in its own open at that moment is released too and then reads end of file.</li>
 *   <li>O_RDWR never waits on Linux, nor here.</li>
 * </ul>
 */
final class FifoOpens {
    private static final int O_ACCMODE = 3, O_PATH = 0x200000;

    private FifoOpens() {
    }

    /** The host fd and, when the open had to look, its fstat (kept by the description). */
    record Opened(int fd, byte[] stat) {
    }

    /**
     * Opens with {@code nonBlockingOpen} (a host open that already has O_NONBLOCK), then waits as Linux's
     * blocking open of a FIFO does unless the guest's {@code flags} say O_NONBLOCK; {@code isFifo} is
     * asked only when the open failed with ENXIO.
     */
    static Opened open(ProcTask t, HostFs host, int flags, IntSupplier nonBlockingOpen, BooleanSupplier isFifo) {
        boolean waits = (flags & O_NONBLOCK) == 0 && (flags & O_PATH) == 0;
        int mode = flags & O_ACCMODE;
        while (true) {
            int fd;
            try {
                fd = nonBlockingOpen.getAsInt();
            } catch (LinuxException e) {
                if (!waits || mode != O_WRONLY || e.errno() != Errno.ENXIO || !isFifo.getAsBoolean()) throw e;
                t.pauseForHost();
                continue;
            }
            if (!waits || mode != O_RDONLY) return new Opened(fd, null);
            byte[] stat;
            try {
                stat = host.fstat(fd);
                if ((StatLayout.mode(stat) & StatLayout.S_IFMT) == StatLayout.S_IFIFO) awaitWriter(t, host, fd);
            } catch (RuntimeException e) {
                host.closeFd(fd);
                throw e;
            }
            return new Opened(fd, stat);
        }
    }

    /** True when the path names a FIFO (after symlinks, as the open followed them). */
    static boolean isFifo(HostFs host, int dirfd, byte[] path) {
        try {
            return (StatLayout.mode(host.fstatat(dirfd, path, 0)) & StatLayout.S_IFMT) == StatLayout.S_IFIFO;
        } catch (LinuxException e) {
            return false;
        }
    }

    /** Waits until the FIFO that {@code fd} reads has a writer (fifo_open's wait_for_partner). */
    private static void awaitWriter(ProcTask t, HostFs host, int fd) {
        byte[] self = ("/proc/self/fd/" + fd).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Integer> partner = new CompletableFuture<>();
        Thread helper = new Thread(() -> {
            try {
                partner.complete(host.openat(HostFs.AT_FDCWD, self, O_RDONLY | O_CLOEXEC, 0, 0));
            } catch (LinuxException e) {
                partner.complete(-1);
            } finally {
                host.close(); // the helper's marshalling block
            }
        }, "jlibos-fifo-open");
        helper.setDaemon(true);
        helper.start();
        try {
            while (!partner.isDone()) t.pauseForHost();
        } catch (RuntimeException interrupted) {
            // We are a reader, so a non-blocking writer open succeeds and lets the helper's open return.
            int release = host.openat(HostFs.AT_FDCWD, self, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0, 0);
            closeIfOpen(host, partner.join());
            host.closeFd(release);
            throw interrupted;
        }
        closeIfOpen(host, partner.join());
    }

    private static void closeIfOpen(HostFs host, int fd) {
        if (fd >= 0) host.closeFd(fd);
    }
}
