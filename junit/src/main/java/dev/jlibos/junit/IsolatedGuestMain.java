package dev.jlibos.junit;

import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of a {@link Guest#isolated} run: reads the guest from {@code DIR/guest}, runs it here with
 * its output copied to {@code DIR/stdout} and {@code DIR/stderr} as it comes (so that it outlives an engine
 * abort), writes {@code DIR/outcome} and exits 0. Any other end of this JVM is the parent's to explain.
 */
final class IsolatedGuestMain {
    private IsolatedGuestMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        // A parent that dies (killed, or exiting mid-test) must not leave this JVM running its guest on.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        Guest guest;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(dir.resolve(Isolation.GUEST)))) {
            guest = (Guest) in.readObject();
        }
        Path outcome = dir.resolve(Isolation.OUTCOME);
        // Unbuffered on purpose: each guest write reaches the file before the engine can abort.
        try (OutputStream out = Files.newOutputStream(dir.resolve(Isolation.STDOUT));
             OutputStream err = Files.newOutputStream(dir.resolve(Isolation.STDERR))) {
            GuestResult result = guest.runHere(out, err);
            IsolatedOutcome.writeResult(outcome, result);
        } catch (GuestLaunchException e) {
            IsolatedOutcome.writeFailure(outcome, true, e.getMessage());
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            IsolatedOutcome.writeFailure(outcome, false, trace.toString());
        }
        // Guest threads or the engine's may still be around; the outcome is written, nothing else matters.
        System.exit(0);
    }
}
