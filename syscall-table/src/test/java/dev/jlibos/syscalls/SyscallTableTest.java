package dev.jlibos.syscalls;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class SyscallTableTest {
    private static final List<Path> HEADERS = List.of(
            Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"), Path.of("/usr/include/asm/unistd_64.h"));

    /** number -> name from the host's kernel headers, or skip if this machine has none. */
    private static Map<Integer, String> header() throws IOException {
        Path h = HEADERS.stream().filter(Files::isReadable).findFirst().orElse(null);
        Assumptions.assumeTrue(h != null, "no unistd_64.h on this machine");
        Map<Integer, String> out = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^#define __NR_(\\w+)\\s+(\\d+)\\s*$").matcher(Files.readString(h));
        while (m.find()) out.put(Integer.parseInt(m.group(2)), m.group(1));
        assertTrue(out.size() > 300, "parsed too little of " + h);
        return out;
    }

    @Test
    void everyHeaderSyscallIsInTheTableWithTheSameName() throws IOException {
        List<String> problems = new ArrayList<>();
        header().forEach((nr, name) -> {
            SyscallDef d = SyscallTable.get(nr);
            if (d == null) problems.add(nr + " " + name + " missing");
            else if (!d.name().equals(name)) problems.add(nr + " is " + d.name() + ", header says " + name);
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void tableDefinesNothingTheHeaderLeavesUnassigned() throws IOException {
        Map<Integer, String> header = header();
        int last = header.keySet().stream().max(Integer::compare).orElseThrow();
        for (SyscallDef d : SyscallTable.all()) {
            // Numbers above the header's last one are newer kernels' calls, which this header cannot judge.
            if (d.number() <= last) assertTrue(header.containsKey(d.number()), d.name() + " is not in the header");
        }
    }

    @Test
    void sysnoConstantsMatchTheTable() throws IllegalAccessException {
        int constants = 0;
        for (Field f : Sysno.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) continue;
            constants++;
            SyscallDef d = SyscallTable.get(f.getInt(null));
            assertNotNull(d, f.getName());
            assertEquals(f.getName().toLowerCase(), d.name());
        }
        assertEquals(SyscallTable.all().size(), constants);
    }

    @Test
    void lookups() {
        assertEquals("read", SyscallTable.get(Sysno.READ).name());
        assertEquals(Sysno.OPENAT, SyscallTable.byName("openat").number());
        assertNull(SyscallTable.byName("no_such_call"));
        assertNull(SyscallTable.get(-1));
        for (int nr = 335; nr <= 423; nr++) assertNull(SyscallTable.get(nr), "unassigned " + nr);
        assertNull(SyscallTable.get(512), "x32 numbers are not part of the 64-bit ABI");
        assertNull(SyscallTable.get(SyscallTable.limit()));
        assertEquals("syscall_0x190", SyscallTable.getOrUnknown(400).name());
        assertEquals("futex_requeue", SyscallTable.getOrUnknown(0x1c8).name(), "456 is assigned since Linux 6.7");
        assertEquals(6, SyscallTable.getOrUnknown(400).arity());
    }

    @Test
    void allIsInNumberOrderWithoutGaps() {
        List<SyscallDef> all = SyscallTable.all();
        for (int i = 1; i < all.size(); i++) assertTrue(all.get(i - 1).number() < all.get(i).number());
        for (int nr = 0; nr <= Sysno.RSEQ; nr++) assertNotNull(SyscallTable.get(nr), "hole at " + nr);
        for (int nr = Sysno.PIDFD_SEND_SIGNAL; nr < SyscallTable.limit(); nr++) assertNotNull(SyscallTable.get(nr));
    }

    @Test
    void aritiesOfWellKnownPrototypes() {
        assertArity(0, "getpid");
        assertArity(1, "exit_group");
        assertArity(3, "read");
        assertArity(4, "openat");
        assertArity(6, "mmap");
        assertArity(5, "clone");
        assertArity(3, "fchmodat"); // the kernel's has no flags; fchmodat2 added them
        assertArity(4, "fchmodat2");
        assertArity(4, "rt_sigaction");
        assertArity(6, "futex");
        assertArity(5, "statx");
        assertArity(4, "rseq");
        assertArity(2, "clone3");
        assertArity(5, "preadv");
        assertEquals(ResultKind.HEX, SyscallTable.byName("mmap").result());
        assertEquals(ResultKind.HEX, SyscallTable.byName("brk").result());
        assertEquals(ResultKind.FD, SyscallTable.byName("openat").result());
        assertEquals(ResultKind.NONE, SyscallTable.byName("exit").result());
    }

    @Test
    void kindsThatReadANeighbourHaveOne() {
        for (SyscallDef d : SyscallTable.all()) {
            List<ArgKind> a = d.args();
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) == ArgKind.BUF_IN) assertTrue(i + 1 < a.size(), d.name() + ": BUF_IN needs a length");
                if (a.get(i) == ArgKind.FCNTL_ARG) assertEquals(ArgKind.FCNTL_CMD, a.get(i - 1), d.name());
            }
        }
    }

    private static void assertArity(int expected, String name) {
        assertEquals(expected, SyscallTable.byName(name).arity(), name);
    }
}
