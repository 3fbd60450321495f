package dev.jlibos.vfs;

import dev.jlibos.core.Errno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The size cap of one in-memory directory (a sandbox's root or a {@code --tmpfs}), Linux tmpfs's
 * {@code size=}. Those files live in the host's /dev/shm, so without a cap a guest could take the host's
 * memory. Past the cap a write is cut short at the last page that fits, and one that cannot write a byte
 * fails with ENOSPC, as on a full tmpfs.
 *
 * <p>What counts is each regular file's page-rounded size or allocated blocks, whichever is larger: a
 * sparse file counts whole, so that stores through a MAP_SHARED mapping (which no syscall sees) can never
 * fill more than ftruncate was allowed to promise. Growth is checked without host calls while it clearly
 * fits: the quota keeps an upper bound of the bytes in use (the last count plus every byte granted since,
 * overwrites included). Only a write that would push the bound past the cap asks the host: the file's
 * fstat for the exact growth and, when even that does not fit, a fresh count of the tree (deletions since
 * the last count freed space).
 */
public final class TmpfsQuota {
    private static final long PAGE = 4096;

    private final Path hostRoot;
    private final long capacity;
    private final Runnable onFull;
    /** An upper bound of the bytes in use; guarded by this. */
    private long bound;

    /**
     * {@code hostRoot}: the host directory behind the mount; {@code capacity}: bytes; {@code onFull}: told each
     * time a growth is refused or cut short (the machine's log line and exceeded-limit record).
     */
    public TmpfsQuota(Path hostRoot, long capacity, Runnable onFull) {
        if (capacity <= 0) throw new IllegalArgumentException("tmpfs size must be positive");
        this.hostRoot = hostRoot;
        this.capacity = capacity;
        this.onFull = onFull;
    }

    public long capacity() {
        return capacity;
    }

    /**
     * How many of {@code count} bytes a write to host fd {@code fd} may write; {@code startOf} gives where the
     * write begins (asked only when the cheap check is not enough). Throws ENOSPC when not one byte fits.
     */
    public long admitWrite(HostFs host, int fd, LongSupplier startOf, long count) {
        synchronized (this) {
            if (bound + count <= capacity) {
                bound += count;
                return count;
            }
        }
        long start = startOf.getAsLong();
        long allowedEnd = admitEnd(host, fd, start + count);
        if (allowedEnd <= start) throw Errno.ENOSPC.fail();
        return Math.min(count, allowedEnd - start);
    }

    /** Before a file open on {@code fd} is made {@code newEnd} bytes long (truncate, fallocate): ENOSPC if it does not fit. */
    public void admitLength(HostFs host, int fd, long newEnd) {
        if (admitEnd(host, fd, newEnd) < newEnd) throw Errno.ENOSPC.fail();
    }

    /** The end, at most {@code end}, to which the file on {@code fd} may grow; records the growth granted. */
    private long admitEnd(HostFs host, int fd, long end) {
        byte[] stat = host.fstat(fd);
        long used = usage(stat), wanted = pages(end) - used;
        if (wanted <= 0) return end;
        synchronized (this) {
            if (bound + wanted > capacity) bound = countTree(host);
            long free = Math.max(0, capacity - bound);
            long granted = Math.min(wanted, free / PAGE * PAGE);
            bound += granted;
            if (granted == wanted) return end;
            onFull.run();
            return used + granted;
        }
    }

    private static long usage(byte[] stat) {
        return pages(Math.max(StatLayout.size(stat), StatLayout.blocks(stat) * 512));
    }

    private static long pages(long bytes) {
        return bytes <= 0 ? 0 : ((bytes - 1) / PAGE + 1) * PAGE;
    }

    /**
     * The bytes the tree holds now, each inode once (hard links). The walk does not follow symlinks;
     * files that vanish while it runs are skipped. Files unlinked but still open are not seen (a Quirk).
     */
    private long countTree(HostFs host) {
        long[] total = {0};
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(hostRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile() || !seen.add(attrs.fileKey())) return FileVisitResult.CONTINUE;
                    try {
                        total[0] += usage(host.fstatat(HostFs.AT_FDCWD, file.toString().getBytes(StandardCharsets.UTF_8),
                                dev.jlibos.core.abi.At.AT_SYMLINK_NOFOLLOW));
                    } catch (RuntimeException gone) {
                        // removed since it was listed
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return capacity; // cannot count: grant nothing more rather than guess
        }
        return total[0];
    }
}
