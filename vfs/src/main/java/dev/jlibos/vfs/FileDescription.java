package dev.jlibos.vfs;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Rwf;

import static dev.jlibos.core.abi.Fcntl.O_ACCMODE;
import static dev.jlibos.core.abi.Fcntl.O_APPEND;
import static dev.jlibos.core.abi.Fcntl.O_NONBLOCK;
import static dev.jlibos.core.abi.Fcntl.O_RDONLY;
import static dev.jlibos.core.abi.Fcntl.O_RDWR;
import static dev.jlibos.core.abi.Fcntl.O_WRONLY;

/**
 * An open file description (Linux's {@code struct file}): what an fd refers to, shared by dup'ed fds.
 *
 * <p>Every operation defaults to the errno Linux returns when the operation does not apply to this kind
 * of file, so an implementation overrides only what it supports.
 */
public abstract class FileDescription {
    /** O_ACCMODE values. */

    /** fd table slots referring to this description, in any process (fork shares descriptions). */
    final java.util.concurrent.atomic.AtomicInteger references = new java.util.concurrent.atomic.AtomicInteger();
    /** File status flags as F_GETFL reports them (access mode, O_APPEND, O_NONBLOCK...). */
    protected int statusFlags;

    protected FileDescription(int statusFlags) {
        this.statusFlags = statusFlags;
    }

    /** The machine's output budget when this is its stdout or stderr (or a dup or fork copy of them); else null. */
    private volatile OutputBudget outputBudget;

    /** Makes writes through this description count against {@code budget}. */
    public void limitOutput(OutputBudget budget) {
        this.outputBudget = budget;
    }

    /** Whether an EFBIG from a write here is the output budget's (so the writer gets SIGXFSZ). */
    public boolean outputLimited() {
        return outputBudget != null;
    }

    /**
     * Writes through {@code writer} at most what the output budget allows, giving back what the write did
     * not use; a description without a budget writes as it is.
     */
    protected final int budgeted(int length, java.util.function.IntUnaryOperator writer) {
        OutputBudget budget = outputBudget;
        if (budget == null || length == 0) return writer.applyAsInt(length);
        int granted = budget.admit(length);
        int written = 0;
        try {
            written = writer.applyAsInt(granted);
            return written;
        } finally {
            budget.refund(granted - Math.max(written, 0));
        }
    }

    protected FileDescription() {
        this(O_RDWR);
    }

    /** The guest path this was opened as, for /proc/self/fd and /proc/self/maps; "" if it has none. */
    public String path() {
        return "";
    }

    public boolean readable() {
        return (statusFlags & O_ACCMODE) != O_WRONLY;
    }

    public boolean writable() {
        return (statusFlags & O_ACCMODE) != O_RDONLY;
    }

    /** Reads up to {@code length} bytes at the current position; 0 means end of file. */
    public int read(byte[] buffer, int offset, int length) {
        throw Errno.EINVAL.fail();
    }

    public int write(byte[] buffer, int offset, int length) {
        throw Errno.EINVAL.fail();
    }

    /** Reads at an absolute position without moving the file position (pread64). */
    public int pread(byte[] buffer, int offset, int length, long position) {
        throw Errno.ESPIPE.fail();
    }

    public int pwrite(byte[] buffer, int offset, int length, long position) {
        throw Errno.ESPIPE.fail();
    }

    public long seek(long offset, int whence) {
        throw Errno.ESPIPE.fail();
    }

    /** The 144-byte x86-64 {@code struct stat} of this file. */
    public abstract byte[] stat();

    /** The 256-byte {@code struct statx}; by default derived from {@link #stat()}. */
    public byte[] statx(int mask) {
        return StatLayout.statxFromStat(stat());
    }

    /** Fills {@code buffer} with linux_dirent64 records; 0 at end of directory. */
    public int getdents64(byte[] buffer) {
        throw Errno.ENOTDIR.fail();
    }

    /** True for files of a read-only mount: metadata changes through the fd fail with EROFS. */
    public boolean onReadOnlyMount() {
        return false;
    }

    /** Bytes written but not yet taken by the receiver, for SIOCOUTQ/TIOCOUTQ (sockets only). */
    public int outputQueued() {
        throw Errno.ENOTTY.fail();
    }

    /** Bytes that can be read without blocking, for FIONREAD. */
    public int available() {
        throw Errno.ENOTTY.fail();
    }

    /**
     * The RWF_* flags preadv2/pwritev2 take on this file in that direction, as Linux decides them: a file
     * with read_iter/write_iter takes {@link Rwf#ITER}, plus RWF_NOWAIT when it is FMODE_NOWAIT; one with
     * only read/write takes RWF_HIPRI ({@link Rwf#LOOP}, the default). A file that cannot be read (or
     * written) at all answers {@link Rwf#KNOWN}, so that the operation's own error comes first, as Linux
     * checks FMODE_CAN_READ before the flags.
     */
    public int rwFlags(boolean write) {
        return Rwf.LOOP;
    }

