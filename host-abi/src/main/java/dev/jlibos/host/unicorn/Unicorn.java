package dev.jlibos.host.unicorn;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads the system's libunicorn.so.2 once per JVM. */
public final class Unicorn {
    /** The package that provides the library on Debian and Ubuntu. */
    public static final String DEBIAN_PACKAGE = "libunicorn2";

    private static volatile UnicornLibrary library;

    private Unicorn() {
    }

    /** Thrown when the native engine cannot be loaded; the message says how to install it. */
    public static final class MissingEngineException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingEngineException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static UnicornLibrary library() {
        UnicornLibrary lib = library;
        if (lib == null) {
            synchronized (Unicorn.class) {
                if (library == null) library = load();
                lib = library;
            }
        }
        return lib;
    }

    public static Runtime runtime() {
        return Runtime.getRuntime(library());
    }

    private static UnicornLibrary load() {
        try {
            return LibraryLoader.create(UnicornLibrary.class).failImmediately().load("libunicorn.so.2");
        } catch (LinkageError | RuntimeException e) {
            throw new MissingEngineException("cannot load libunicorn.so.2 (the Unicorn CPU emulator): install it with"
                    + " 'sudo apt-get install " + DEBIAN_PACKAGE + "'", e);
        }
    }
}
