package dev.jlibos.syscalls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names for the values of one Linux constant family, printed the way strace prints them: a single value
 * by name, or a set of bits joined by {@code |} with unknown bits left over in hex.
 */
final class SymbolTable {
    private final Map<Long, String> names = new LinkedHashMap<>();
    private final String unknownPrefix;

    /** @param unknownPrefix family prefix for the {@code 0x63 /* F_??? *}{@code /} comment on unknown values */
    SymbolTable(String unknownPrefix) {
        this.unknownPrefix = unknownPrefix;
    }

    /** Adds a name; for bit sets, a name covering several bits must come before names for its parts. */
    SymbolTable add(long value, String name) {
        names.put(value, name);
        return this;
    }

    String nameOf(long value) {
        return names.get(value);
    }

    /** One value: its name, or hex with strace's {@code /* PREFIX_??? *}{@code /} comment. */
    String value(long value) {
        String n = names.get(value);
        return n != null ? n : hex(value) + " /* " + unknownPrefix + "??? */";
    }

    /** A bit set: known names in table order, then any remaining bits in hex; {@code zero} if nothing is set. */
    String bits(long value, String zero) {
        StringBuilder sb = new StringBuilder();
        long rest = bits(value, sb);
        if (rest != 0) join(sb, hex(rest));
        return sb.length() == 0 ? zero : sb.toString();
    }

    /** Appends the names of known bits to {@code sb} and returns the bits it could not name. */
    long bits(long value, StringBuilder sb) {
        long rest = value;
        for (Map.Entry<Long, String> e : names.entrySet()) {
            long v = e.getKey();
            if (v != 0 && (rest & v) == v) {
                join(sb, e.getValue());
                rest &= ~v;
            }
        }
        return rest;
    }

    static void join(StringBuilder sb, String part) {
        if (sb.length() > 0) sb.append('|');
        sb.append(part);
    }

    static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }
}
