package dev.jlibos.core.cpu;

/** Creates CPUs for new processes and threads; the engine binding provides the implementation. */
public interface CpuFactory {
    Cpu create();
}
