package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.FileDescription;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.HostFs;
import dev.jlibos.vfs.StatLayout;

import static dev.jlibos.core.abi.Fcntl.O_APPEND;
import static dev.jlibos.kernel.syscall.Trait.GROWS_FILES;

/** Calls on byte ranges of regular files: fallocate and copy_file_range. */
public final class FileRangeCalls implements SyscallFamily {
    private static final long MAX_RW_COUNT = 0x7ffff000L;
    private static final int CHUNK = HostFs.CHUNK;

    @Override
    public void register(SyscallRegistry r) {
        r.full(Sysno.FALLOCATE, this::fallocate).traits(GROWS_FILES).coveredBy("CProgramsTest[fileops]");
        r.full(Sysno.COPY_FILE_RANGE, this::copyFileRange).coveredBy("CProgramsTest[fileops]");
    }

    /** Host files go to the host (which checks mode bits, access and space); pipes cannot be allocated. */
    private long fallocate(GuestThread t, SyscallArgs a) {
        FileDescription f = t.process.files.get(a.i32(0));
        if (a.get(2) < 0 || a.get(3) <= 0) throw Errno.EINVAL.fail();
        if (!f.writable()) throw Errno.EBADF.fail();
        if (f.hostFd() < 0) throw Errno.ESPIPE.fail();
        if (f.onReadOnlyMount()) throw Errno.EROFS.fail();
        if (f instanceof HostFile h && h.quota() != null) admitAllocation(t, h, a.i32(1), a.get(2), a.get(3));
        long r = t.process.fs().host.raw(HostFs.FALLOCATE, f.hostFd(), a.i32(1), a.get(2), a.get(3), 0, 0);
        if (r < 0) throw Errno.fromHost((int) -r).fail();
        if ((a.i32(1) & HostFs.FALLOC_FL_COLLAPSE_RANGE) != 0) t.process.fs().host.fileMayHaveShrunk(f.hostFd());
        return 0;
    }

    /**
     * A capped in-memory file may grow only as far as its quota allows (ENOSPC, as a full tmpfs): modes that
     * allocate count to {@code offset + length} (FALLOC_FL_KEEP_SIZE too: the pages are taken all the same);
     * INSERT_RANGE lengthens the file by {@code length}; PUNCH_HOLE and COLLAPSE_RANGE only free.
     */
    private static void admitAllocation(GuestThread t, HostFile file, int mode, long offset, long length) {
        if ((mode & (FALLOC_FL_PUNCH_HOLE | HostFs.FALLOC_FL_COLLAPSE_RANGE)) != 0) return;
        HostFs host = t.process.fs().host;
        long end = (mode & FALLOC_FL_INSERT_RANGE) != 0 ? StatLayout.size(host.fstat(file.hostFd())) + length : offset + length;
        if (end < 0) return; // overflow: the host answers EFBIG
        file.quota().admitLength(host, file.hostFd(), end);
    }

    private static final int FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_INSERT_RANGE = 0x20;

    /**
     * copy_file_range(fd_in, off_in*, fd_out, off_out*, len, flags): a pread/pwrite loop between two
     * regular files with Linux's checks (flags must be 0, O_APPEND output is EBADF, overlapping ranges
     * of one file are EINVAL); offsets given by pointer are updated instead of the file positions.
     */
    private long copyFileRange(GuestThread t, SyscallArgs a) {
        FileDescription in = t.process.files.get(a.i32(0)), out = t.process.files.get(a.i32(2));
        long inOffAddr = a.get(1), outOffAddr = a.get(3), len = a.get(4);
        if (a.i32(5) != 0) throw Errno.EINVAL.fail();
        if (!in.readable() || !out.writable() || (out.statusFlags() & O_APPEND) != 0) throw Errno.EBADF.fail();
        int inType = StatLayout.mode(in.stat()) & StatLayout.S_IFMT, outType = StatLayout.mode(out.stat()) & StatLayout.S_IFMT;
        if (inType == StatLayout.S_IFDIR || outType == StatLayout.S_IFDIR) throw Errno.EISDIR.fail();
        if (inType != StatLayout.S_IFREG || outType != StatLayout.S_IFREG || !(in instanceof HostFile) || !(out instanceof HostFile)) {
            throw Errno.EINVAL.fail();
        }
        var m = t.process.memory();
        long inPos = inOffAddr != 0 ? m.readLong(inOffAddr) : in.seek(0, 1);
        long outPos = outOffAddr != 0 ? m.readLong(outOffAddr) : out.seek(0, 1);
        if (inPos < 0 || outPos < 0) throw Errno.EINVAL.fail();
        len = Math.min(len, MAX_RW_COUNT);
        if (sameFile(in, out) && inPos < outPos + len && outPos < inPos + len) throw Errno.EINVAL.fail();
        byte[] chunk = new byte[(int) Math.min(Math.max(len, 0), CHUNK)];
        long done = 0;
        while (done < len) {
            int want = (int) Math.min(chunk.length, len - done);
            int n = in.pread(chunk, 0, want, inPos + done);
            if (n <= 0) break;
            int written = 0;
            while (written < n) written += out.pwrite(chunk, written, n - written, outPos + done + written);
            done += n;
            if (n < want) break;
        }
        if (inOffAddr != 0) m.writeLong(inOffAddr, inPos + done); else in.seek(inPos + done, 0);
        if (outOffAddr != 0) m.writeLong(outOffAddr, outPos + done); else out.seek(outPos + done, 0);
        return done;
    }

    private static boolean sameFile(FileDescription a, FileDescription b) {
        byte[] x = a.stat(), y = b.stat();
        return java.util.Arrays.equals(x, 0, 16, y, 0, 16); // st_dev and st_ino
    }
}
