package dev.jlibos.kernel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one options value: named limits as the CLI gives them, the setters' checks, and its trip to an isolated JVM. */
class GuestOptionsTest {
    @Test
    void everyLimitNameSetsItsOption() {
        GuestOptions o = GuestOptions.builder()
                .limit("wall", "2m").limit("cpu", "500ms").limit("memory", "64m")
                .limit("open-files", "10").limit("processes", "3").build();
        assertEquals(Duration.ofMinutes(2), o.timeout());
        assertEquals(Duration.ofMillis(500), o.cpuTimeLimit());
        assertEquals(64L << 20, o.memoryLimit());
        assertEquals(10, o.maxOpenFiles());
        assertEquals(3, o.maxProcesses());
        assertEquals(5, GuestOptions.LIMIT_NAMES.size(), "a new limit needs a case in Builder.limit and a test here");
    }

    @Test
    void plainNumbersAreSecondsAndBytes() {
        GuestOptions o = GuestOptions.builder().limit("wall", "7").limit("memory", "4096").build();
        assertEquals(Duration.ofSeconds(7), o.timeout());
        assertEquals(4096, o.memoryLimit());
    }

    @Test
    void badValuesAreRefusedWithTheSettersMessages() {
        GuestOptions.Builder b = GuestOptions.builder();
        assertEquals("at least 3 descriptors (stdio) are needed",
                assertThrows(IllegalArgumentException.class, () -> b.limit("open-files", "2")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.limit("memory", "0"));
        assertThrows(IllegalArgumentException.class, () -> b.limit("memory", "lots"));
        assertThrows(IllegalArgumentException.class, () -> b.limit("cpu", "0s"));
        assertThrows(IllegalArgumentException.class, () -> b.limit("disk", "1g"));
    }

    @Test
    void toBuilderKeepsWhatItDoesNotChange() {
        GuestOptions o = GuestOptions.builder().seed(42L).maxProcesses(5).build();
        GuestOptions changed = o.toBuilder().maxProcesses(6).build();
        assertEquals(42L, changed.seed());
        assertEquals(6, changed.maxProcesses());
        assertEquals(GuestOptions.DEFAULTS, GuestOptions.builder().build());
    }

    @Test
    void survivesSerialization() throws Exception {
        GuestOptions o = GuestOptions.builder().timeout(Duration.ofSeconds(3)).syscallPath(SyscallPath.TRAP)
                .offload(dev.jlibos.syscalls.offload.OffloadPolicy.ALL).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(o, in.readObject());
        }
    }
}
