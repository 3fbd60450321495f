package dev.jlibos.compat;

import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * iproute2's {@code ip} (dynamically linked, NETLINK_ROUTE dumps) natively versus jlibos: with the host
 * network the output is the same byte for byte; in a sandbox without it, only the loopback interface
 * shows, exactly as natively.
 */
class IpRoute2Test {
    private static final Path IP = Path.of("/bin/ip");
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C");
    private static final List<String> SYSTEM = List.of("/usr", "/lib", "/lib64", "/bin", "/etc/alternatives", "/etc/iproute2");

    /**
     * Address lifetimes of DHCP or SLAAC addresses count down by the second between the two runs:
     * only "forever" is compared as is.
     */
    private static String stable(String ipOutput) {
        return ipOutput.replaceAll("(valid_lft|preferred_lft) \\d+sec", "$1 Nsec");
    }

    private static List<String> argv(String command) {
        List<String> argv = new ArrayList<>(List.of(IP.toString()));
        argv.addAll(List.of(command.split(" ")));
        return argv;
    }

    private static String nativeOutput(String command, Path dir) throws Exception {
        RunResult r = new NativeRunner().run(IP, argv(command), ENV, dir, new byte[0]);
        assertEquals(0, r.exitCode(), r.stdoutText());
        return r.stdoutText();
    }

    @ParameterizedTest(name = "ip {0}")
    @ValueSource(strings = {"addr", "link", "-d link", "route", "-6 route", "-4 addr show dev lo", "route show table local"})
    void matchesLinux(String command, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(IP), IP + " is not installed");
        String expected = nativeOutput(command, dir);
        RunResult actual = new JlibosRunner().run(IP, argv(command), ENV, dir, new byte[0]);
        assertEquals(0, actual.exitCode(), new String(actual.stderr(), StandardCharsets.UTF_8));
        assertEquals(stable(expected), stable(actual.stdoutText()));
    }

    /** The native output's block of interface 1 (lo): its first line and the indented ones after it. */
    private static String loopbackBlock(String ipOutput) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : ipOutput.split("\n", -1)) {
            if (!line.startsWith(" ")) in = line.startsWith("1: lo:");
            if (in) out.append(line).append('\n');
        }
        return out.toString();
    }

    @ParameterizedTest(name = "ip {0} without the host network")
    @ValueSource(strings = {"addr", "link", "route"})
    void sandboxWithoutNetworkShowsLoopbackOnly(String command, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(IP), IP + " is not installed");
        String expected = command.equals("route") ? "" : loopbackBlock(nativeOutput(command, dir));
        Machine.Builder b = Machine.builder().program(IP.toString()).args(argv(command)).env(ENV).sandbox();
        for (String d : SYSTEM) if (Files.exists(Path.of(d))) b.mount(Path.of(d), d, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (Machine m = b.stdout(out).stderr(err).timeout(Duration.ofSeconds(60)).build()) {
            ExitStatus s = m.run();
            assertEquals(0, s.code(), err.toString(StandardCharsets.UTF_8));
        }
        assertEquals(stable(expected), stable(out.toString(StandardCharsets.UTF_8)));
    }

    /** Another interface of the host does not exist in the sandbox, as on a host without it. */
    @Test
    void otherInterfacesDoNotExistInTheSandbox(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(IP), IP + " is not installed");
        // "2: eth0: <...>" or "2: veth0@if5: <...>": the name of the host's second interface, if any.
        String second = null;
        for (String line : nativeOutput("-o link", dir).split("\n")) {
            String[] words = line.split(": ", 3);
            if (words.length == 3 && !words[1].equals("lo")) {
                second = words[1].replaceAll("@.*", "");
                break;
            }
        }
        Assumptions.assumeTrue(second != null, "the host has no interface but lo");
        Machine.Builder b = Machine.builder().program(IP.toString()).args(argv("link show dev " + second)).env(ENV).sandbox();
        for (String d : SYSTEM) if (Files.exists(Path.of(d))) b.mount(Path.of(d), d, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (Machine m = b.stdout(out).stderr(err).timeout(Duration.ofSeconds(60)).build()) {
            ExitStatus s = m.run();
            assertEquals(1, s.code(), out.toString(StandardCharsets.UTF_8));
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(stderr.contains("Device \"" + second + "\" does not exist."), stderr);
    }
}
