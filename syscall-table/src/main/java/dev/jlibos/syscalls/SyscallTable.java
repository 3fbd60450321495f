package dev.jlibos.syscalls;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/** TEMPORARY stand-in until the table branch lands: derived from Sysno by reflection. */
public final class SyscallTable {
    private static final SyscallDef[] DEFS = new SyscallDef[512];
    private static final List<SyscallDef> ALL = new ArrayList<>();

    static {
        for (Field f : Sysno.class.getFields()) {
            try {
                int n = f.getInt(null);
                DEFS[n] = new SyscallDef(n, f.getName().toLowerCase());
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        for (SyscallDef d : DEFS) if (d != null) ALL.add(d);
    }

    private SyscallTable() {
    }

    public static SyscallDef get(int nr) {
        return nr >= 0 && nr < DEFS.length ? DEFS[nr] : null;
    }

    public static List<SyscallDef> all() {
        return ALL;
    }
}
