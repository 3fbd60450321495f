package dev.jlibos.loader;

/** Reads whole executables for the loader; the kernel backs it with its VFS, tests with host files. */
@FunctionalInterface
public interface ExecutableSource {
    /**
     * Returns the file's bytes, or fails with a LoadException carrying ENOENT, EACCES, EISDIR... and a
     * one-line message naming the path.
     */
    byte[] read(String path) throws LoadException;

    /**
     * As {@link #read}, with the file's identity: a value equal for two reads only when the file cannot have
     * changed in between (the kernel's is device, inode, size, mtime and ctime, taken before and after the
     * read), or null when the source cannot tell. A pooled image is reused only for equal identities.
     */
    default Identified readIdentified(String path) throws LoadException {
        return new Identified(read(path), null);
    }

    /** A file's bytes and its identity (null: unknown). */
    record Identified(byte[] bytes, Object identity) {
    }
}
