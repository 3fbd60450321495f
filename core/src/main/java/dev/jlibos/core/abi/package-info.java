/**
 * The guest's Linux ABI vocabulary (x86-64 values from the kernel's uapi headers), declared once: the
 * syscall families, the VFS and the offload policy all read these instead of re-declaring them. These are
 * guest constants; host ones (the JVM's, libc's) are never mixed in.
 */
package dev.jlibos.core.abi;
