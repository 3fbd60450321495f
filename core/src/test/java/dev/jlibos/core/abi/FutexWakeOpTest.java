package dev.jlibos.core.abi;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FUTEX_WAKE_OP's encoding, as glibc's FUTEX_OP(op, oparg, cmp, cmparg) macro builds it. */
class FutexWakeOpTest {
    private static int encode(int op, int oparg, int cmp, int cmparg) {
        return (op & 0xf) << 28 | (cmp & 0xf) << 24 | (oparg & 0xfff) << 12 | (cmparg & 0xfff);
    }

    @Test
    void addThenCompareGreaterThan() {
        FutexWakeOp op = FutexWakeOp.decode(encode(1 /* ADD */, 1, 4 /* GT */, 0));
        assertEquals(6, op.apply(5));
        assertTrue(op.passes(5));
        assertFalse(op.passes(0));
    }

    @Test
    void argumentsAreSignedTwelveBitFields() {
        FutexWakeOp op = FutexWakeOp.decode(encode(0 /* SET */, -1, 0 /* EQ */, -2));
        assertEquals(-1, op.apply(7));
        assertTrue(op.passes(-2));
    }

    @Test
    void theShiftFlagMakesTheArgumentABit() {
        FutexWakeOp op = FutexWakeOp.decode(encode(8 | 2 /* OR, OPARG_SHIFT */, 4, 1 /* NE */, 0));
        assertEquals(0x11, op.apply(1));
    }

    @Test
    void anUnknownComparisonFailsAtOnceAndAnUnknownOperationWhenApplied() {
        LinuxException e = assertThrows(LinuxException.class, () -> FutexWakeOp.decode(encode(0, 0, 6, 0)));
        assertEquals(Errno.ENOSYS, e.errno());
        FutexWakeOp op = FutexWakeOp.decode(encode(5, 0, 0, 0));
        assertEquals(Errno.ENOSYS, assertThrows(LinuxException.class, () -> op.apply(0)).errno());
    }
}
