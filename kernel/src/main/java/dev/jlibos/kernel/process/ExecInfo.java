package dev.jlibos.kernel.process;

import java.util.List;
import java.util.Map;

/**
 * What the running program was started with, as /proc shows it: the path as the guest named it
 * (/proc/self/exe, AT_EXECFN), argv, envp and the auxiliary vector in stack order. execve replaces it.
 */
public record ExecInfo(String executable, List<String> argv, List<String> envp, Map<Integer, Long> auxv) {
    /** Before any program is loaded: only the command line the machine was asked to run. */
    public static ExecInfo commandLine(List<String> argv, List<String> envp) {
        return new ExecInfo(null, argv, envp, Map.of());
    }

    static final ExecInfo NONE = new ExecInfo(null, List.of(), List.of(), Map.of());
}
