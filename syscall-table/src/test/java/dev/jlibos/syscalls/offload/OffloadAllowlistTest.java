package dev.jlibos.syscalls.offload;

import dev.jlibos.syscalls.ArgKind;
import dev.jlibos.syscalls.SyscallDef;
import dev.jlibos.syscalls.SyscallTable;
import dev.jlibos.syscalls.Sysno;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffloadAllowlistTest {
    /** Argument kinds of the syscall table that are guest pointers. */
    private static final Set<ArgKind> POINTERS = EnumSet.of(ArgKind.PTR, ArgKind.STRUCT, ArgKind.PATH, ArgKind.STRING,
            ArgKind.BUF_IN, ArgKind.BUF_OUT, ArgKind.STRING_OUT, ArgKind.SIGSET_PTR, ArgKind.SIGSET_OUT, ArgKind.ARGV,
            ArgKind.ENVP);

    @Test
    void nothingThatTouchesTheJvmIsEverForwarded() {
        for (int nr : OffloadAllowlist.NEVER) {
            assertNull(OffloadAllowlist.get(nr), SyscallTable.getOrUnknown(nr).name() + " must never be forwarded");
        }
        for (int nr : new int[] {Sysno.MMAP, Sysno.MUNMAP, Sysno.MPROTECT, Sysno.BRK, Sysno.CLONE, Sysno.FORK,
                Sysno.EXECVE, Sysno.EXIT, Sysno.EXIT_GROUP, Sysno.ARCH_PRCTL, Sysno.RT_SIGACTION, Sysno.KILL,
                Sysno.PRCTL, Sysno.SETRLIMIT, Sysno.FUTEX, Sysno.SET_TID_ADDRESS, Sysno.GETPID, Sysno.CLOSE}) {
            assertTrue(OffloadAllowlist.NEVER.contains(nr), SyscallTable.getOrUnknown(nr).name());
        }
    }

    /** Every entry matches the Linux prototype: same arity, and every guest pointer has a copying kind. */
    @Test
    void everyPointerArgumentIsMarshalled() {
        assertFalse(OffloadAllowlist.all().isEmpty());
        for (OffloadSpec spec : OffloadAllowlist.all()) {
            SyscallDef def = SyscallTable.get(spec.number());
            assertNotNull(def, "number " + spec.number());
            assertEquals(def.arity(), spec.args().size(), def.name() + " arity");
            for (int i = 0; i < def.arity(); i++) {
                ArgKind kind = def.args().get(i);
                Marshal m = spec.args().get(i);
                String where = def.name() + " argument " + i;
                assertEquals(POINTERS.contains(kind), m.isPointer(), where + ": pointer-ness");
                assertEquals(kind == ArgKind.FD, m.kind() == Marshal.Kind.FD, where + ": fd");
                assertEquals(kind == ArgKind.DIRFD, m.kind() == Marshal.Kind.DIRFD, where + ": dirfd");
                if (kind == ArgKind.PATH) assertEquals(Marshal.Kind.PATH, m.kind(), where);
                if (m.kind() == Marshal.Kind.DIRFD) assertEquals(Marshal.Kind.PATH, spec.args().get(i + 1).kind(),
                        where + ": a dirfd is followed by its path");
                if (m.kind() == Marshal.Kind.IN_BUF || m.kind() == Marshal.Kind.OUT_BUF) {
                    assertTrue(m.sizeArg() > i || m.sizeArg() >= 0, where);
                }
            }
            if (spec.result() == OffloadSpec.Result.NEW_FD) {
                assertTrue(spec.flagsArg() >= 0 && spec.cloexecBit() != 0, def.name() + ": NEW_FD needs its cloexec flag");
            }
        }
    }

    @Test
    void creatingOpensStayServed() {
        OffloadSpec openat = OffloadAllowlist.get(Sysno.OPENAT);
        assertTrue((openat.declineMask() & 0x40 /* O_CREAT */) != 0);
        assertTrue(openat.takesPath());
        assertFalse(OffloadAllowlist.get(Sysno.READ).takesPath());
    }

    @Test
    void policies() {
        assertEquals(OffloadPolicy.NONE, OffloadPolicy.defaultFor(true));
        assertEquals(OffloadPolicy.AUTO, OffloadPolicy.defaultFor(false));
        assertEquals(OffloadPolicy.ALL, OffloadPolicy.parse("All"));
        assertThrows(IllegalArgumentException.class, () -> OffloadPolicy.parse("some"));
    }
}
