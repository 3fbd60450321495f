package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.syscalls.SyscallDef;
import dev.jlibos.syscalls.SyscallTable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where each family declares what it implements and how well. Together with the ABI facts in
 * {@link SyscallTable} this is the complete, declarative description of jlibos's syscall surface: the
 * dispatcher, {@code --strace} and the compatibility table are all derived from it.
 */
public final class SyscallRegistry {
    public static final int TABLE_SIZE = 512;

    /** One syscall as jlibos serves it. */
    public record Entry(SyscallDef def, Support support, String note, SyscallHandler handler, Errno errno) {
    }

    private final Entry[] entries = new Entry[TABLE_SIZE];

    public SyscallRegistry(List<SyscallFamily> families) {
        for (SyscallFamily f : families) f.register(this);
    }

    public void full(int number, SyscallHandler handler) {
        put(number, Support.FULL, "", handler, null);
    }

    public void partial(int number, String note, SyscallHandler handler) {
        put(number, Support.PARTIAL, note, handler, null);
    }

    /** The call is known and deliberately answered with {@code errno}, e.g. to make libc fall back. */
    public void errno(int number, Errno errno, String note) {
        put(number, Support.ERRNO, note, null, errno);
    }

    private void put(int number, Support support, String note, SyscallHandler handler, Errno errno) {
        SyscallDef def = SyscallTable.get(number);
        if (def == null) throw new IllegalArgumentException("no x86-64 syscall number " + number);
        if (entries[number] != null) throw new IllegalStateException(def.name() + " registered twice");
        entries[number] = new Entry(def, support, note, handler, errno);
    }

    /** The entry for a number, or null if nothing is registered (unknown or unimplemented). */
    public Entry get(int number) {
        return number >= 0 && number < TABLE_SIZE ? entries[number] : null;
    }

    /** Every x86-64 syscall with its support level, in number order. */
    public List<Entry> describeAll() {
        List<Entry> out = new ArrayList<>();
        for (SyscallDef def : SyscallTable.all()) {
            Entry e = get(def.number());
            out.add(e != null ? e : new Entry(def, Support.UNIMPLEMENTED, "", null, Errno.ENOSYS));
        }
        return Collections.unmodifiableList(out);
    }
}