    /** The host fd behind this description, or -1 when it lives in the JVM (pipes, streams). */
    public int hostFd() {
        return -1;
    }

    public int statusFlags() {
        return statusFlags;
    }

    /** F_SETFL: only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT and O_NOATIME may change (fcntl(2)). */
    public void setStatusFlags(int flags) {
        int changeable = O_APPEND | O_NONBLOCK;
        statusFlags = (statusFlags & ~changeable) | (flags & changeable);
    }

    /**
     * Supplies the bytes of a file-backed mmap: like {@link #pread} for files that can be mapped. Fails
     * with ENODEV for objects that cannot be mapped (pipes, sockets, directories) and EACCES when the
     * file was not opened for reading, as mmap(2) does.
     */
    public int readForMapping(byte[] buffer, int offset, int length, long position) {
        throw Errno.ENODEV.fail();
    }

    /**
     * Readiness now, without blocking: {@link dev.jlibos.vfs.event.Poll} bits (POLLIN, POLLOUT, POLLHUP,
     * POLLERR...). The default is Linux's DEFAULT_POLLMASK for files that never block.
     */
    public int pollEvents() {
        return dev.jlibos.vfs.event.Poll.ALWAYS_READY;
    }

    /**
     * Where pollers register to hear that {@link #pollEvents()} may have changed, or null when this
     * description never announces changes: then a blocked poller re-queries it periodically (host fds).
     *
     * <p>Descriptions with a wait queue never block inside {@link #read}/{@link #write} or the socket
     * operations: they fail with EAGAIN and the syscall layer waits (unless O_NONBLOCK) and retries.
     */
    public dev.jlibos.vfs.event.WaitQueue waitQueue() {
        return null;
    }

    /**
     * Whether a blocking write goes on after a partial one until everything is written (pipe_write):
     * true for descriptions that fail with EAGAIN rather than wait, which the syscall layer then waits for.
     */
    public boolean retriesPartialWrites() {
        return waitQueue() != null;
    }

    /** fcntl F_SETSIG: the signal this description's notifications raise; 0 is plain SIGIO (Linux's f_owner.signum). */
    private volatile int notifySignal;

    public int notifySignal() {
        return notifySignal;
    }

    public void setNotifySignal(int signal) {
        this.notifySignal = signal;
    }

    /** Told, with the fd table, each time an fd referring to this description is closed (dnotify_flush); or null. */
    private volatile java.util.function.Consumer<FdTable> closeListener;

    /** Sets who is told when an fd of this description is closed (one listener: the machine's dnotify). */
    public void onDescriptorClosed(java.util.function.Consumer<FdTable> listener) {
        this.closeListener = listener;
    }

    final void descriptorClosed(FdTable table) {
        java.util.function.Consumer<FdTable> l = closeListener;
        if (l != null) l.accept(table);
    }

    /** Whether O_NONBLOCK is set: EAGAIN instead of waiting. */
    public boolean nonBlocking() {
        return (statusFlags() & O_NONBLOCK) != 0;
    }

    /**
     * Keeps this description open while no fd refers to it (a descriptor in flight in an SCM_RIGHTS
     * message); paired with {@link #unretain()}.
     */
    public void retain() {
        references.incrementAndGet();
    }

    public void unretain() {
        int left = references.decrementAndGet();
        if (left == 0) lastReferenceGone();
        else referenceDropped();
    }

    /** Whether this description holds one of the host fds {@link HostFdBudget} counts. */
    private boolean countedHostFd;

    /** Before the first reference: a description on a host fd takes its place in the JVM's budget (ENFILE). */
    final void firstReference() {
        if (!countedHostFd && hostFd() >= 0) {
            HostFdBudget.acquire();
            countedHostFd = true;
        }
    }

    /** The last reference is gone: the budget gets the host fd back, and the description is released. */
    final void lastReferenceGone() {
        if (countedHostFd) {
            countedHostFd = false;
            HostFdBudget.release();
        }
        release();
    }

    /** References to this description: fd table slots plus descriptors in flight ({@link #retain}). */
    protected final int referenceCount() {
        return references.get();
    }

    /**
     * Called when an fd referring to this description was closed (or a reference in flight dropped) and
     * others remain. AF_UNIX sockets use it to collect cycles of sockets passed in their own queues.
     */
    protected void referenceDropped() {
    }

    /** Whether no fd refers to this description any more (epoll drops such entries, as Linux does on release). */
    public boolean released() {
        return references.get() == 0;
    }

    /** Called when the last fd referring to this description is closed. */
    protected void release() {
    }
}
