package dev.jlibos.vfs.event;

import static dev.jlibos.core.abi.Fcntl.O_RDWR;

/**
 * pidfd_open(2)'s file: a handle on a process that stays valid after it ends. It polls readable
 * (POLLIN|POLLRDNORM) once the whole process has exited and, once it has been reaped, hung up too
 * (pidfd_poll); reads and writes are EINVAL and seeks ESPIPE, as on Linux. The process is the kernel's
 * ({@link Target}); the syscall layer takes it back with {@link #target()}.
 */
public final class PidFd extends AnonFile {
    /** What a pidfd refers to: a process of the guest's machine. */
    public interface Target {
        int pid();

        /** Every thread has exited: a zombie or a reaped process. */
        boolean ended();

        /** Its status was collected (or it was an orphan that ended): its pid is gone. */
        boolean reaped();

        /** Woken when {@link #ended} and then {@link #reaped} become true. */
        WaitQueue endWaiters();
    }

    private final Target target;

    public PidFd(Target target, int statusFlags) {
        super("[pidfd]", O_RDWR | statusFlags);
        this.target = target;
    }

    public Target target() {
        return target;
    }

    @Override
    public WaitQueue waitQueue() {
        return target.endWaiters();
    }

    /** Neither read nor write: EINVAL before any flag is looked at. */
    @Override
    public int rwFlags(boolean write) {
        return dev.jlibos.core.abi.Rwf.KNOWN;
    }

    @Override
    public int pollEvents() {
        if (target.reaped()) return Poll.IN | Poll.POLLHUP;
        return target.ended() ? Poll.IN : 0;
    }
}
