package dev.jlibos.core.bpf;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Seccomp;

/**
 * A classic BPF program as seccomp filters use it: checked once when installed, with Linux's rules
 * (net/core/filter.c's bpf_check_classic, then kernel/seccomp.c's seccomp_check_filter), and then run on
 * every syscall over {@code struct seccomp_data}, given as 16 little-endian 32-bit words.
 *
 * <p>Every check Linux makes gives EINVAL, so which one fails first does not show: the program is
 * between 1 and {@link Seccomp#MAX_INSNS} instructions, of the opcodes classic BPF knows minus those seccomp
 * forbids (packet loads other than 32-bit absolute ones, MOD, MSH); absolute loads are 4-aligned and inside
 * seccomp_data; jumps are forward (classic BPF cannot jump back) and land inside the program; scratch
 * memory is only read where every path to the read stored it first; the last instruction is a RET.
 * So a program always ends, after at most as many steps as it has instructions.
 */
public final class SeccompBpf {
    /** sizeof(struct sock_filter): u16 code, u8 jt, u8 jf, u32 k. */
    public static final int INSN_SIZE = 8;
    /** BPF_MEMWORDS: the scratch memory's 32-bit cells. */
    private static final int MEMORY_WORDS = 16;

    // Instruction classes and fields (linux/bpf_common.h).
    private static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    private static final int W = 0x00, H = 0x08, B = 0x10;
    private static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    private static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    private static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    private static final int K = 0x00, X = 0x08, A = 0x10;
    private static final int TAX = 0x00, TXA = 0x80;
    /** SKF_AD_OFF: absolute loads from here up are Linux's ancillary packet data, unknown to seccomp. */
    private static final int ANCILLARY_BASE = -0x1000;

    private final short[] code;
    private final byte[] jt, jf;
    private final int[] k;

    private SeccompBpf(short[] code, byte[] jt, byte[] jf, int[] k) {
        this.code = code;
        this.jt = jt;
        this.jf = jf;
        this.k = k;
    }

    /** How many instructions the program has (what the per-thread total of 32768 counts). */
    public int length() {
        return code.length;
    }

