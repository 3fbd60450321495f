package dev.jlibos.vfs.proc;

/**
 * The CPUs the guest sees, one definition for every place that reports them: /proc/cpuinfo,
 * /sys/devices/system/cpu/{online,possible,present} (glibc's sysconf(_SC_NPROCESSORS_*)) and the
 * sched_getaffinity mask (nproc): CPUs 0..count-1, as many as the JVM may use.
 */
public final class Cpus {
    private Cpus() {
    }

    /** The number of CPUs (nr_cpu_ids): the host's, or fewer when the JVM is confined (taskset, cgroups). */
    public static int count() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * cpumask_size(): the bytes of a CPU mask as sched_getaffinity copies it out, whole longs covering
     * {@link #count()} bits (as a kernel with CONFIG_CPUMASK_OFFSTACK sizes it by nr_cpu_ids).
     */
    public static int maskBytes() {
        return Math.max(8, ((count() + 63) / 64) * 8);
    }

    /** The mask of every CPU, {@link #maskBytes()} long. */
    public static byte[] allMask() {
        byte[] mask = new byte[maskBytes()];
        for (int c = 0; c < count(); c++) mask[c / 8] |= (byte) (1 << (c % 8));
        return mask;
    }

    /** "0-N" (or "0"), the format of the /sys cpu lists. */
    public static String list() {
        int n = count();
        return n == 1 ? "0" : "0-" + (n - 1);
    }
}
