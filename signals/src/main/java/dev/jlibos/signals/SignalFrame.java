package dev.jlibos.signals;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;

/**
 * The x86-64 {@code rt_sigframe} Linux pushes for a handler, and its undoing by rt_sigreturn.
 *
 * <pre>
 * frame+0    pretcode      sa_restorer: the handler's return address
 * frame+8    ucontext      uc_flags, uc_link, uc_stack (24), uc_mcontext = struct sigcontext (256),
 *                          uc_sigmask (8)                                      = 304 bytes
 * frame+312  siginfo       128 bytes
 * below the red zone and above the frame: the 512-byte fxsave image, 64-byte aligned
 * </pre>
 * The frame is placed so that RSP + 8 is 16-byte aligned at handler entry, as after a call.
 */
public final class SignalFrame {
    static final int UCONTEXT = 8, SIGINFO = 312, FRAME_SIZE = 440, FPSTATE_SIZE = 512, RED_ZONE = 128;
    private static final int MCONTEXT = UCONTEXT + 40, SIGMASK = UCONTEXT + 296, STACK = UCONTEXT + 16;
    /** struct sigcontext order of the general registers. */
    private static final Reg[] GREGS = {Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15,
            Reg.RDI, Reg.RSI, Reg.RBP, Reg.RBX, Reg.RDX, Reg.RAX, Reg.RCX, Reg.RSP, Reg.RIP};
    /** UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, what 64-bit Linux sets. */
    private static final long UC_FLAGS = 2 | 4;
    /** EFLAGS bits user code may change through sigreturn (Linux's FIX_EFLAGS). */
    private static final long FIX_EFLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000;
    private static final long EFLAGS_CLEARED_FOR_HANDLER = 0x100 | 0x400 | 0x10000 | 0x40000; // TF DF RF AC
    private static final int USER_CS = 0x33, USER_SS = 0x2b;

    private SignalFrame() {
    }

    /**
     * Saves the interrupted context below {@code sp} and points the CPU at the handler. Throws EFAULT
     * (LinuxException) if the stack cannot hold the frame.
     */
    public static void push(Cpu cpu, AddressSpace memory, long sp, int sig, byte[] siginfo, long handler,
                            long restorer, long oldMask, long altBase, long altSize, int altFlags,
                            long faultAddress, int trapno) {
        long fp = (sp - FPSTATE_SIZE) & -64L;
        long frame = ((fp - FRAME_SIZE) & -16L) - 8;
        byte[] f = new byte[FRAME_SIZE];
        Longs.put(f, 0, restorer, 8);
        Longs.put(f, UCONTEXT, UC_FLAGS, 8);
        Longs.put(f, STACK, altBase, 8);
        Longs.put(f, STACK + 8, altFlags, 4);
        Longs.put(f, STACK + 16, altSize, 8);
        for (int i = 0; i < GREGS.length; i++) Longs.put(f, MCONTEXT + 8 * i, cpu.get(GREGS[i]), 8);
        Longs.put(f, MCONTEXT + 8 * 17, cpu.get(Reg.EFLAGS), 8);
        Longs.put(f, MCONTEXT + 8 * 18, USER_CS | ((long) USER_SS << 48), 8); // cs, gs, fs, ss
        Longs.put(f, MCONTEXT + 8 * 20, trapno, 8);
        Longs.put(f, MCONTEXT + 8 * 21, oldMask, 8);
        Longs.put(f, MCONTEXT + 8 * 22, faultAddress, 8);
        Longs.put(f, MCONTEXT + 8 * 23, fp, 8);
        Longs.put(f, SIGMASK, oldMask, 8);
        System.arraycopy(siginfo, 0, f, SIGINFO, siginfo.length);
        memory.write(fp, fxsave(cpu));
        memory.write(frame, f);

        cpu.set(Reg.RSP, frame);
        cpu.set(Reg.RDI, sig);
        cpu.set(Reg.RSI, frame + SIGINFO);
        cpu.set(Reg.RDX, frame + UCONTEXT);
        cpu.set(Reg.RAX, 0);
        cpu.set(Reg.EFLAGS, cpu.get(Reg.EFLAGS) & ~EFLAGS_CLEARED_FOR_HANDLER);
        cpu.set(Reg.RIP, handler);
    }

    /** The fxsave layout: x87 control word, MXCSR, XMM0-15 (x87 stack registers are not saved). */
    private static byte[] fxsave(Cpu cpu) {
        byte[] fx = new byte[FPSTATE_SIZE];
        Longs.put(fx, 0, 0x37f, 2);
        Longs.put(fx, 24, cpu.getMxcsr(), 4);
        Longs.put(fx, 28, 0xffff, 4); // mxcsr_mask
        byte[] xmm = new byte[16];
        for (int i = 0; i < 16; i++) {
            cpu.getXmm(i, xmm);
            System.arraycopy(xmm, 0, fx, 160 + 16 * i, 16);
        }
        return fx;
    }

    /** What rt_sigreturn restores besides the registers. */
    public record Restored(long mask, long altBase, long altSize, int altFlags) {
    }

    /**
     * rt_sigreturn: at entry RSP points just past pretcode, i.e. at the ucontext. Restores every register
     * and returns the saved mask; the caller must leave RAX as restored.
     */
    public static Restored pop(Cpu cpu, AddressSpace memory) {
        long frame = cpu.get(Reg.RSP) - 8;
        byte[] f = memory.read(frame, FRAME_SIZE);
        long eflags = Longs.fromBytes(f, MCONTEXT + 8 * 17);
        long fp = Longs.fromBytes(f, MCONTEXT + 8 * 23);
        if (fp != 0) {
            byte[] fx = memory.read(fp, FPSTATE_SIZE);
            cpu.setMxcsr((int) Longs.fromBytes(fx, 24, 4) & 0xffff);
            byte[] xmm = new byte[16];
            for (int i = 0; i < 16; i++) {
                System.arraycopy(fx, 160 + 16 * i, xmm, 0, 16);
                cpu.setXmm(i, xmm);
            }
        }
        for (int i = 0; i < GREGS.length; i++) cpu.set(GREGS[i], Longs.fromBytes(f, MCONTEXT + 8 * i));
        cpu.set(Reg.EFLAGS, (cpu.get(Reg.EFLAGS) & ~FIX_EFLAGS) | (eflags & FIX_EFLAGS));
        return new Restored(Longs.fromBytes(f, SIGMASK), Longs.fromBytes(f, STACK),
                Longs.fromBytes(f, STACK + 16), (int) Longs.fromBytes(f, STACK + 8, 4));
    }
}
