/**
 * Structured syscall tracing: a {@link dev.jlibos.syscalls.trace.SyscallListener} registered with
 * {@code Machine.Builder.traceListener} receives one {@link dev.jlibos.syscalls.trace.SyscallRecord} per
 * syscall; {@link dev.jlibos.syscalls.trace.JsonLinesTrace} ({@code --trace-json}) and
 * {@link dev.jlibos.syscalls.trace.SyscallStats} ({@code --stats}) are built on it. With no listener the
 * dispatcher reads no clock and allocates nothing.
 */
package dev.jlibos.syscalls.trace;
