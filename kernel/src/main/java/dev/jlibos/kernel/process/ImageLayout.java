package dev.jlibos.kernel.process;

/**
 * Where things go in a process's current image: the program break (brk) and the top of the region
 * mmap searches without a hint, set by the loader, copied by fork and reset by execve; and the kml-shim's
 * data page when syscall sites are rewritten. Changed only under the process's execution lock.
 */
public final class ImageLayout {
    /** Top of the region searched downwards for mmap without a hint. */
    private static final long MMAP_BASE = 0x7ffff7fff000L;

    private long brkStart, brk;
    private long mmapBase = MMAP_BASE;
    private long shimData;
    /** The kml-shim's rewritten syscall sites in this image (a handful: one per served libc wrapper). */
    private long[] rewrittenSites = new long[0];

    /** Where brk started: the end of the program's bss. */
    public long brkStart() {
        return brkStart;
    }

    /** The current program break. */
    public long brk() {
        return brk;
    }

    /** brk(2) moved the break (the caller checked and mapped the pages). */
    public void moveBreak(long to) {
        brk = to;
    }

    public long mmapBase() {
        return mmapBase;
    }

    /** A new image: its heap starts (and is empty) at {@code brkStart}; no shim pages yet. */
    public void startImage(long brkStart) {
        this.brkStart = brkStart;
        this.brk = brkStart;
        this.shimData = 0;
        this.rewrittenSites = new long[0];
    }

    /** Where the kml-shim's data page is in this image, or 0 when sites are not rewritten. */
    public long shimData() {
        return shimData;
    }

    public void shimData(long address) {
        shimData = address;
    }

    /** The syscall sites the kml-shim rewrote in this image. */
    public long[] rewrittenSites() {
        return rewrittenSites.clone();
    }

    public void siteRewritten(long site) {
        rewrittenSites = java.util.Arrays.copyOf(rewrittenSites, rewrittenSites.length + 1);
        rewrittenSites[rewrittenSites.length - 1] = site;
    }

    /** The rewritten sites were put back (seccomp): none is rewritten any more. */
    public void sitesRestored() {
        rewrittenSites = new long[0];
    }

    /** fork (and a snapshot's run): the child's image is a copy of {@code from}'s. */
    void copyFrom(ImageLayout from) {
        brkStart = from.brkStart;
        brk = from.brk;
        mmapBase = from.mmapBase;
        shimData = from.shimData;
        rewrittenSites = from.rewrittenSites;
    }
}
