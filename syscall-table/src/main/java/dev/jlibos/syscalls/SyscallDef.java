package dev.jlibos.syscalls;

/** TEMPORARY stand-in until the table branch lands: number and name only. */
public record SyscallDef(int number, String name) {
}
