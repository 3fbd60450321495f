/**
 * Structured syscall tracing: a {@link dev.jlibos.kernel.trace.SyscallListener} registered with
 * {@code Machine.Builder.traceListener} receives one {@link dev.jlibos.kernel.trace.SyscallRecord} per
 * syscall; {@link dev.jlibos.kernel.trace.JsonLinesTrace} ({@code --trace-json}) and
 * {@link dev.jlibos.kernel.trace.SyscallStats} ({@code --stats}) are built on it. With no listener the
 * dispatcher reads no clock and allocates nothing.
 */
package dev.jlibos.kernel.trace;
