package dev.jlibos.vfs.proc;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.Longs;
import dev.jlibos.core.mem.Vma;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.jlibos.core.abi.At.AT_FDCWD;

/**
 * The guest's own /proc/self (and /proc/PID) entries, generated from libOS state. The host's /proc
 * would describe the JVM. Outside a sandbox only these names are synthetic; the rest of /proc is the host's.
 */
public final class ProcSelf {
    /** Column where /proc/PID/maps starts the path on 64-bit Linux (seq_setwidth 25 + 6 * 8 - 1). */
    private static final int MAPS_PATH_COLUMN = 73;

    private ProcSelf() {
    }

    /** The entry name under /proc/self for {@code path}, or null when the path is not about this process. */
    public static String entry(ProcTask t, String path) {
        for (String prefix : List.of("/proc/self/", "/proc/" + t.process().pid() + "/", "/proc/thread-self/")) {
            if (path.startsWith(prefix)) return path.substring(prefix.length());
        }
        return null;
    }

    /**
     * For /proc/PID/... of another guest process: that process's main thread and the entry name; null
     * when PID is not a guest process (the host's /proc answers, as for any other path).
     */
    public static Map.Entry<ProcTask, String> other(ProcTask t, String path) {
        if (!path.startsWith("/proc/")) return null;
        int slash = path.indexOf('/', 6);
        if (slash < 0) return null;
        int pid;
        try {
            pid = Integer.parseInt(path.substring(6, slash));
        } catch (NumberFormatException e) {
            return null;
        }
        ProcTask task = task(t.system(), pid);
        return task == null ? null : Map.entry(task, path.substring(slash + 1));
    }

    /**
     * What /proc/ID names: a live process by its pid (its first thread), or, as Linux also answers (unlisted)
     * for any thread id, that thread of its process. Null when the id is no live guest task. Debuggers read
     * /proc/LWP/status for each thread they trace.
     */
    public static ProcTask task(ProcSystem system, int id) {
        ProcProcess p = system.process(id);
        if (p != null && !p.finished() && !p.threads().isEmpty()) return p.threads().get(0);
        for (ProcProcess q : system.processes()) {
            if (q.finished()) continue;
            for (ProcTask th : q.threads()) if (th.tid() == id && !th.exiting()) return th;
        }
        return null;
    }

    /** Contents of a synthetic file, or null if the entry is not one we generate. */
    public static byte[] contents(ProcTask t, String entry) {
        ProcProcess p = t.process();
        return switch (entry) {
            case "maps" -> maps(p).getBytes(StandardCharsets.UTF_8);
            case "cmdline" -> nulSeparated(p.argv());
            case "environ" -> nulSeparated(p.envp());
            case "comm" -> (t.name() + "\n").getBytes(StandardCharsets.UTF_8);
            case "status" -> status(t).getBytes(StandardCharsets.UTF_8);
            case "auxv" -> auxv(p.auxv());
            default -> null;
        };
    }

