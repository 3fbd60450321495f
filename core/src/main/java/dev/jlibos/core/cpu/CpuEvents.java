package dev.jlibos.core.cpu;

/** What the engine calls back into, on the emulating thread, while {@link Cpu#run} is executing. */
public interface CpuEvents {
    /**
     * The guest executed {@code syscall}. Called inside the engine's instruction hook, so the handler runs
     * as a plain function call with no stop and restart of emulation. On return, the engine resumes at the
     * instruction after {@code syscall}, or wherever the handler moved {@link Reg#RIP}.
     */
    void onSyscall(Cpu cpu);
}
