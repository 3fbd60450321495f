package dev.jlibos.kernel.syscall;

/** A group of related syscalls (files, memory, time...) implemented in one class. */
public interface SyscallFamily {
    void register(SyscallRegistry registry);
}
