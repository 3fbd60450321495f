package dev.jlibos.kernel.syscall;

import dev.jlibos.core.Errno;
import dev.jlibos.syscalls.SyscallDef;
import dev.jlibos.syscalls.SyscallTable;
import dev.jlibos.syscalls.offload.OffloadAllowlist;
import dev.jlibos.syscalls.offload.OffloadSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where each family declares what it implements and how well, and everything else jlibos knows about a
 * call: the dispatcher's traits ({@link Trait}) and the differential tests that cover it. Together with
 * the ABI facts in {@link SyscallTable} and the offload allowlist, one {@link Entry} is the complete
 * description of a syscall; the dispatcher, the kml-shim, {@code --strace} and the compatibility table
 * ({@link SyscallTableView}) are all derived from it. A family registers a call with one chained
 * statement, e.g. {@code r.full(Sysno.READ, this::read).traits(RESTARTABLE).coveredBy("CProgramsTest[stdio]")}.
 */
public final class SyscallRegistry {
    public static final int TABLE_SIZE = 512;

    /**
     * One syscall as jlibos serves it.
     *
     * @param family  the simple name of the family class that registered it ("" if none did)
     * @param traits  how the dispatcher and the kml-shim treat it
     * @param tests   differential test cases that make it, as {@code Class[case]}
     * @param offload how the host may serve it ({@code --offload}), or null if it is never forwarded
     */
    public record Entry(SyscallDef def, Support support, String note, SyscallHandler handler, Errno errno,
                        String family, Set<Trait> traits, List<String> tests, OffloadSpec offload) {
        public boolean has(Trait t) {
            return traits.contains(t);
        }

        Entry with(Set<Trait> traits, List<String> tests) {
            return new Entry(def, support, note, handler, errno, family, traits, tests, offload);
        }
    }

    /** The handle a family's registration returns, to add traits and covering tests in the same statement. */
    public final class Registration {
        private final int number;

        private Registration(int number) {
            this.number = number;
        }

        public Registration traits(Trait... traits) {
            Entry e = entries[number];
            EnumSet<Trait> all = e.traits().isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(e.traits());
            all.addAll(List.of(traits));
            entries[number] = e.with(Collections.unmodifiableSet(all), e.tests());
            cacheTraits(number, all);
            return this;
        }

        /** Differential test cases in which the guest makes this call (checked by compat-tests' SyscallCoverageTest). */
        public Registration coveredBy(String... tests) {
            Entry e = entries[number];
            List<String> all = new ArrayList<>(e.tests());
            all.addAll(List.of(tests));
            entries[number] = e.with(e.traits(), List.copyOf(all));
            return this;
        }
    }

    private final Entry[] entries = new Entry[TABLE_SIZE];
    /** Per-number trait bits for the dispatcher's hot path: an array read, no set lookup or boxing. */
    private final int[] traitBits = new int[TABLE_SIZE];
    /** The family whose register() is running. */
    private String registering = "";

    public SyscallRegistry(List<SyscallFamily> families) {
        for (SyscallFamily f : families) {
            registering = f.getClass().getSimpleName();
            f.register(this);
        }
        registering = "";
    }

    public Registration full(int number, SyscallHandler handler) {
        return put(number, Support.FULL, "", handler, null);
    }

    public Registration partial(int number, String note, SyscallHandler handler) {
        return put(number, Support.PARTIAL, note, handler, null);
    }

    /** The call is known and deliberately answered with {@code errno}, e.g. to make libc fall back. */
    public Registration errno(int number, Errno errno, String note) {
        return put(number, Support.ERRNO, note, null, errno);
    }

    private Registration put(int number, Support support, String note, SyscallHandler handler, Errno errno) {
        SyscallDef def = SyscallTable.get(number);
        if (def == null) throw new IllegalArgumentException("no x86-64 syscall number " + number);
        if (entries[number] != null) throw new IllegalStateException(def.name() + " registered twice");
        entries[number] = new Entry(def, support, note, handler, errno, registering, Set.of(), List.of(),
                OffloadAllowlist.get(number));
        return new Registration(number);
    }

    private void cacheTraits(int number, Set<Trait> traits) {
        int bits = 0;
        for (Trait t : traits) bits |= 1 << t.ordinal();
        traitBits[number] = bits;
    }

    /** The entry for a number, or null if nothing is registered (unknown or unimplemented). */
    public Entry get(int number) {
        return number >= 0 && number < TABLE_SIZE ? entries[number] : null;
    }

    /** Whether the registered call {@code number} has trait {@code t} (false for unknown numbers). */
    public boolean has(int number, Trait t) {
        return number >= 0 && number < TABLE_SIZE && (traitBits[number] & 1 << t.ordinal()) != 0;
    }

    /** The numbers of the registered calls with trait {@code t}, ascending. */
    public int[] numbersWith(Trait t) {
        return java.util.stream.IntStream.range(0, TABLE_SIZE).filter(n -> has(n, t)).toArray();
    }

    /** Every x86-64 syscall with its support level, in number order. */
    public List<Entry> describeAll() {
        List<Entry> out = new ArrayList<>();
        for (SyscallDef def : SyscallTable.all()) {
            Entry e = get(def.number());
            out.add(e != null ? e : new Entry(def, Support.UNIMPLEMENTED, "", null, Errno.ENOSYS, "", Set.of(), List.of(),
                    OffloadAllowlist.get(def.number())));
        }
        return Collections.unmodifiableList(out);
    }
}
