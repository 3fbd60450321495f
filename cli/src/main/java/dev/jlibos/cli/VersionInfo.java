package dev.jlibos.cli;

import dev.jlibos.host.unicorn.Unicorn;
import dev.jlibos.host.unicorn.UnicornCpu;
import picocli.CommandLine;

/**
 * {@code ./jlibos --version}: jlibos's version, and which engine this JVM loads (uc_version and the library's
 * path), since speed and a few behaviours depend on it (see README, Engine).
 */
final class VersionInfo implements CommandLine.IVersionProvider {
    static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        String engine;
        try {
            engine = "Unicorn " + Unicorn.versionString() + " (" + Unicorn.libraryPath() + "), "
                    + (Unicorn.pagedTlb() ? "paged protection" : "one engine region per mapping")
                    + ", " + UnicornCpu.bindingName() + " binding";
        } catch (RuntimeException | LinkageError e) {
            engine = "no engine: " + e.getMessage();
        }
        return new String[] {"jlibos " + VERSION, "engine: " + engine,
                "java: " + System.getProperty("java.vm.name") + " " + Runtime.version()};
    }
}
