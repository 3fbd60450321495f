package dev.jlibos.kernel.syscall;

import dev.jlibos.kernel.Families;
import dev.jlibos.syscalls.SyscallTable;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The traits the families declare are the sets the dispatcher and the kml-shim used to hard-code: a
 * change here changes behaviour (restart after a signal, offload under RLIMIT_FSIZE, strace of execve,
 * which calls the in-guest stub answers), so it must be deliberate.
 */
class SyscallTraitsTest {
    private static List<String> names(Trait t) {
        return Arrays.stream(Families.registry().numbersWith(t)).mapToObj(n -> SyscallTable.get(n).name()).toList();
    }

    @Test
    void restartableCallsAreLinuxsErestartsysSleepers() {
        // The opens: waiting for a FIFO's other end (fifo_open) ends in ERESTARTSYS too; so do the lock waits
        // of fcntl (F_SETLKW, F_OFD_SETLKW) and flock (locks_lock_inode_wait).
        assertEquals(List.of("read", "write", "open", "readv", "writev", "accept", "sendto", "recvfrom", "sendmsg",
                "recvmsg", "wait4", "fcntl", "flock", "creat", "futex", "waitid", "openat", "accept4", "preadv2",
                "pwritev2", "openat2"),
                names(Trait.RESTARTABLE));
    }

    @Test
    void callsThatGrowFilesStayLocalUnderAnFsizeLimit() {
        assertEquals(List.of("write", "pwrite64", "writev", "truncate", "ftruncate", "fallocate", "pwritev", "pwritev2"),
                names(Trait.GROWS_FILES));
    }

    @Test
    void onlyExecReplacesTheImage() {
        assertEquals(List.of("execve", "execveat"), names(Trait.REPLACES_IMAGE));
    }

    @Test
    void theShimServesIdentityCallsAndRefreshesAfterSetIdCalls() {
        assertEquals(List.of("getpid", "getuid", "getgid", "geteuid", "getegid"), names(Trait.SHIM_SERVED));
        assertEquals(List.of("setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid"), names(Trait.SHIM_REFRESH));
    }

    @Test
    void everyRegisteredEntryNamesItsFamily() {
        for (SyscallRegistry.Entry e : Families.registry().describeAll()) {
            if (e.support() != Support.UNIMPLEMENTED) assertFalse(e.family().isEmpty(), e.def().name());
        }
    }
}
