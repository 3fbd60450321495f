/**
 * The x86-64 syscall table as data ({@link dev.jlibos.syscalls.SyscallTable}: number, name, argument
 * kinds, result kind) and the strace-style formatter driven by it ({@link dev.jlibos.syscalls.StraceFormatter}).
 *
 * <p>Depends only on core. Support levels are declared by the kernel where handlers are registered; the
 * kernel joins them with this table for docs and the compatibility matrix.
 */
package dev.jlibos.syscalls;
