package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;

import java.time.Duration;
import java.util.List;

/** Runs one program in a sandbox and exits with its shell status: for tests that must survive the JVM dying. */
public final class RunGuestMain {
    private RunGuestMain() {}

    public static void main(String[] args) throws Exception {
        int status = Machine.builder().program(args[0]).args(List.of(args[0])).sandbox().hostStdio()
                .timeout(Duration.ofSeconds(30)).build().run().shellStatus();
        System.exit(status);
    }
}
