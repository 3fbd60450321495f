package dev.jlibos.loader;

/** Reads whole executables for the loader; the kernel backs it with its VFS, tests with host files. */
@FunctionalInterface
public interface ExecutableSource {
    /**
     * Returns the file's bytes, or fails with a LoadException carrying ENOENT, EACCES, EISDIR... and a
     * one-line message naming the path.
     */
    byte[] read(String path) throws LoadException;
}
