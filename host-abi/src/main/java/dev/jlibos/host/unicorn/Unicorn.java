package dev.jlibos.host.unicorn;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads libunicorn.so.2 once per JVM, by absolute path, and says which engine it is.
 *
 * <p>Which library, first match wins:
 * <ol>
 *   <li>the system property {@code jlibos.unicorn.path};</li>
 *   <li>the environment variable {@code JLIBOS_UNICORN} (inherited by test and child JVMs);</li>
 *   <li>the engine the launcher provisions, Unicorn {@value #PREFERRED_VERSION} from its official wheel, at
 *   {@code $XDG_CACHE_HOME/jlibos/engine/2.1.4/libunicorn.so.2} ({@code ~/.cache} by default);</li>
 *   <li>the system's libunicorn.so.2 by name (Debian's libunicorn2, which is 2.0.1).</li>
 * </ol>
 * Unicorn 2.0.1 takes TCG's slow path on every guest store (unicorn-engine/unicorn#1970) and aborts the
 * whole process on {@code ff /3} or {@code ff /5} with a register operand (#1716); 2.1.x fixed both, and
 * has the virtual TLB that lets the address space keep page protections itself (see {@link #pagedTlb()}).
 */
public final class Unicorn {
    /** The package that provides the fallback library on Debian and Ubuntu. */
    public static final String DEBIAN_PACKAGE = "libunicorn2";
    /** The version the launcher installs; older ones work with the costs named above. */
    public static final String PREFERRED_VERSION = "2.1.4";
    public static final String PATH_PROPERTY = "jlibos.unicorn.path";
    public static final String PATH_VARIABLE = "JLIBOS_UNICORN";

    private static volatile UnicornLibrary library;
    private static volatile String libraryPath;

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
                if (library == null) {
                    String path = chooseLibrary();
                    library = load(path);
                    libraryPath = path;
                }
                lib = library;
            }
        }
        return lib;
    }

    public static Runtime runtime() {
        return Runtime.getRuntime(library());
    }

    /**
     * What dlopen is given for the engine: an absolute path, or the bare soname when only the system's
     * library is left. Other bindings of the same library (the native block hook, FFM) open exactly this.
     */
    public static String libraryPath() {
        library();
        return libraryPath;
    }

    /** The engine's uc_version(): major << 24 | minor << 16 | patch << 8 | extra. */
    public static int version() {
        return library().uc_version(null, null);
    }

    /** "2.1.4" */
    public static String versionString() {
        int v = version();
        return (v >>> 24 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff);
    }

    /** True from 2.1.0 on: UC_CTL_TLB_TYPE / UC_HOOK_TLB_FILL exist and guest stores take the fast path. */
    public static boolean pagedTlb() {
        return (version() >>> 16) >= 0x0201;
    }

    /** The provisioned engine's place: outside any source tree, shared by every checkout of this user. */
    public static Path cachedEngine() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jlibos").resolve("engine").resolve(PREFERRED_VERSION).resolve("libunicorn.so.2");
    }

    static String chooseLibrary() {
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit == null || explicit.isEmpty()) explicit = System.getenv(PATH_VARIABLE);
        if (explicit != null && !explicit.isEmpty()) {
            Path p = Path.of(explicit).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new MissingEngineException("the Unicorn engine named by " + PATH_VARIABLE + " / -D" + PATH_PROPERTY
                        + " does not exist: " + p, null);
            }
            return p.toString();
        }
        Path cached = cachedEngine();
        if (Files.isRegularFile(cached)) return cached.toString();
        return "libunicorn.so.2";
    }

    private static UnicornLibrary load(String path) {
        try {
            return LibraryLoader.create(UnicornLibrary.class).failImmediately().load(path);
        } catch (LinkageError | RuntimeException e) {
            throw new MissingEngineException("cannot load " + path + " (the Unicorn CPU emulator): run ./jlibos once to"
                    + " install Unicorn " + PREFERRED_VERSION + ", or 'sudo apt-get install " + DEBIAN_PACKAGE + "'", e);
        }
    }
}