    /** Targets of the symlinks under /proc/self, or null. */
    public static String link(ProcTask t, String entry) {
        ProcProcess p = t.process();
        if (entry.equals("exe")) return p.executable();
        if (entry.equals("cwd")) return p.fs().cwdPath();
        if (entry.equals("root")) return "/";
        if (entry.startsWith("fd/")) {
            int fd;
            try {
                fd = Integer.parseInt(entry.substring(3));
            } catch (NumberFormatException e) {
                return null;
            }
            var file = p.files().get(fd);
            // A host file's real path is what the host's /proc says about our host fd; in a sandbox the
            // guest path recorded at open time is all the guest may know.
            if (file.hostFd() >= 0 && !p.fs().sandboxed()) {
                return new String(p.fs().host.readlinkat(AT_FDCWD,
                        ("/proc/self/fd/" + file.hostFd()).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            }
            return file.path();
        }
        return null;
    }

    /**
     * /proc/PID/stat (or /proc/PID/task/TID/stat when {@code task}: the thread's id and name): the 52
     * fields of Linux 6.x, with what the libOS knows filled in and the rest 0.
     */
    public static String stat(ProcTask t, boolean task) {
        ProcProcess p = t.process();
        long vsize = 0;
        for (Vma v : p.memory().areas()) vsize += v.end() - v.start();
        StringBuilder sb = new StringBuilder();
        sb.append(task ? t.tid() : p.pid()).append(" (").append(t.name()).append(") ").append(t.traceStopped() ? 't' : p.stopped() ? 'T' : 'R').append(' ').append(p.ppid()).append(' ')
                .append(p.pgid()).append(' ').append(p.sid()).append(" 0 -1 4194304 0 0 0 0 0 0 0 0 ")
                .append(20 + t.nice()).append(' ').append(t.nice()).append(' ')
                .append(p.threads().size()).append(" 0 0 ").append(vsize).append(" 0 18446744073709551615");
        for (int i = 26; i <= 52; i++) sb.append(" 0");
        return sb.append('\n').toString();
    }

    private static byte[] nulSeparated(List<String> strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : strings) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    private static String maps(ProcProcess p) {
        StringBuilder sb = new StringBuilder();
        for (Vma v : p.memory().areas()) {
            int start = sb.length();
            boolean shared = v.block().block().sharedWithFile();
            sb.append(String.format("%08x-%08x %c%c%c%c %08x 00:00 0", v.start(), v.end(),
                    (v.prot() & Cpu.PROT_READ) != 0 ? 'r' : '-', (v.prot() & Cpu.PROT_WRITE) != 0 ? 'w' : '-',
                    (v.prot() & Cpu.PROT_EXEC) != 0 ? 'x' : '-', shared ? 's' : 'p',
                    v.name().startsWith("/") ? v.fileOffset() : 0));
            if (!v.name().isEmpty()) {
                while (sb.length() - start < MAPS_PATH_COLUMN - 1) sb.append(' ');
                sb.append(v.name());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String status(ProcTask t) {
        ProcProcess p = t.process();
        int[] u = p.uids(), g = p.gids();
        long[] c = p.capabilities();
        return "Name:\t" + t.name() + "\n"
                + String.format("Umask:\t%04o%n", p.fs().umask)
                + (t.traceStopped() ? "State:\tt (tracing stop)\n" : p.stopped() ? "State:\tT (stopped)\n" : "State:\tR (running)\n")
                + "Tgid:\t" + p.pid() + "\nNgid:\t0\nPid:\t" + t.tid() + "\nPPid:\t" + p.ppid() + "\nTracerPid:\t" + t.tracerPid() + "\n"
                + "Uid:\t" + u[0] + "\t" + u[1] + "\t" + u[2] + "\t" + u[3] + "\n"
                + "Gid:\t" + g[0] + "\t" + g[1] + "\t" + g[2] + "\t" + g[3] + "\n"
                + "Threads:\t" + p.threads().size() + "\n"
                + String.format("SigPnd:\t%016x%nShdPnd:\t%016x%nSigBlk:\t%016x%nSigIgn:\t%016x%nSigCgt:\t%016x%n",
                        t.pendingSignals(), p.sharedPendingSignals(), t.blockedSignals(), p.ignoredSignals(),
                        p.caughtSignals())
                + String.format("CapInh:\t%016x%nCapPrm:\t%016x%nCapEff:\t%016x%nCapBnd:\t%016x%nCapAmb:\t%016x%n",
                        c[0], c[1], c[2], c[3], c[4])
                + "NoNewPrivs:\t" + (t.noNewPrivileges() ? 1 : 0) + "\nSeccomp:\t" + t.seccompMode()
                + "\nSeccomp_filters:\t" + t.seccompFilters() + "\n";
    }

    private static byte[] auxv(Map<Integer, Long> auxv) {
        byte[] b = new byte[16 * (auxv.size() + 1)];
        int i = 0;
        for (Map.Entry<Integer, Long> e : auxv.entrySet()) {
            Longs.put(b, i, e.getKey(), 8);
            Longs.put(b, i + 8, e.getValue(), 8);
            i += 16;
        }
        return b;
    }
}
