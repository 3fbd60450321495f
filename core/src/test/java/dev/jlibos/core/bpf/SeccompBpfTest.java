package dev.jlibos.core.bpf;

import dev.jlibos.core.Errno;
import dev.jlibos.core.LinuxException;
import dev.jlibos.core.abi.Seccomp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The checks Linux makes when a filter is installed, and what a filter computes. */
class SeccompBpfTest {
    private static final int LD_W_ABS = 0x20, LD_W_LEN = 0x80, LD_IMM = 0x00, LD_MEM = 0x60, LDX_MEM = 0x61, ST = 0x02,
            STX = 0x03, RET_K = 0x06, RET_A = 0x16, JA = 0x05, JEQ_K = 0x15, JGT_K = 0x25, JSET_K = 0x45, JEQ_X = 0x1d,
            ADD_K = 0x04, SUB_X = 0x1c, DIV_X = 0x3c, LSH_K = 0x64, RSH_K = 0x74, NEG = 0x84, MOD_K = 0x94, TAX = 0x07,
            TXA = 0x87, LD_B_ABS = 0x30, LDX_MSH = 0xb1;

    /** Instructions as {code, jt, jf, k} rows, encoded as struct sock_filter. */
    private static byte[] program(int[]... insns) {
        ByteBuffer b = ByteBuffer.allocate(insns.length * SeccompBpf.INSN_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] i : insns) b.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt(i[3]);
        return b.array();
    }

    private static int[] stmt(int code, int k) {
        return new int[] {code, 0, 0, k};
    }

    private static int[] jump(int code, int k, int jt, int jf) {
        return new int[] {code, jt, jf, k};
    }

    private static int[] data(int nr, long... args) {
        int[] d = new int[16];
        d[0] = nr;
        d[1] = Seccomp.AUDIT_ARCH_X86_64;
        for (int i = 0; i < args.length; i++) {
            d[4 + 2 * i] = (int) args[i];
            d[5 + 2 * i] = (int) (args[i] >>> 32);
        }
        return d;
    }

    private static void invalid(byte[] insns) {
        LinuxException e = assertThrows(LinuxException.class, () -> SeccompBpf.load(insns));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void refusesWhatLinuxRefuses() {
        invalid(new byte[0]);
        invalid(new byte[(Seccomp.MAX_INSNS + 1) * SeccompBpf.INSN_SIZE]); // 4097 "ld #0": also no RET last
        invalid(program(stmt(0xffff, 0), stmt(RET_K, 0)));
        invalid(program(stmt(JA, 1), stmt(RET_K, 0)));
        invalid(program(jump(JEQ_K, 0, 1, 0), stmt(RET_K, 0)));
        invalid(program(stmt(LD_W_ABS, 64), stmt(RET_K, 0)));
        invalid(program(stmt(LD_W_ABS, 6), stmt(RET_K, 0)));
        invalid(program(stmt(LD_B_ABS, 0), stmt(RET_K, 0)));
        invalid(program(stmt(LDX_MSH, 0), stmt(RET_K, 0)));
        invalid(program(stmt(MOD_K, 3), stmt(RET_K, 0)));
        invalid(program(stmt(0x34 /* DIV K */, 0), stmt(RET_K, 0)));
        invalid(program(stmt(LSH_K, 32), stmt(RET_K, 0)));
        invalid(program(stmt(ST, 16), stmt(RET_K, 0)));
        invalid(program(stmt(LD_MEM, 0), stmt(RET_K, 0)));
        invalid(program(stmt(LD_W_ABS, 0)));
        invalid(program(stmt(0x0e /* RET X */, 0)));
        // Stored on one path only.
        invalid(program(jump(JEQ_K, 0, 0, 1), stmt(ST, 2), stmt(LD_MEM, 2), stmt(RET_A, 0)));
    }

    @Test
    void acceptsMemoryStoredOnEveryPath() {
        SeccompBpf p = SeccompBpf.load(program(stmt(ST, 2), jump(JEQ_K, 1, 0, 1), stmt(ST, 2), stmt(LD_MEM, 2), stmt(RET_A, 0)));
        assertEquals(0, p.run(data(1)));
        assertEquals(5, p.length());
    }

    @Test
    void matchesTheSyscallAndItsArguments() {
        SeccompBpf p = SeccompBpf.load(program(
                stmt(LD_W_ABS, 4),
                jump(JEQ_K, Seccomp.AUDIT_ARCH_X86_64, 1, 0),
                stmt(RET_K, Seccomp.RET_KILL_PROCESS),
                stmt(LD_W_ABS, 0),
                jump(JEQ_K, 32, 0, 2),
                stmt(LD_W_ABS, 20), // high half of args[0]
                jump(JGT_K, 0, 1, 0),
                stmt(RET_K, Seccomp.RET_ALLOW),
                stmt(RET_K, Seccomp.RET_ERRNO | 9)));
        assertEquals(Seccomp.RET_ALLOW, p.run(data(32, 5)));
        assertEquals(Seccomp.RET_ERRNO | 9, p.run(data(32, 1L << 32)));
        assertEquals(Seccomp.RET_ALLOW, p.run(data(39)));
        int[] foreign = data(32);
        foreign[1] = 0x40000003; // i386
        assertEquals(Seccomp.RET_KILL_PROCESS, p.run(foreign));
    }

    @Test
    void computesWithUnsigned32BitArithmetic() {
        SeccompBpf p = SeccompBpf.load(program(
                stmt(LD_W_LEN, 0),          // A = 64
                stmt(TAX, 0),               // X = 64
                stmt(LD_IMM, 3),
                stmt(SUB_X, 0),             // A = 3 - 64, wraps
                stmt(RSH_K, 28),            // 0xffffffc3 >>> 28 = 15
                stmt(NEG, 0),
                stmt(NEG, 0),
                stmt(STX, 1),
                stmt(ADD_K, 1),             // 16
                stmt(LDX_MEM, 1),           // X = 64
                jump(JEQ_X, 64, 3, 0),      // A (16) != X (64)
                jump(JSET_K, 16, 0, 1),
                stmt(RET_A, 0),             // 16
                stmt(RET_K, 1),
                stmt(TXA, 0),
                stmt(RET_A, 0)));
        assertEquals(16, p.run(data(0)));
    }

    @Test
    void divisionByAZeroRegisterEndsWithZero() {
        SeccompBpf p = SeccompBpf.load(program(stmt(LD_IMM, 7), stmt(DIV_X, 0), stmt(RET_K, Seccomp.RET_ALLOW)));
        assertEquals(Seccomp.RET_KILL_THREAD, p.run(data(0)));
    }
}
