package dev.jlibos.compat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of executables for the loader fuzz campaign ({@link LoaderFuzzTest}): ELF header
 * fields, program headers (types, offsets, sizes, alignment, overlapping and duplicated entries),
 * PT_INTERP strings and {@code #!} lines, each set to boundary values or randomised. Deterministic: the
 * same seed and input give the same output, so a failure reproduces from its (seed, iteration).
 */
final class LoaderFuzzer {
    static final int PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
    private static final int EHDR = 64, PHENT = 56;
    /** e_ident[EI_CLASS], EI_DATA, EI_VERSION, EI_OSABI; e_type, e_machine, e_version, e_entry, e_phoff... */
    private static final int[][] EHDR_FIELDS = {{4, 1}, {5, 1}, {6, 1}, {7, 1}, {16, 2}, {18, 2}, {20, 4}, {24, 8},
            {32, 8}, {40, 8}, {48, 4}, {52, 2}, {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2}};
    /** p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align. */
    private static final int[][] PHDR_FIELDS = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 8}, {48, 8}};
    private static final long[] INTERESTING = {0, 1, 2, 7, 8, 0x38, 0x40, 0xfff, 0x1000, 0x1001, 0x200000, 0x7fff,
            0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 1L << 40, 0x7ffffffff000L,
            0x7fffffffffffL, 0x800000000000L, 0x7fffffffffffffffL, 0x8000000000000000L, -1L, -0x1000L};
    private static final int[] TYPES = {0, PT_LOAD, PT_DYNAMIC, PT_INTERP, 4, 5, PT_PHDR, PT_TLS, PT_GNU_STACK,
            0x6474e550, 0x6474e552, 0x6474e553, 0x70000000, -1};
    /** Interpreter names: missing, odd kinds of files, directories, ourselves, a loop, very long names. */
    static final List<String> INTERPRETERS = List.of("/bin/sh", "/bin/busybox", "/lib64/ld-linux-x86-64.so.2",
            "/usr/lib/x86_64-linux-gnu/libc.so.6", "/nonexistent", "", " ", "/", "/usr", "/dev/null", "/dev/zero",
            "/proc/self/exe", "/proc/self/fd/0", "/m", "/self", "/chain1", "/empty", "/tiny", "sh", "../bin/sh",
            "/bin/true", "/" + "a".repeat(300), "/" + "b/".repeat(2100), "/bin/busybox\tsh", "/bin/busybox sh -c",
            "/bin/sh\u0000hidden", "/bin/\u00ff\u00fe");

    private final Random random;

    LoaderFuzzer(long seed) {
        this.random = new Random(seed);
    }

    /** A seeded choice among {@code n}. */
    int pick(int n) {
        return random.nextInt(n);
    }

    /** One mutant of {@code seed}: 1-4 stacked mutations, of the kind that suits an ELF or a script. */
    byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) b = isElf(b) ? mutateElf(b) : mutateScript(b);
        return b;
    }

    static boolean isElf(byte[] b) {
        return b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    private long interesting(long fileLength) {
        int k = random.nextInt(INTERESTING.length + 4);
        if (k < INTERESTING.length) return INTERESTING[k];
        return switch (k - INTERESTING.length) {
            case 0 -> fileLength;
            case 1 -> fileLength + 1;
            case 2 -> fileLength - 1 - random.nextInt(64);
            default -> random.nextLong() >>> random.nextInt(64);
        };
    }

    private byte[] mutateElf(byte[] b) {
        if (b.length < EHDR) return randomBytes(b);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = buf.getLong(32);
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        boolean phdrsInFile = phnum > 0 && phoff >= EHDR && phoff <= b.length - (long) phnum * PHENT; // no overflow
        switch (random.nextInt(10)) {
            case 0, 1 -> {
                int[] f = EHDR_FIELDS[random.nextInt(EHDR_FIELDS.length)];
                put(buf, f[0], f[1], interesting(b.length));
            }
            case 2, 3, 4 -> {
                if (!phdrsInFile) return randomBytes(b);
                int at = (int) phoff + random.nextInt(phnum) * PHENT;
                int[] f = PHDR_FIELDS[random.nextInt(PHDR_FIELDS.length)];
                long value = f[0] == 0 ? TYPES[random.nextInt(TYPES.length)] : interesting(b.length);
                put(buf, at + f[0], f[1], value);
            }
            case 5 -> {
                if (!phdrsInFile) return randomBytes(b);
                return withInterp(b, buf, (int) phoff, phnum);
            }
            case 6 -> { // copy one program header over another (duplicate PT_INTERP, overlapping PT_LOADs)
                if (!phdrsInFile) return randomBytes(b);
                int from = (int) phoff + random.nextInt(phnum) * PHENT, to = (int) phoff + random.nextInt(phnum) * PHENT;
                System.arraycopy(b, from, b, to, PHENT);
            }
            case 7 -> { // truncate, usually inside the headers or the first page
                int limit = random.nextBoolean() ? Math.min(b.length, 4096) : b.length;
                return Arrays.copyOf(b, random.nextInt(limit));
            }
            default -> {
                // flip bytes in the headers (where nearly every mutation matters) or anywhere
                int region = phdrsInFile ? (int) Math.min(b.length, phoff + (long) phnum * PHENT) : EHDR;
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int at = random.nextInt(random.nextInt(4) == 0 ? b.length : region);
                    b[at] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }

    /** Points a program header (an existing PT_INTERP, or any) at a new interpreter string appended to the file. */
    private byte[] withInterp(byte[] b, ByteBuffer buf, int phoff, int phnum) {
        int index = -1;
        for (int i = 0; i < phnum; i++) if (buf.getInt(phoff + i * PHENT) == PT_INTERP) index = i;
        if (index < 0 || random.nextInt(4) == 0) index = random.nextInt(phnum);
        byte[] name = INTERPRETERS.get(random.nextInt(INTERPRETERS.size())).getBytes(StandardCharsets.ISO_8859_1);
        int terminator = random.nextInt(5) == 0 ? 0 : 1; // sometimes unterminated
        byte[] out = Arrays.copyOf(b, b.length + name.length + terminator);
        System.arraycopy(name, 0, out, b.length, name.length);
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int at = phoff + index * PHENT;
        o.putInt(at, PT_INTERP);
        o.putLong(at + 8, b.length);
        long size = name.length + terminator;
        o.putLong(at + 32, random.nextInt(6) == 0 ? interesting(size) : size);
        return out;
    }

    /** {@code elf} with its PT_INTERP pointed at {@code interpreter} (appended); null if it has none. */
    static byte[] interpretedBy(byte[] elf, String interpreter) {
        ByteBuffer buf = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = (int) buf.getLong(32), phnum = Short.toUnsignedInt(buf.getShort(56));
        for (int i = 0; i < phnum; i++) {
            int at = phoff + i * PHENT;
            if (buf.getInt(at) != PT_INTERP) continue;
            byte[] name = (interpreter + "\0").getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = Arrays.copyOf(elf, elf.length + name.length);
            System.arraycopy(name, 0, out, elf.length, name.length);
            ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            o.putLong(at + 8, elf.length);
            o.putLong(at + 32, name.length);
            return out;
        }
        return null;
    }

    private byte[] randomBytes(byte[] b) {
        if (b.length == 0) return new byte[] {0x7f, 'E', 'L', 'F'};
        for (int n = 1 + random.nextInt(4); n > 0; n--) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        return b;
    }

    private byte[] mutateScript(byte[] b) {
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int nl = text.indexOf('\n');
        String first = nl < 0 ? text : text.substring(0, nl), rest = nl < 0 ? "" : text.substring(nl);
        switch (random.nextInt(8)) {
            case 0, 1 -> first = "#!" + INTERPRETERS.get(random.nextInt(INTERPRETERS.size()))
                    + (random.nextBoolean() ? "" : " " + arg());
            case 2 -> first = first + " " + arg();
            case 3 -> first = first.replaceFirst("^#!", random.nextBoolean() ? "#! \t " : "#!\t");
            case 4 -> rest = ""; // no newline at all
            case 5 -> first = first + " ".repeat(random.nextInt(400)) + "x".repeat(random.nextInt(400));
            case 6 -> first = first.replace('\n', '\r') + "\r";
            default -> {
                return randomBytes(b);
            }
        }
        return (first + rest).getBytes(StandardCharsets.ISO_8859_1);
    }

    private String arg() {
        return switch (random.nextInt(5)) {
            case 0 -> "-e";
            case 1 -> "-x -y  -z";
            case 2 -> "\t-c\t";
            case 3 -> "a".repeat(random.nextInt(300));
            default -> "--" + Long.toHexString(random.nextLong());
        };
    }

    private static void put(ByteBuffer buf, int at, int size, long value) {
        if (at + size > buf.capacity()) return;
        switch (size) {
            case 1 -> buf.put(at, (byte) value);
            case 2 -> buf.putShort(at, (short) value);
            case 4 -> buf.putInt(at, (int) value);
            default -> buf.putLong(at, value);
        }
    }
}
