package dev.jlibos.loader;

import java.util.List;

/**
 * A program as execve's first half finds it, before anything is mapped: the #! scripts followed to the
 * ELF that runs, its interpreter, the final argument vector, and which files were read.
 *
 * @param elf         the executable that runs (a script's interpreter for #! scripts)
 * @param interpreter its PT_INTERP interpreter, or null for static programs
 * @param argv        the final argument vector (script interpreters prepended)
 * @param execFn      the path the program was started as (AT_EXECFN)
 * @param files       every file read, in order, each as its path and identity: equal lists mean the same
 *                    image; null when some file's identity is unknown
 */
public record ResolvedProgram(ElfFile elf, ElfFile interpreter, List<String> argv, String execFn, List<Object> files) {
}
