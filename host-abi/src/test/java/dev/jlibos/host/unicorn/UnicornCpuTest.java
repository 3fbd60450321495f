package dev.jlibos.host.unicorn;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.cpu.CpuExit;
import dev.jlibos.core.cpu.Reg;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.host.memory.MmapHostMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

class UnicornCpuTest {
    private static final long CODE = 0x400000;

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void syscallHookSeesArgumentsAndReturnAddressAndCanRedirect() {
        try (UnicornCpu cpu = new UnicornCpu(); AddressSpace space = new AddressSpace(new MmapHostMemory())) {
            space.attach(cpu);
            space.map(CODE, 4096, Cpu.PROT_READ | Cpu.PROT_EXEC, "code");
            // mov eax,39; mov edi,7; syscall; mov eax,60; syscall  | at +0x20: mov eax,61; syscall
            space.initWrite(CODE, bytes(0xb8, 39, 0, 0, 0, 0xbf, 7, 0, 0, 0, 0x0f, 0x05, 0xb8, 60, 0, 0, 0, 0x0f, 0x05));
            space.initWrite(CODE + 0x20, bytes(0xb8, 61, 0, 0, 0, 0x0f, 0x05));
            List<String> seen = new ArrayList<>();
            long[] regs = new long[7];
            cpu.setEvents(c -> {
                c.readSyscallRegisters(regs);
                seen.add(regs[0] + "/" + regs[1] + "@" + Long.toHexString(c.get(Reg.RIP)));
                if (regs[0] == 39) c.set(Reg.RIP, CODE + 0x20); // skip to the second block
                if (regs[0] == 61) c.stop();
                c.set(Reg.RAX, 1234);
            });
            CpuExit exit = cpu.run(CODE);
            assertEquals(CpuExit.Kind.STOPPED, exit.kind());
            assertEquals(List.of("39/7@40000c", "61/7@400027"), seen);
            assertEquals(1234, cpu.get(Reg.RAX));
        }
    }

    @Test
    void syscallExitsLeaveRipAfterSyscallAndResumeWhereRipSays() {
        try (UnicornCpu cpu = new UnicornCpu(); AddressSpace space = new AddressSpace(new MmapHostMemory())) {
            space.attach(cpu);
            space.map(CODE, 4096, Cpu.PROT_READ | Cpu.PROT_EXEC, "code");
            // mov eax,39; syscall; mov eax,60; syscall  | at +0x20: mov eax,61; syscall
            space.initWrite(CODE, bytes(0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xb8, 60, 0, 0, 0, 0x0f, 0x05));
            space.initWrite(CODE + 0x20, bytes(0xb8, 61, 0, 0, 0, 0x0f, 0x05));
            cpu.setEvents(c -> {
                throw new AssertionError("the hook must not serve calls when syscall exits are on");
            });
            cpu.setSyscallExits(true);
            CpuExit exit = cpu.run(CODE);
            assertEquals(CpuExit.Kind.SYSCALL, exit.kind());
            assertEquals(39, cpu.get(Reg.RAX));
            assertEquals(CODE + 7, cpu.get(Reg.RIP), "RIP is the address after syscall");
            exit = cpu.run(cpu.get(Reg.RIP)); // resume: the next instruction, not the syscall again
            assertEquals(CpuExit.Kind.SYSCALL, exit.kind());
            assertEquals(60, cpu.get(Reg.RAX));
            assertEquals(CODE + 14, cpu.get(Reg.RIP));
            exit = cpu.run(CODE + 0x20); // a handler's redirect (execve, signal delivery)
            assertEquals(61, cpu.get(Reg.RAX));
            assertEquals(CODE + 0x27, cpu.get(Reg.RIP));
            exit = cpu.run(CODE + 0x27 - 2); // ERESTARTSYS: back onto the syscall, which runs again
            assertEquals(CpuExit.Kind.SYSCALL, exit.kind());
            assertEquals(CODE + 0x27, cpu.get(Reg.RIP));
        }
    }

    @Test
    void faultsReportKindAddressAndFaultingInstruction() {
        try (UnicornCpu cpu = new UnicornCpu(); AddressSpace space = new AddressSpace(new MmapHostMemory())) {
            space.attach(cpu);
            space.map(CODE, 4096, Cpu.PROT_READ | Cpu.PROT_EXEC, "code");
            // mov rax,[0x1234] ; nop
            space.initWrite(CODE, bytes(0x48, 0x8b, 0x04, 0x25, 0x34, 0x12, 0, 0, 0x90));
            cpu.setEvents(c -> { });
            CpuExit exit = cpu.run(CODE);
            assertEquals(CpuExit.Kind.UNMAPPED, exit.kind());
            assertEquals(CpuExit.Access.READ, exit.access());
            assertEquals(0x1234, exit.address());
            assertEquals(CODE, cpu.get(Reg.RIP));
            // write to read-only code page
            space.initWrite(CODE, bytes(0x48, 0xc7, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00, 1, 0, 0, 0));
            exit = cpu.run(CODE);
            assertEquals(CpuExit.Kind.PROTECTION, exit.kind());
            assertEquals(CpuExit.Access.WRITE, exit.access());
            // divide by zero: xor ecx,ecx; div ecx
            space.initWrite(CODE, bytes(0x31, 0xc9, 0xf7, 0xf1));
            exit = cpu.run(CODE);
            assertEquals(CpuExit.Kind.EXCEPTION, exit.kind());
            assertEquals(0, exit.vector());
            assertEquals(CODE + 2, cpu.get(Reg.RIP));
            // popcnt rax,rax: faults where CPUID does not report it (Unicorn 2.0), runs where it does (2.1)
            space.initWrite(CODE, bytes(0xf3, 0x48, 0x0f, 0xb8, 0xc0, 0xcc)); // popcnt rax,rax; int3
            cpu.set(Reg.RAX, 0xff);
            exit = cpu.run(CODE);
            if ((cpu.cpuid(1, 0)[2] & (1 << 23)) != 0) {
                assertEquals(CpuExit.Kind.EXCEPTION, exit.kind(), "popcnt runs, then int3");
                assertEquals(3, exit.vector());
                assertEquals(8, cpu.get(Reg.RAX));
            } else {
                assertEquals(CpuExit.Kind.INVALID_INSTRUCTION, exit.kind());
            }
        }
    }

    @Test
    void cpuidReportsOnlyWhatRuns() {
        try (UnicornCpu cpu = new UnicornCpu()) {
            int[] leaf1 = cpu.cpuid(1, 0);
            assertEquals(Unicorn.pagedTlb(), (leaf1[2] & (1 << 23)) != 0, "POPCNT is reported exactly where it runs (2.1)");
            assertTrue((leaf1[3] & (1 << 26)) != 0, "SSE2 is baseline");
            assertTrue((leaf1[3] & 1) != 0, "FPU is executed and must be reported");
        }
    }
}
