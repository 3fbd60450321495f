package dev.jlibos.compat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small line diff for failure messages: common prefix and suffix are trimmed, the middle is
 * aligned with a longest-common-subsequence table (bounded in size), and hunks are printed with
 * three lines of context in the familiar unified style. Binary content is shown as a hex summary.
 */
public final class TextDiff {
    private static final int MAX_LCS_LINES = 3000;

    private TextDiff() {}

    public static String unified(byte[] a, byte[] b, String aName, String bName, int maxHunkLines) {
        if (Arrays.equals(a, b)) return "";
        if (looksBinary(a) || looksBinary(b)) {
            int i = Arrays.mismatch(a, b);
            return "--- " + aName + " (" + a.length + " bytes)\n+++ " + bName + " (" + b.length + " bytes)\n"
                    + "binary content, first difference at byte " + i + ": " + hexAround(a, i) + " vs " + hexAround(b, i) + "\n";
        }
        List<String> x = lines(a), y = lines(b);
        int pre = 0;
        while (pre < x.size() && pre < y.size() && x.get(pre).equals(y.get(pre))) pre++;
        int suf = 0;
        while (suf < x.size() - pre && suf < y.size() - pre
                && x.get(x.size() - 1 - suf).equals(y.get(y.size() - 1 - suf))) suf++;
        List<String> mx = x.subList(pre, x.size() - suf), my = y.subList(pre, y.size() - suf);

        // ops: ' ' keep, '-' only in a, '+' only in b, over the middle part.
        List<char[]> ops = new ArrayList<>();
        List<String> text = new ArrayList<>();
        if (mx.size() <= MAX_LCS_LINES && my.size() <= MAX_LCS_LINES) {
            int n = mx.size(), m = my.size();
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--)
                for (int j = m - 1; j >= 0; j--)
                    lcs[i][j] = mx.get(i).equals(my.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            int i = 0, j = 0;
            while (i < n || j < m) {
                if (i < n && j < m && mx.get(i).equals(my.get(j))) { ops.add(new char[] {' '}); text.add(mx.get(i)); i++; j++; }
                else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.add(new char[] {'-'}); text.add(mx.get(i)); i++; }
                else { ops.add(new char[] {'+'}); text.add(my.get(j)); j++; }
            }
        } else {
            for (String s : mx) { ops.add(new char[] {'-'}); text.add(s); }
            for (String s : my) { ops.add(new char[] {'+'}); text.add(s); }
        }

        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(aName).append(" (").append(x.size()).append(" lines)\n");
        sb.append("+++ ").append(bName).append(" (").append(y.size()).append(" lines)\n");
        sb.append("@@ first difference at line ").append(pre + 1).append(" @@\n");
        for (int c = Math.max(0, pre - 3); c < pre; c++) sb.append("  ").append(x.get(c)).append('\n');
        int shown = 0, trailingContext = 0;
        for (int k = 0; k < ops.size(); k++) {
            char op = ops.get(k)[0];
            if (op == ' ') {
                // Print context only near changes.
                boolean nearNext = false;
                for (int q = k + 1; q < Math.min(ops.size(), k + 4); q++) nearNext |= ops.get(q)[0] != ' ';
                if (trailingContext < 3 || nearNext) { sb.append("  ").append(text.get(k)).append('\n'); trailingContext++; }
                else if (trailingContext == 3) { sb.append("  ...\n"); trailingContext++; }
                continue;
            }
            trailingContext = 0;
            if (++shown > maxHunkLines) {
                sb.append("  ... (diff truncated)\n");
                return sb.toString();
            }
            sb.append(op).append(' ').append(text.get(k)).append('\n');
        }
        for (int c = x.size() - suf; c < Math.min(x.size(), x.size() - suf + 3); c++) sb.append("  ").append(x.get(c)).append('\n');
        return sb.toString();
    }

    /** The last {@code maxLines} lines of a stream, for stderr in failure messages. */
    public static String tail(byte[] bytes, int maxLines) {
        List<String> l = lines(bytes);
        List<String> t = l.subList(Math.max(0, l.size() - maxLines), l.size());
        return (l.size() > maxLines ? "  ...\n" : "") + String.join("\n", t).indent(2).stripTrailing();
    }

    private static List<String> lines(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
        else if (!s.isEmpty()) out.set(out.size() - 1, out.get(out.size() - 1) + "\\ (no newline at end)");
        return out;
    }

    private static boolean looksBinary(byte[] b) {
        for (int i = 0; i < Math.min(b.length, 8192); i++) if (b[i] == 0) return true;
        return false;
    }

    private static String hexAround(byte[] b, int at) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = Math.max(0, at); i < Math.min(b.length, at + 8); i++) sb.append(String.format("%02x", b[i] & 0xff));
        return sb.append(at >= b.length ? "<end>" : "").append(']').toString();
    }
}
