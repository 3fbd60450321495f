package com.example.embedding;

import dev.jlibos.junit.Guest;
import dev.jlibos.junit.GuestResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Embedding jlibos in plain Java: hash a file with busybox's sha256sum inside a sandbox that holds only
 * that file, and read the program's result. Run it from the repository root with
 * <pre>
 * mvn -q -o -pl samples/embedding -am package -DskipTests
 * java -cp 'samples/embedding/target/classes:samples/embedding/target/lib/*' com.example.embedding.HashWithBusybox hello
 * </pre>
 */
public final class HashWithBusybox {
    private HashWithBusybox() {
    }

    public static void main(String[] args) {
        String text = args.length > 0 ? String.join(" ", args) : "hello";
        try (GuestResult r = Guest.program("/bin/busybox")
                .args("sha256sum", "/data/input.txt")
                .file("/data/input.txt", text.getBytes(StandardCharsets.UTF_8))
                .timeout(Duration.ofSeconds(30))
                .run()) {
            if (r.exitCode() != 0) {
                System.err.println(r.describe());
                System.exit(1);
            }
            System.out.println("sha256(\"" + text + "\") = " + r.stdoutText().split(" ")[0]);
            System.out.println(r.syscallCount() + " syscalls, " + r.elapsed().toMillis() + " ms in the guest");
        }
    }
}
