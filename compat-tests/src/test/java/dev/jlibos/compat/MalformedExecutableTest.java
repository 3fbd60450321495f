package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.jlibos.compat.ElfImages.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Executables the loader must refuse: each run must end with a LoadException whose one-line
 * message names the problem, within a second, and without any other exception escaping.
 * The jlibos side only; the native tests check that the images are what they claim to be.
 */
class MalformedExecutableTest {
    private static final Duration LIMIT = Duration.ofSeconds(1);

    /**
     * @param message    what the load error must mention (case-insensitive regex; lenient
     *                   about wording, strict about the subject)
     * @param linuxExecs whether Linux's execve accepts the image (then it dies later instead)
     */
    record Case(String name, byte[] image, Pattern message, boolean linuxExecs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        byte[] good = exit64(7);
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        random[0] = 0x12; // never accidentally "\x7fELF" or "#!"
        return List.of(
                new Case("empty file", new byte[0], rx("empty|too short|truncat|not an? (elf|executable)|exec format|magic"), false),
                new Case("4 KiB of random bytes", random, rx("not an? (elf|executable)|exec format|magic|unrecogni|unknown format"), false),
                new Case("truncated ELF (40 bytes)", truncated(good, 40), rx("truncat|too short|short|incomplete|header|exec format"), false),
                new Case("32-bit ELF", exit32(7), rx("32|class"), false),
                new Case("aarch64 ELF", withMachine(good, EM_AARCH64), rx("machine|aarch64|arm|architecture|x86"), false),
                new Case("program headers outside the file", withPhoff(good, 1 << 20), rx("program header|phoff|outside|beyond|truncat|offset"), false),
                new Case("segment data outside the file", withPhdrField(good, 0, PH_OFFSET, 1L << 30), rx("segment|outside|beyond|offset|truncat|file size"), false),
                new Case("absurd p_memsz", withPhdrField(good, 0, PH_MEMSZ, 0x7fff_ffff_ffff_0000L), rx("memsz|size|too (large|big)|huge|memory|overflow|address"), true),
                new Case("entry point not mapped", withEntry(good, 0xdead_0000L), rx("entry"), true),
                new Case("#! script with missing interpreter", "#!/nonexistent/interp -x\necho hi\n".getBytes(StandardCharsets.US_ASCII),
                        rx("interpreter|/nonexistent/interp|no such file"), false));
    }

    private static Pattern rx(String s) {
        return Pattern.compile(s, Pattern.CASE_INSENSITIVE);
    }

    private static Path executable(Path dir, String name, byte[] image) throws IOException {
        Path p = dir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
        Files.write(p, image);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @ParameterizedTest(name = "jlibos refuses: {0}")
    @MethodSource("cases")
    void jlibosRefuses(Case c, @TempDir Path dir) throws IOException {
        GuestRunner jlibos = Runners.requireJlibos();
        Path exe = executable(dir, c.name(), c.image());
        RunResult r;
        try {
            r = jlibos.run(exe, List.of(exe.toString()), List.of(), dir, new byte[0]);
        } catch (RuntimeException | Error e) {
            throw new AssertionError(c.name() + ": jlibos threw " + e + " instead of a LoadException", e);
        }
        String where = c.name() + " (" + r.describeStatus() + ", " + r.elapsed().toMillis() + " ms)";
        assertTrue(r.elapsed().compareTo(LIMIT) <= 0, where + ": took longer than " + LIMIT.toMillis() + " ms");
        if (c.linuxExecs() && r.loaded() && r.signal() == Signals.SIGSEGV) {
            return; // what Linux does: execve succeeds and the first instruction fetch faults
        }
        assertFalse(r.loaded(), where + ": expected a load error");
        String msg = r.loadError();
        assertFalse(msg.isBlank(), where + ": empty load error message");
        assertFalse(msg.contains("\n"), where + ": load error is not one line: " + msg);
        assertTrue(c.message().matcher(msg).find(), where + ": load error does not mention the problem (/"
                + c.message().pattern() + "/): " + msg);
    }

    // No native "Linux refuses it too" check: the JDK's process launcher, like execvp(3), retries
    // an ENOEXEC image with /bin/sh, so ProcessBuilder cannot observe execve's own answer.

    @Test
    void handBuiltImageRunsNatively(@TempDir Path dir) throws IOException {
        Path exe = executable(dir, "exit7", exit64(7));
        RunResult r = Runners.host().run(exe, List.of(exe.toString()), List.of(), dir, new byte[0]);
        assertEquals(7, r.shellStatus(), "the unmutated image must be a valid program: " + r.describeStatus());
    }

    @Test
    void handBuiltImageRunsUnderJlibos(@TempDir Path dir) throws IOException {
        GuestRunner jlibos = Runners.requireJlibos();
        Path exe = executable(dir, "exit7", exit64(7));
        RunResult r = jlibos.run(exe, List.of(exe.toString()), List.of(), dir, new byte[0]);
        assertEquals(7, r.shellStatus(), r.describeStatus());
    }

    @Test
    void handBuilt32BitImageIsValid(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(ia32Works(dir), "host kernel does not run i386 binaries");
    }

    private static boolean ia32Works(Path dir) throws IOException, InterruptedException {
        Path exe = executable(dir, "exit32", exit32(7));
        try {
            // In the temp dir, output discarded: where the host refuses i386 (ENOEXEC) the JDK's launcher
            // retries the image with /bin/sh, which reads its bytes as a script; a '>' among them (x86-64's
            // e_machine is 62) once redirected into a file named after the header, in the working directory.
            return new ProcessBuilder(exe.toString()).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 7;
        } catch (IOException e) {
            return false;
        }
    }
}
