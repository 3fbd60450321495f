package dev.jlibos.host.unicorn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SyscallHookBindingTest {
    @Test
    void jnrCanAlwaysBeChosenAndUnknownNamesAreRejected() {
        assertEquals("jnr", SyscallHookBinding.Chosen.choose("jnr").name());
        assertThrows(IllegalArgumentException.class, () -> SyscallHookBinding.Chosen.choose("jni"));
    }

    @Test
    void autoFallsBackToJnrBeforeJdk22AndFfmIsThenRefused() {
        if (Runtime.version().feature() >= 22) return;
        assertEquals("jnr", SyscallHookBinding.Chosen.choose("auto").name());
        assertThrows(IllegalStateException.class, () -> SyscallHookBinding.Chosen.choose("ffm"));
    }

    /** mvn -Pffm -DargLine=-Djlibos.unicorn.binding=ffm on a JDK 22+ runs every host-abi test on the FFM binding. */
    @Test
    void theRequestedBindingIsTheOneInUse() {
        String wanted = System.getProperty(SyscallHookBinding.Chosen.PROPERTY, "auto");
        if (!wanted.equals("auto")) assertEquals(wanted, UnicornCpu.bindingName());
    }
}