    /**
     * Checks {@code insns} (an array of struct sock_filter as the guest passed it) and returns the
     * program; EINVAL for anything Linux would refuse.
     */
    public static SeccompBpf load(byte[] insns) {
        int n = insns.length / INSN_SIZE;
        if (n == 0 || n > Seccomp.MAX_INSNS || insns.length % INSN_SIZE != 0) throw Errno.EINVAL.fail();
        short[] code = new short[n];
        byte[] jt = new byte[n], jf = new byte[n];
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            int at = i * INSN_SIZE;
            code[i] = (short) ((insns[at] & 0xff) | (insns[at + 1] & 0xff) << 8);
            jt[i] = insns[at + 2];
            jf[i] = insns[at + 3];
            k[i] = (insns[at + 4] & 0xff) | (insns[at + 5] & 0xff) << 8 | (insns[at + 6] & 0xff) << 16 | (insns[at + 7] & 0xff) << 24;
        }
        SeccompBpf p = new SeccompBpf(code, jt, jf, k);
        if (!p.classicRulesHold() || !p.storesPrecedeLoads() || !p.seccompRulesHold()) throw Errno.EINVAL.fail();
        p.resolveLengths();
        return p;
    }

    /** Whether classic BPF accepts the opcode at all (chk_code_allowed). */
    private static boolean classicOpcode(int c) {
        return switch (c) {
            case ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
                 ALU | DIV | K, ALU | DIV | X, ALU | MOD | K, ALU | MOD | X, ALU | AND | K, ALU | AND | X,
                 ALU | OR | K, ALU | OR | X, ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X,
                 ALU | RSH | K, ALU | RSH | X, ALU | NEG,
                 LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | LEN, LD | W | IND, LD | H | IND, LD | B | IND,
                 LD | IMM, LD | MEM, LDX | W | LEN, LDX | B | MSH, LDX | IMM, LDX | MEM, ST, STX,
                 MISC | TAX, MISC | TXA, RET | K, RET | A,
                 JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X, JMP | JGT | K, JMP | JGT | X,
                 JMP | JSET | K, JMP | JSET | X -> true;
            default -> false;
        };
    }

    private static boolean conditionalJump(int c) {
        return (c & 0x07) == JMP && (c & 0xf0) != JA;
    }

    /** bpf_check_classic: known opcodes, constant operands in range, jumps inside, a RET last. */
    private boolean classicRulesHold() {
        int n = code.length;
        for (int pc = 0; pc < n; pc++) {
            int c = code[pc] & 0xffff;
            if (!classicOpcode(c)) return false;
            switch (c) {
                case ALU | DIV | K, ALU | MOD | K -> {
                    if (k[pc] == 0) return false;
                }
                case ALU | LSH | K, ALU | RSH | K -> {
                    if (Integer.compareUnsigned(k[pc], 32) >= 0) return false;
                }
                case LD | MEM, LDX | MEM, ST, STX -> {
                    if (Integer.compareUnsigned(k[pc], MEMORY_WORDS) >= 0) return false;
                }
                case JMP | JA -> {
                    if (Integer.compareUnsigned(k[pc], n - pc - 1) >= 0) return false;
                }
                case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                    if (Integer.compareUnsigned(k[pc], ANCILLARY_BASE) >= 0) return false;
                }
                default -> {
                    if (conditionalJump(c) && (pc + (jt[pc] & 0xff) + 1 >= n || pc + (jf[pc] & 0xff) + 1 >= n)) return false;
                }
            }
        }
        int last = code[n - 1] & 0xffff;
        return last == (RET | K) || last == (RET | A);
    }

    /**
     * check_load_and_stores: a scratch cell is read only if every path reaching the read stored it. Jumps
     * only go forward, so one pass in program order sees every path into an instruction before it.
     */
    private boolean storesPrecedeLoads() {
        int n = code.length;
        int[] validAt = new int[n];
        java.util.Arrays.fill(validAt, 0xffff);
        int valid = 0;
        for (int pc = 0; pc < n; pc++) {
            valid &= validAt[pc];
            int c = code[pc] & 0xffff;
            if (c == ST || c == STX) {
                valid |= 1 << k[pc];
            } else if (c == (LD | MEM) || c == (LDX | MEM)) {
                if ((valid & 1 << k[pc]) == 0) return false;
            } else if (c == (JMP | JA)) {
                validAt[pc + 1 + k[pc]] &= valid;
                valid = 0xffff;
            } else if (conditionalJump(c)) {
                validAt[pc + 1 + (jt[pc] & 0xff)] &= valid;
                validAt[pc + 1 + (jf[pc] & 0xff)] &= valid;
                valid = 0xffff;
            }
        }
        return true;
    }

    /** seccomp_check_filter: only whole-word loads from inside seccomp_data, no MOD, no packet forms. */
    private boolean seccompRulesHold() {
        for (int pc = 0; pc < code.length; pc++) {
            int c = code[pc] & 0xffff;
            switch (c) {
                case LD | W | ABS -> {
                    if (Integer.compareUnsigned(k[pc], Seccomp.DATA_SIZE) >= 0 || (k[pc] & 3) != 0) return false;
                }
                case ALU | MOD | K, ALU | MOD | X, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND,
                     LDX | B | MSH -> {
                    return false;
                }
                default -> { }
            }
        }
        return true;
    }

    /** The "length of the packet" is seccomp_data's size: Linux rewrites those loads into constants. */
    private void resolveLengths() {
        for (int pc = 0; pc < code.length; pc++) {
            if ((code[pc] & 0xffff) == (LD | W | LEN)) {
                code[pc] = LD | IMM;
                k[pc] = Seccomp.DATA_SIZE;
            } else if ((code[pc] & 0xffff) == (LDX | W | LEN)) {
                code[pc] = LDX | IMM;
                k[pc] = Seccomp.DATA_SIZE;
            }
        }
    }

    /**
     * Runs the program over seccomp_data ({@code data}: 16 words, nr first) and returns its result. A
     * division by a zero X ends it with 0, as Linux's translation of classic BPF does.
     */
    public int run(int[] data) {
        int a = 0, x = 0;
        int[] memory = null;
        int pc = 0;
        while (true) {
            int c = code[pc] & 0xffff, kv = k[pc];
            switch (c & 0x07) {
                case LD -> a = switch (c) {
                    case LD | W | ABS -> data[kv >>> 2];
                    case LD | IMM -> kv;
                    default -> memory[kv]; // LD | MEM: checked to be stored before
                };
                case LDX -> x = c == (LDX | IMM) ? kv : memory[kv];
                case ST, STX -> {
                    if (memory == null) memory = new int[MEMORY_WORDS];
                    memory[kv] = c == ST ? a : x;
                }
                case ALU -> {
                    int operand = (c & X) != 0 ? x : kv;
                    switch (c & 0xf0) {
                        case ADD -> a += operand;
                        case SUB -> a -= operand;
                        case MUL -> a *= operand;
                        case DIV -> {
                            if (operand == 0) return 0;
                            a = Integer.divideUnsigned(a, operand);
                        }
                        case OR -> a |= operand;
                        case AND -> a &= operand;
                        case XOR -> a ^= operand;
                        case LSH -> a <<= operand;
                        case RSH -> a >>>= operand;
                        default -> a = -a; // NEG
                    }
                }
                case JMP -> {
                    if ((c & 0xf0) == JA) {
                        pc += kv;
                    } else {
                        int operand = (c & X) != 0 ? x : kv;
                        boolean taken = switch (c & 0xf0) {
                            case JEQ -> a == operand;
                            case JGT -> Integer.compareUnsigned(a, operand) > 0;
                            case JGE -> Integer.compareUnsigned(a, operand) >= 0;
                            default -> (a & operand) != 0; // JSET
                        };
                        pc += (taken ? jt[pc] : jf[pc]) & 0xff;
                    }
                }
                case RET -> {
                    return c == (RET | A) ? a : kv;
                }
                default -> {
                    if (c == (MISC | TAX)) x = a;
                    else a = x;
                }
            }
            pc++;
        }
    }
}
