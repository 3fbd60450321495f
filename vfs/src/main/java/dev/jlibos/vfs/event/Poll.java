package dev.jlibos.vfs.event;

/** The Linux poll(2)/epoll(7) event bits (asm-generic/poll.h, eventpoll.h). */
public final class Poll {
    public static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10,
            POLLNVAL = 0x20, POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200,
            POLLRDHUP = 0x2000;
    /** What a file that never blocks reports (Linux's DEFAULT_POLLMASK). */
    public static final int ALWAYS_READY = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    /** Readable / writable in either spelling. */
    public static final int IN = POLLIN | POLLRDNORM, OUT = POLLOUT | POLLWRNORM;

    private Poll() {
    }
}
