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
                .limit("open-files", "10").limit("processes", "3").limit("output", "1k").limit("tmpfs", "2m").limit("committed", "1g").build();
        assertEquals(Duration.ofMinutes(2), o.timeout());
        assertEquals(Duration.ofMillis(500), o.cpuTimeLimit());
        assertEquals(64L << 20, o.memoryLimit());
        assertEquals(10, o.maxOpenFiles());
        assertEquals(3, o.maxProcesses());
        assertEquals(1024, o.maxOutput());
        assertEquals(2L << 20, o.tmpfsSize());
        assertEquals(1L << 30, o.committedMemory());
        assertEquals(8, GuestOptions.LIMIT_NAMES.size(), "a new limit needs a case in Builder.limit and a test here");
    }

    @Test
    void hostileGuestsAreBoundedByDefaultAndNoneLiftsABound() {
        GuestOptions d = GuestOptions.DEFAULTS;
        assertEquals(GuestOptions.DEFAULT_MAX_PROCESSES, d.maxProcesses());
        assertEquals(GuestOptions.DEFAULT_MAX_OPEN_FILES, d.maxOpenFiles());
        assertEquals(GuestOptions.DEFAULT_MAX_OUTPUT, d.maxOutput());
        assertEquals(GuestOptions.DEFAULT_TMPFS_SIZE, d.tmpfsSize());
        assertEquals(GuestOptions.DEFAULT_COMMITTED_MEMORY, d.committedMemory());
        GuestOptions lifted = GuestOptions.builder().limit("processes", "none").limit("output", "none")
                .limit("tmpfs", "none").limit("open-files", "none").limit("committed", "none").limit("wall", "1s").limit("wall", "none").build();
        assertEquals(0, lifted.maxProcesses());
        assertEquals(0, lifted.maxOutput());
        assertEquals(0, lifted.tmpfsSize());
        assertEquals(0, lifted.maxOpenFiles());
        assertEquals(0, lifted.committedMemory());
        assertEquals(null, lifted.timeout());
        assertThrows(IllegalArgumentException.class, () -> GuestOptions.builder().limit("disk", "none"));
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
