package dev.jlibos.loader;

import java.nio.charset.StandardCharsets;

/**
 * The {@code #!} line of a script, parsed with Linux's binfmt_script rules: the interpreter path and at
 * most one argument, which is the whole rest of the line (spaces included) with surrounding blanks
 * trimmed; the line must fit in the first 256 bytes.
 */
record Shebang(String interpreter, String argument) {
    /** BINPRM_BUF_SIZE: how much of the file Linux reads to find the #! line. */
    static final int MAX_LINE = 256;

    static boolean isScript(byte[] b) {
        return b.length >= 2 && b[0] == '#' && b[1] == '!';
    }

    static Shebang parse(String path, byte[] b) throws LoadException {
        int limit = Math.min(b.length, MAX_LINE);
        int end = 2;
        while (end < limit && b[end] != '\n') end++;
        if (end == limit && limit == MAX_LINE && (b.length <= MAX_LINE || b[MAX_LINE] != '\n')) {
            // No newline in the buffer: Linux accepts it only if the interpreter name ends inside it.
            int i = skipBlanks(b, 2, limit);
            int j = i;
            while (j < limit && !blank(b[j])) j++;
            if (j == limit) throw LoadException.malformed(path, "#! line is longer than " + MAX_LINE + " bytes");
        }
        String line = new String(b, 2, end - 2, StandardCharsets.UTF_8);
        int nul = line.indexOf('\0');
        if (nul >= 0) line = line.substring(0, nul);
        line = strip(line);
        if (line.isEmpty()) throw LoadException.malformed(path, "#! line names no interpreter");
        int split = 0;
        while (split < line.length() && line.charAt(split) != ' ' && line.charAt(split) != '\t') split++;
        String interpreter = line.substring(0, split);
        String argument = strip(line.substring(split));
        return new Shebang(interpreter, argument.isEmpty() ? null : argument);
    }

    private static String strip(String s) {
        int a = 0, z = s.length();
        while (a < z && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) a++;
        while (z > a && (s.charAt(z - 1) == ' ' || s.charAt(z - 1) == '\t')) z--;
        return s.substring(a, z);
    }

    private static boolean blank(byte c) {
        return c == ' ' || c == '\t';
    }

    private static int skipBlanks(byte[] b, int from, int limit) {
        while (from < limit && blank(b[from])) from++;
        return from;
    }
}
