package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.process.Tracee;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.SigInfo;
import dev.jlibos.signals.Signal;
import dev.jlibos.syscalls.Sysno;

/**
 * ptrace(2) for tracers inside the guest (strace, test programs): attaching (TRACEME, ATTACH, SEIZE), the
 * stops and their wait statuses (see {@link Tracee}), reading and changing the stopped tracee's registers
 * and memory, and restarting it. Register requests run on the tracee's own thread ({@link Tracee#call}).
 */
public final class PtraceCalls implements SyscallFamily {
    static final int TRACEME = 0, PEEKTEXT = 1, PEEKDATA = 2, PEEKUSR = 3, POKETEXT = 4, POKEDATA = 5, POKEUSR = 6,
            CONT = 7, KILL = 8, SINGLESTEP = 9, GETREGS = 12, SETREGS = 13, GETFPREGS = 14, SETFPREGS = 15,
            ATTACH = 16, DETACH = 17, SYSCALL = 24, SYSEMU = 31, SYSEMU_SINGLESTEP = 32, SETOPTIONS = 0x4200,
            GETEVENTMSG = 0x4201, GETSIGINFO = 0x4202, SETSIGINFO = 0x4203, GETREGSET = 0x4204, SETREGSET = 0x4205, SEIZE = 0x4206,
            INTERRUPT = 0x4207, LISTEN = 0x4208, GETSIGMASK = 0x420a, SETSIGMASK = 0x420b, GET_SYSCALL_INFO = 0x420e;
    /** The kernel's sigset_t: GETSIGMASK and SETSIGMASK take no other size. */
    private static final int SIGSET_SIZE = 8;
    private static final int NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_X86_XSTATE = 0x202;
    /** struct user_regs_struct: 27 words, in this order. */
    private static final int REGS_SIZE = 27 * 8;
    /** struct user_fpregs_struct (the fxsave image). */
    private static final int FPREGS_SIZE = 512;
    /** sizeof(struct user) on x86-64, and where its u_debugreg[8] start. */
    private static final int USER_SIZE = 928, DEBUGREG_OFFSET = 848;
    private static final int ORIG_RAX = 15;
    /** sizeof(siginfo_t). */
    private static final int SIGINFO_SIZE = 128;
    /** Where each register sits in user_regs_struct (null: orig_rax, or a segment register reported as Linux's). */
    private static final Reg[] USER_REGS = {Reg.R15, Reg.R14, Reg.R13, Reg.R12, Reg.RBP, Reg.RBX, Reg.R11, Reg.R10,
            Reg.R9, Reg.R8, Reg.RAX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, null, Reg.RIP, null, Reg.EFLAGS, Reg.RSP, null,
            Reg.FS_BASE, Reg.GS_BASE, null, null, null, null};
    /** What a 64-bit task's cs, ss, ds, es, fs and gs read as on Linux. */
    private static final long USER_CS = 0x33, USER_SS = 0x2b;
    /** EFLAGS bits a tracer may change (FLAG_MASK: CF PF AF ZF SF TF DF OF NT RF AC). */
    private static final long FLAG_MASK = 0x54dd5;
    private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    private static final int SYSCALL_INFO_NONE = 0, SYSCALL_INFO_ENTRY = 1, SYSCALL_INFO_EXIT = 2, SYSCALL_INFO_SECCOMP = 3;

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.PTRACE, "TRACEME, ATTACH, SEIZE, INTERRUPT, LISTEN, PEEK/POKE TEXT/DATA (into read-only"
                + " private code too)/USER (registers; debug registers DR0-3/6/7, emulated: watchpoints see changed bytes, not"
                + " reads or same-value stores), GETREGS/SETREGS, GETFPREGS/SETFPREGS,"
                + " GETREGSET/SETREGSET (NT_PRSTATUS, NT_PRFPREG; NT_X86_XSTATE: ENODEV, no XSAVE), SYSCALL, SINGLESTEP, SYSEMU,"
                + " SYSEMU_SINGLESTEP, CONT, DETACH, KILL, SETOPTIONS (fork, vfork, vfork-done, clone of threads too, exec,"
                + " exit, seccomp events), GETEVENTMSG, GETSIGINFO, SETSIGINFO, GET_SYSCALL_INFO, GETSIGMASK, SETSIGMASK;"
                + " PEEKSIGINFO, SECCOMP_GET_FILTER and the rest: EIO", this::ptrace)
                .coveredBy("CProgramsTest[ptrace]", "CProgramsTest[ptrace_more sysemu]", "CProgramsTest[ptrace_more threads]",
                        "CProgramsTest[ptrace_more exit]", "CProgramsTest[ptrace_more seccomp]", "CProgramsTest[ptrace_more group-stop]",
                        "CProgramsTest[ptrace_more sigmask]");
    }

    private long ptrace(GuestThread t, SyscallArgs a) {
        int request = (int) a.get(0);
        int pid = a.i32(1);
        long addr = a.get(2), data = a.get(3);
        switch (request) {
            case TRACEME -> {
                return traceMe(t);
            }
            case ATTACH, SEIZE -> {
                return attach(t, pid, request == SEIZE, addr, data);
            }
            case KILL -> {
                // Deprecated, and sends SIGKILL whatever state the tracee is in.
                Tracee tr = tracee(t, pid);
                tr.thread.process.killedBy(Signal.SIGKILL, -1);
                return 0;
            }
            case INTERRUPT -> {
                Tracee tr = tracee(t, pid);
                if (!tr.seized) throw Errno.EIO.fail();
                tr.interrupt();
                return 0;
            }
            default -> {
                return stoppedRequest(t, stopped(t, pid), request, addr, data);
            }
        }
    }

    /** The requests that need the tracee stopped (ESRCH otherwise, as ptrace_check_attach answers). */
    private long stoppedRequest(GuestThread t, Tracee tr, int request, long addr, long data) {
        AddressSpace mine = t.process.memory();
        switch (request) {
            case PEEKTEXT, PEEKDATA -> {
                mine.writeLong(data, peek(tr.thread.process.memory(), addr));
                return 0;
            }
            case POKETEXT, POKEDATA -> {
                poke(tr.thread.process.memory(), addr, data);
                return 0;
            }
            case PEEKUSR -> {
                mine.writeLong(data, tr.call(th -> peekUser(th, tr, addr)));
                return 0;
            }
            case POKEUSR -> {
                tr.call(th -> {
                    pokeUser(th, tr, addr, data);
                    return null;
                });
                return 0;
            }
            case GETREGS -> {
                mine.write(data, tr.call(th -> userRegs(th, tr)));
                return 0;
            }
            case SETREGS -> {
                byte[] regs = mine.read(data, REGS_SIZE);
                tr.call(th -> {
                    setUserRegs(th, tr, regs);
                    return null;
                });
                return 0;
            }
            case GETFPREGS -> {
                mine.write(data, tr.call(PtraceCalls::fpRegs));
                return 0;
            }
            case SETFPREGS -> {
                byte[] fp = mine.read(data, FPREGS_SIZE);
                tr.call(th -> {
                    setFpRegs(th, fp);
                    return null;
                });
                return 0;
            }
            case GETREGSET, SETREGSET -> {
                return regset(t, tr, request == SETREGSET, (int) addr, data);
            }
            case SETOPTIONS -> {
                if ((data & ~(long) Tracee.O_MASK) != 0) throw Errno.EINVAL.fail();
                refuseSuspendSeccomp(t, data);
                tr.options((int) data);
                return 0;
            }
            case GETEVENTMSG -> {
                mine.writeLong(data, tr.eventMessage());
                return 0;
            }
            case GETSIGINFO -> {
                mine.write(data, tr.siginfo());
                return 0;
            }
            case SETSIGINFO -> {
                tr.siginfo(mine.read(data, SIGINFO_SIZE));
                return 0;
            }
            case GET_SYSCALL_INFO -> {
                return syscallInfo(t, tr, addr, data);
            }
            case GETSIGMASK -> {
                if (addr != SIGSET_SIZE) throw Errno.EINVAL.fail();
                mine.writeLong(data, tr.call(th -> th.signals.blocked()));
                return 0;
            }
            case SETSIGMASK -> {
                if (addr != SIGSET_SIZE) throw Errno.EINVAL.fail();
                long mask = mine.readLong(data);
                tr.call(th -> { // SIGKILL and SIGSTOP stay unblockable (setBlocked drops them)
                    th.signals.setBlocked(mask);
                    return null;
                });
                return 0;
            }
            case CONT, SYSCALL, LISTEN, DETACH, SINGLESTEP, SYSEMU, SYSEMU_SINGLESTEP -> {
                int sig = (int) data;
                if (sig < 0 || sig > 64) throw Errno.EIO.fail();
                if (request == LISTEN && !tr.seized) throw Errno.EIO.fail();
                if (request == LISTEN && tr.kind() != Tracee.STOP_GROUP) throw Errno.EINVAL.fail();
                Tracee.Resume how = switch (request) {
                    case SYSCALL -> Tracee.Resume.SYSCALL;
                    case SINGLESTEP -> Tracee.Resume.SINGLESTEP;
                    case SYSEMU -> Tracee.Resume.SYSEMU;
                    case SYSEMU_SINGLESTEP -> Tracee.Resume.SYSEMU_SINGLESTEP;
                    case LISTEN -> Tracee.Resume.LISTEN;
                    case DETACH -> Tracee.Resume.DETACH;
                    default -> Tracee.Resume.CONT;
                };
                if (request == DETACH) t.process.tracees.remove(tr);
                tr.resume(how, request == LISTEN ? 0 : sig);
                return 0;
            }
            default -> {
                t.kernel().log().once("ptrace: request " + request + " is not supported (EIO)");
                throw Errno.EIO.fail();
            }
        }
    }

    /** PTRACE_TRACEME: the parent becomes the tracer (EPERM if already traced or without a parent). */
    private static long traceMe(GuestThread t) {
        GuestProcess parent = t.process.parentProcess();
        if (parent == null || t.traced()) throw Errno.EPERM.fail();
        Tracee tr = new Tracee(t, parent, false, 0);
        t.tracee = tr;
        parent.tracees.add(tr);
        return 0;
    }

    /**
     * PTRACE_ATTACH (the tracee gets a SIGSTOP) or PTRACE_SEIZE (options in {@code data}, no stop). A tracee
     * its process's job control has stopped reports that stop to the tracer at once.
     */
    private static long attach(GuestThread t, int pid, boolean seize, long addr, long data) {
        if (seize && (addr != 0 || (data & ~(long) Tracee.O_MASK) != 0)) throw seize && addr != 0 ? Errno.EIO.fail() : Errno.EINVAL.fail();
        if (seize) refuseSuspendSeccomp(t, data);
        GuestThread target = ProcessAccessCalls.liveThread(t, pid);
        if (target == null) throw Errno.ESRCH.fail();
        if (target.process == t.process) throw Errno.EPERM.fail(); // same_thread_group
        ProcessAccessCalls.checkAccess(t, target.process, true);
        synchronized (target) {
            if (target.traced()) throw Errno.EPERM.fail();
            Tracee tr = new Tracee(target, t.process, seize, seize ? (int) data : 0);
            var job = target.process.job();
            if (seize && job.stopped()) tr.seizedWhileStopped(job.stopSignal()); // before the tracee can see it
            target.tracee = tr;
        }
        t.process.tracees.add(target.tracee);
        target.process.job().wakeParked(); // a job-stopped tracee re-parks as a ptrace group-stop
        if (!seize) { // SEIZE leaves the tracee running undisturbed (a pause() goes on)
            target.signals.post(SigInfo.fromProcess(Signal.SIGSTOP, SigInfo.SI_USER, t.process.pid, t.process.credentials.ruid));
            target.interrupt();
        }
        return 0;
    }

    /**
     * The caller's tracee {@code pid} (ESRCH if it is not one): looked up among the caller's tracees, as
     * one in its exit-event stop belongs to a process that has already ended.
     */
    private static Tracee tracee(GuestThread t, int pid) {
        for (Tracee tr : t.process.tracees) {
            if (tr.thread.tid() != pid || tr.detached() || tr.tracer != t.process) continue;
            // An ended thread (a zombie for Linux) is no tracee for ptrace any more: its engine is gone.
            if (tr.threadEnd() < 0 && !tr.thread.process.finished()) return tr;
        }
        throw Errno.ESRCH.fail();
    }

    /**
     * PTRACE_O_SUSPEND_SECCOMP (checkpoint/restore's way past the tracee's filters) is not served: EINVAL,
     * as from a kernel built without CONFIG_CHECKPOINT_RESTORE.
     */
    private static void refuseSuspendSeccomp(GuestThread t, long options) {
        if ((options & Tracee.O_SUSPEND_SECCOMP) == 0) return;
        t.kernel().log().once("ptrace: PTRACE_O_SUSPEND_SECCOMP is not supported (EINVAL)");
        throw Errno.EINVAL.fail();
    }

    /** The caller's tracee {@code pid}, which must be in a ptrace stop. */
    private static Tracee stopped(GuestThread t, int pid) {
        Tracee tr = tracee(t, pid);
        if (!tr.stopped()) throw Errno.ESRCH.fail();
        return tr;
    }

    // ---- memory: FOLL_FORCE access from the tracer's thread (see AddressSpace.transferForced) ----------

    /** A word of the tracee's memory, protection ignored as FOLL_FORCE does; EIO unless all 8 bytes are mapped. */
    private static long peek(AddressSpace m, long addr) {
        byte[] word = new byte[8];
        if (m.transferForced(addr, word, 0, 8, false) != 8) throw Errno.EIO.fail();
        return Longs.fromBytes(word, 0);
    }

    /**
     * Writes a word as FOLL_FORCE|FOLL_WRITE does: into read-only private code too (a breakpoint), which
     * the tracee's engine then translates afresh; EIO where Linux refuses (a shared read-only mapping).
     */
    private static void poke(AddressSpace m, long addr, long value) {
        if (m.transferForced(addr, Longs.toBytes(value, 8), 0, 8, true) != 8) throw Errno.EIO.fail();
    }

    // ---- registers: on the tracee's thread -----------------------------------------------------------------

    private static long userReg(GuestThread th, Tracee tr, int index) {
        return switch (index) {
            case ORIG_RAX -> tr.origRax();
            case 17 -> USER_CS;
            case 20 -> USER_SS;
            case 18 -> th.cpu.get(Reg.EFLAGS) | 0x202; // IF and the reserved bit 1 always read as set
            default -> USER_REGS[index] != null ? th.cpu.get(USER_REGS[index]) : 0;
        };
    }

    private static void setUserReg(GuestThread th, Tracee tr, int index, long value) {
        Cpu cpu = th.cpu;
        switch (index) {
            case ORIG_RAX -> tr.origRax(value);
            case 17, 20, 23, 24, 25, 26 -> { } // segment selectors: a 64-bit task keeps Linux's
            case 18 -> cpu.set(Reg.EFLAGS, (cpu.get(Reg.EFLAGS) & ~FLAG_MASK) | (value & FLAG_MASK));
            default -> cpu.set(USER_REGS[index], value);
        }
    }

    private static byte[] userRegs(GuestThread th, Tracee tr) {
        byte[] out = new byte[REGS_SIZE];
        for (int i = 0; i < USER_REGS.length; i++) Longs.put(out, i * 8, userReg(th, tr, i), 8);
        return out;
    }

    private static void setUserRegs(GuestThread th, Tracee tr, byte[] regs) {
        for (int i = 0; i < USER_REGS.length; i++) setUserReg(th, tr, i, Longs.fromBytes(regs, i * 8));
    }

    /** PEEKUSER: the registers and u_debugreg parts of struct user; the rest reads as 0. */
    private static long peekUser(GuestThread th, Tracee tr, long offset) {
        if ((offset & 7) != 0 || offset < 0 || offset >= USER_SIZE) throw Errno.EIO.fail();
        if (offset < REGS_SIZE) return userReg(th, tr, (int) (offset / 8));
        if (offset >= DEBUGREG_OFFSET && offset < DEBUGREG_OFFSET + 64) return tr.debugRegister((int) (offset - DEBUGREG_OFFSET) / 8);
        return 0;
    }

    /** POKEUSER: a register, or a debug register (see {@link Tracee#debugRegister(int, long)}); elsewhere EIO. */
    private static void pokeUser(GuestThread th, Tracee tr, long offset, long value) {
        if ((offset & 7) != 0 || offset < 0 || offset >= USER_SIZE) throw Errno.EIO.fail();
        if (offset < REGS_SIZE) {
            setUserReg(th, tr, (int) (offset / 8), value);
            return;
        }
        if (offset >= DEBUGREG_OFFSET && offset < DEBUGREG_OFFSET + 64) {
            tr.debugRegister((int) (offset - DEBUGREG_OFFSET) / 8, value);
            return;
        }
        throw Errno.EIO.fail();
    }

    /** user_fpregs_struct, the fxsave layout: control word, MXCSR, and the XMM registers (x87 stack empty). */
    private static byte[] fpRegs(GuestThread th) {
        byte[] out = new byte[FPREGS_SIZE];
        Cpu cpu = th.cpu;
        Longs.put(out, 0, cpu.getFpuControlWord(), 2);
        Longs.put(out, 24, cpu.getMxcsr(), 4);
        Longs.put(out, 28, 0xffff, 4); // mxcsr_mask
        byte[] xmm = new byte[16];
        for (int i = 0; i < 16; i++) {
            cpu.getXmm(i, xmm);
            System.arraycopy(xmm, 0, out, 160 + 16 * i, 16);
        }
        return out;
    }

    private static void setFpRegs(GuestThread th, byte[] fp) {
        Cpu cpu = th.cpu;
        cpu.setFpuControlWord((int) Longs.fromBytes(fp, 0, 2));
        cpu.setMxcsr((int) Longs.fromBytes(fp, 24, 4) & 0xffff);
        for (int i = 0; i < 16; i++) cpu.setXmm(i, java.util.Arrays.copyOfRange(fp, 160 + 16 * i, 176 + 16 * i));
    }

    /** PTRACE_GETREGSET/SETREGSET with a struct iovec: NT_PRSTATUS and NT_PRFPREG; the iovec's length is updated. */
    private static long regset(GuestThread t, Tracee tr, boolean set, int type, long iovAddress) {
        AddressSpace mine = t.process.memory();
        long base = mine.readLong(iovAddress), len = mine.readLong(iovAddress + 8);
        int size = switch (type) {
            case NT_PRSTATUS -> REGS_SIZE;
            case NT_PRFPREG -> FPREGS_SIZE;
            // xstateregs_get/set on a CPU without XSAVE, which is what cpuid shows the guest.
            case NT_X86_XSTATE -> throw (len % 8 != 0 ? Errno.EINVAL : Errno.ENODEV).fail();
            default -> throw Errno.EINVAL.fail();
        };
        int n = (int) Math.min(Long.compareUnsigned(len, size) < 0 ? len : size, size);
        if (set) {
            byte[] current = tr.call(th -> type == NT_PRSTATUS ? userRegs(th, tr) : fpRegs(th));
            mine.read(base, current, 0, n);
            tr.call(th -> {
                if (type == NT_PRSTATUS) setUserRegs(th, tr, current);
                else setFpRegs(th, current);
                return null;
            });
        } else {
            byte[] regs = tr.call(th -> type == NT_PRSTATUS ? userRegs(th, tr) : fpRegs(th));
            mine.write(base, regs, 0, n);
        }
        mine.writeLong(iovAddress + 8, n);
        return 0;
    }

    /**
     * PTRACE_GET_SYSCALL_INFO(pid, size, buf): struct ptrace_syscall_info for the current stop (entry: number
     * and arguments; seccomp: those and the filter's data; exit: result and whether it is an error; other
     * stops: op NONE), cut to {@code size};
     * returns the whole structure's size for that op.
     */
    private static long syscallInfo(GuestThread t, Tracee tr, long size, long buf) {
        int kind = tr.kind();
        byte[] info = tr.call(th -> {
            Cpu cpu = th.cpu;
            byte[] out = new byte[88];
            int op = kind == Tracee.STOP_SYSCALL_ENTRY ? SYSCALL_INFO_ENTRY
                    : kind == Tracee.STOP_SYSCALL_EXIT ? SYSCALL_INFO_EXIT
                    : kind == Tracee.STOP_SECCOMP ? SYSCALL_INFO_SECCOMP : SYSCALL_INFO_NONE;
            out[0] = (byte) op;
            Longs.put(out, 4, AUDIT_ARCH_X86_64, 4);
            Longs.put(out, 8, cpu.get(Reg.RIP), 8);
            Longs.put(out, 16, cpu.get(Reg.RSP), 8);
            int length = 24;
            if (op == SYSCALL_INFO_ENTRY || op == SYSCALL_INFO_SECCOMP) {
                Longs.put(out, 24, tr.origRax(), 8);
                Reg[] args = {Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9};
                for (int i = 0; i < 6; i++) Longs.put(out, 32 + 8 * i, cpu.get(args[i]), 8);
                length = 80;
                if (op == SYSCALL_INFO_SECCOMP) { // and the filter's SECCOMP_RET_DATA
                    Longs.put(out, 80, tr.eventMessage(), 4);
                    length = 84;
                }
            } else if (op == SYSCALL_INFO_EXIT) {
                long rval = cpu.get(Reg.RAX);
                Longs.put(out, 24, rval, 8);
                out[32] = (byte) (rval < 0 && rval >= -4095 ? 1 : 0);
                length = 33;
            }
            return java.util.Arrays.copyOf(out, length);
        });
        int n = (int) Math.min(Long.compareUnsigned(size, info.length) < 0 ? size : info.length, info.length);
        if (n > 0) t.process.memory().write(buf, info, 0, n);
        return info.length;
    }
}
