package dev.jlibos.core.abi;

/** preadv2/pwritev2 per-call flags (RWF_*, linux/fs.h). */
public final class Rwf {
    public static final int RWF_HIPRI = 0x01, RWF_DSYNC = 0x02, RWF_SYNC = 0x04, RWF_NOWAIT = 0x08, RWF_APPEND = 0x10,
            RWF_NOAPPEND = 0x20, RWF_ATOMIC = 0x40, RWF_DONTCACHE = 0x80, RWF_NOSIGNAL = 0x100;
    /** Every flag Linux 6.18 knows (RWF_SUPPORTED): anything else is EOPNOTSUPP. */
    public static final int KNOWN = 0x1ff;
    /**
     * What any file with read_iter/write_iter takes; RWF_NOWAIT needs FMODE_NOWAIT, RWF_ATOMIC and
     * RWF_DONTCACHE support from the file system.
     */
    public static final int ITER = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_APPEND | RWF_NOAPPEND | RWF_NOSIGNAL;
    /** What a file with only plain read/write takes (do_loop_readv_writev): RWF_HIPRI. */
    public static final int LOOP = RWF_HIPRI;

    private Rwf() {
    }
}
