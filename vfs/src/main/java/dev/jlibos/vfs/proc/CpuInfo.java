package dev.jlibos.vfs.proc;

import dev.jlibos.core.cpu.Cpu;

import java.nio.charset.StandardCharsets;

/**
 * /proc/cpuinfo generated from the CPUID the guest sees, so its "flags" line never advertises an
 * instruction the engine cannot run (the host's file would list AVX2, POPCNT...).
 */
public final class CpuInfo {
    /** (leaf register, bit, Linux flag name) for the features CpuidModel can report. */
    private static final Object[][] FLAGS = {
            {"1d", 0, "fpu"}, {"1d", 4, "tsc"}, {"1d", 8, "cx8"}, {"1d", 15, "cmov"}, {"1d", 19, "clflush"},
            {"1d", 23, "mmx"}, {"1d", 24, "fxsr"}, {"1d", 25, "sse"}, {"1d", 26, "sse2"},
            {"e1d", 11, "syscall"}, {"e1d", 20, "nx"}, {"e1d", 27, "rdtscp"}, {"e1d", 29, "lm"},
            {"1c", 0, "pni"}, {"1c", 9, "ssse3"}, {"1c", 13, "cx16"}, {"1c", 19, "sse4_1"}, {"1c", 20, "sse4_2"},
            {"1c", 22, "movbe"}, {"1c", 23, "popcnt"}, {"1c", 25, "aes"}, {"1c", 26, "xsave"}, {"1c", 28, "avx"},
            {"1c", 30, "rdrand"}, {"e1c", 0, "lahf_lm"}, {"e1c", 5, "abm"}, {"e1c", 8, "3dnowprefetch"},
            {"7b", 3, "bmi1"}, {"7b", 5, "avx2"}, {"7b", 8, "bmi2"}, {"7b", 9, "erms"}, {"7b", 19, "adx"}};

    private CpuInfo() {
    }

    public static byte[] render(Cpu cpu) {
        int[] l0 = cpu.cpuid(0, 0), l1 = cpu.cpuid(1, 0), l7 = cpu.cpuid(7, 0), e1 = cpu.cpuid(0x80000001, 0);
        String vendor = text(l0[1], l0[3], l0[2]);
        StringBuilder brand = new StringBuilder();
        for (int leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
            int[] r = cpu.cpuid(leaf, 0);
            brand.append(text(r[0], r[1], r[2], r[3]));
        }
        int family = (l1[0] >> 8) & 0xf, model = (l1[0] >> 4) & 0xf, stepping = l1[0] & 0xf;
        if (family == 0xf) family += (l1[0] >> 20) & 0xff;
        if (family >= 6) model += ((l1[0] >> 16) & 0xf) << 4;
        StringBuilder flags = new StringBuilder();
        for (Object[] f : FLAGS) {
            int reg = switch ((String) f[0]) {
                case "1d" -> l1[3];
                case "1c" -> l1[2];
                case "7b" -> l7[1];
                case "e1c" -> e1[2];
                default -> e1[3];
            };
            if ((reg >>> (Integer) f[1] & 1) != 0) flags.append(flags.length() == 0 ? "" : " ").append(f[2]);
        }
        int cpus = Cpus.count();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cpus; i++) {
            out.append("processor\t: ").append(i).append('\n')
                    .append("vendor_id\t: ").append(vendor).append('\n')
                    .append("cpu family\t: ").append(family).append('\n')
                    .append("model\t\t: ").append(model).append('\n')
                    .append("model name\t: ").append(brand.toString().trim()).append('\n')
                    .append("stepping\t: ").append(stepping).append('\n')
                    .append("physical id\t: 0\nsiblings\t: ").append(cpus).append('\n')
                    .append("core id\t\t: ").append(i).append("\ncpu cores\t: ").append(cpus).append('\n')
                    .append("fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: ").append(l0[0]).append('\n')
                    .append("wp\t\t: yes\nflags\t\t: ").append(flags).append('\n')
                    .append("clflush size\t: 64\ncache_alignment\t: 64\n")
                    .append("address sizes\t: 48 bits physical, 48 bits virtual\n\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(int... words) {
        byte[] b = new byte[4 * words.length];
        for (int i = 0; i < words.length; i++) {
            for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (words[i] >>> (8 * k));
        }
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
