package dev.jlibos.compat;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where this JVM's resident memory is, for the soak test: RSS from /proc/self/status; the Java heap's
 * resident pages (/proc/self/smaps within the reservation GC.heap_info reports), so the rest of RSS (JVM
 * native memory, Unicorn's mallocs and TCG buffers, glibc arenas, guest memory) can be watched apart from
 * G1's heap sizing; the JVM's committed total from Native Memory Tracking (when the JVM was started with
 * {@code -XX:NativeMemoryTracking=summary}); glibc's own view (malloc_info); and {@code malloc_trim(0)},
 * to tell memory glibc holds free from memory in use.
 */
public final class NativeMemoryProbe {
    private NativeMemoryProbe() {
    }

    public interface Libc {
        int malloc_trim(long pad);

        Pointer open_memstream(Pointer buf, Pointer size);

        int malloc_info(int options, Pointer stream);

        int fclose(Pointer stream);

        void free(Pointer p);
    }

    private static volatile Libc libc;

    private static Libc libc() {
        if (libc == null) libc = LibraryLoader.create(Libc.class).load("c");
        return libc;
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    /** Releases glibc's free memory to the host (every arena, not only the top of the main heap). */
    static void mallocTrim() {
        libc().malloc_trim(0);
    }

    /**
     * glibc's totals from malloc_info: {@code [in use, free held in arenas, mmapped chunks]} in KB, over
     * every arena; {@code null} if unavailable.
     */
    static long[] mallocKb() {
        try {
            // open_memstream stores the buffer and its size at fclose, after the call: not a by-reference.
            Pointer cells = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(libc()), 16, true);
            Pointer stream = libc().open_memstream(cells, cells.slice(8));
            if (stream == null) return null;
            libc().malloc_info(0, stream);
            libc().fclose(stream);
            Pointer buf = cells.getPointer(0);
            String xml = buf.getString(0, (int) cells.getLong(8), java.nio.charset.StandardCharsets.US_ASCII);
            libc().free(buf);
            // The last <system type="current"> and <total type="mmap"> are the process-wide ones.
            String tail = xml.substring(xml.lastIndexOf("</heap>"));
            long current = attr(tail, "<system type=\"current\" size=\"(\\d+)\"");
            long fast = attr(tail, "<total type=\"fast\" count=\"\\d+\" size=\"(\\d+)\"");
            long rest = attr(tail, "<total type=\"rest\" count=\"\\d+\" size=\"(\\d+)\"");
            long mmap = attr(tail, "<total type=\"mmap\" count=\"\\d+\" size=\"(\\d+)\"");
            long free = fast + rest;
            return new long[] {(current - free) >> 10, free >> 10, mmap >> 10};
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static long attr(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** NMT's "Total: reserved=..KB, committed=..KB" committed figure in KB, or -1 if NMT is off. */
    static long nmtCommittedKb() {
        String summary = nmtSummary();
        Matcher m = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(summary);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** [start, end) of the Java heap's reservation, from GC.heap_info; null if not found. */
    static long[] javaHeapRange() {
        try {
            String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher m = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)").matcher(info);
            return m.find() ? new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)} : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Resident KB of the mappings inside [start, end) (the Java heap), from /proc/self/smaps. */
    static long residentKbWithin(long start, long end) throws IOException {
        long rss = 0;
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            Matcher m = HEADER.matcher(line);
            if (m.lookingAt()) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long a = Long.parseUnsignedLong(range[0], 16), b = Long.parseUnsignedLong(range[1], 16);
                inside = a >= start && b <= end;
            } else if (inside && line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return rss;
    }

    static String nmtSummary() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            return "";
        }
    }

    /** Resident KB outside the Java heap's reservation: RSS minus the heap's resident pages; -1 if unknown. */
    static long nonHeapRssKb() throws IOException {
        long[] heap = javaHeapRange();
        if (heap == null) return -1;
        return rssKb() - residentKbWithin(heap[0], heap[1]);
    }

    private static final Pattern HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");
}
