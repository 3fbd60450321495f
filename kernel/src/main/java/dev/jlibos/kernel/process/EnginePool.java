package dev.jlibos.kernel.process;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.loader.LoadedProgram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engines kept between runs of the same program in one JVM, so a warm run does not translate its guest
 * code again (issue 15). Most of a short run's cost on a fresh engine is Unicorn translating the code the
 * program runs: busybox's, ld.so's and python's start-up code is the same every run.
 *
 * <p>The pool holds, per program, its <em>image</em>: the address space as the loader left it, with the
 * kml-shim's pages and the vDSO, less the initial stack (argv, environment, auxv and AT_RANDOM are built
 * afresh each run). The key is what decides the image: every file the loader read (the #! scripts, the
 * executable, its PT_INTERP interpreter), each as its path and identity (device, inode, size, mtime and
 * ctime in ns, taken around the read), and the run's settings that change the image (syscall path,
 * tracing). A changed file has another identity, so it is never served from a stale image; a file changed
 * in the last 100 ms has none yet (ProgramFiles: timestamps come from a coarse clock), and starts cold.
 *
 * <p>When a run of a pooled program ends, if its process still runs that image (no execve) and the pool
 * has room, its engine stays as idle and its memory (a resettable copy of the image) is
 * {@link AddressSpace#resetTo reset} to the image in place: the areas the run left where the image has
 * them keep their engine mappings and hence their translated code (code pages whose bytes the run changed
 * are retranslated); everything the run mapped beyond the image (shared libraries, heap, mmap) is
 * unmapped. The next run of the program takes that engine and only builds its stack.
 *
 * <p>Bounded by idle engines and by bytes of guest address space held (images plus idle memories), least
 * recently used first out. Configured by {@link #shared()}'s system properties or {@link #create}. Used
 * by a {@code Machine}'s first process and by execve inside a run (a shell's children exec the same few
 * programs again and again); execve records an image only for a program it has seen before, so a
 * program run once pays nothing for it. Fork children still start fresh engines (their memory is the
 * parent's, not an image). Thread-safe: runs in parallel take different engines.
 */
public final class EnginePool {
    /** "off" turns the shared pool off (to compare); anything else, or unset, leaves it on. */
    public static final String PROPERTY = "jlibos.engine-pool";
    /** Most idle engines the shared pool keeps (default 4). */
    public static final String ENGINES_PROPERTY = "jlibos.engine-pool.engines";
    /** Most bytes of guest address space the shared pool holds, with a k/m/g suffix (default 512m). */
    public static final String BYTES_PROPERTY = "jlibos.engine-pool.bytes";
    private static final int DEFAULT_ENGINES = 4;
    private static final long DEFAULT_BYTES = 512L << 20;

    private final int maxEngines;
    private final long maxBytes;
    /** Whether a Machine's first program starts through the pool too, or only execve inside a run. */
    private final boolean firstPrograms;
    /** Keys of programs execve has loaded, most recent last: a second execve of one records its image. */
    private final LinkedHashMap<Object, Boolean> execSeen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Object, Boolean> eldest) {
            return size() > 256;
        }
    };
    /** Images by key, least recently used first. */
    private final LinkedHashMap<Object, Image> images = new LinkedHashMap<>(16, 0.75f, true);
    private int idleEngines;
    private long bytes;
    private final AtomicLong enginesReused = new AtomicLong();
    private final AtomicLong imagesReused = new AtomicLong();
    private final AtomicLong imagesRecorded = new AtomicLong();

    /** One program's image, its load result and the idle engines reset to it. */
    public static final class Image {
        final Object key;
        final AddressSpace memory;
        final LoadedProgram program;
        final long shimData;
        final long bytes;
        final ArrayDeque<Idle> idle = new ArrayDeque<>();
        /** Runs started from this image and not yet ended: its blocks must outlive them (their resets read them). */
        int users;
        boolean evicted;

        Image(Object key, AddressSpace memory, LoadedProgram program, long shimData) {
            this.key = key;
            this.memory = memory;
            this.program = program;
            this.shimData = shimData;
            this.bytes = memory.mappedBytes();
        }

        /** The address space the loader left, less its stack. */
        public AddressSpace memory() {
            return memory;
        }

        /** The first load's result: where the image's parts are (the stack pointer and argv are that run's). */
        public LoadedProgram program() {
            return program;
        }

        /** The kml-shim's data page in the image, or 0. */
        public long shimData() {
            return shimData;
        }
    }

    /** An engine and its memory, a resettable copy of an image, reset to it when the last run gave it back. */
    public record Idle(Cpu cpu, AddressSpace memory) {
        void dispose() {
            memory.detach(cpu);
            cpu.close();
            memory.close();
        }
    }

    /** A run's hold on an image: its engine and memory, given back with {@link #giveBack} when it ends. */
    public record Lease(Image image, Cpu cpu, AddressSpace memory) {
    }

    private EnginePool(int maxEngines, long maxBytes, boolean firstPrograms) {
        this.maxEngines = Math.max(0, maxEngines);
        this.maxBytes = Math.max(0, maxBytes);
        this.firstPrograms = firstPrograms;
    }

    /** A pool of its own, for at most {@code maxEngines} idle engines and {@code maxBytes} of guest memory (0: off). */
    public static EnginePool create(int maxEngines, long maxBytes) {
        return new EnginePool(maxEngines, maxBytes, true);
    }

    /**
     * A pool for execve inside one run only: a JVM that runs one program (`./jlibos run`) can never reuse its
     * first program's image, so recording it would be wasted, but a shell it runs may exec one program often.
     */
    public static EnginePool forExecs(int maxEngines, long maxBytes) {
        return new EnginePool(maxEngines, maxBytes, false);
    }

    /** Whether a Machine's first program starts through this pool (else only execve does). */
    public boolean poolsFirstPrograms() {
        return firstPrograms;
    }

    /** For execve: whether {@code key} was loaded before (then its image is worth recording); notes it now. */
    public synchronized boolean seenByExec(Object key) {
        return execSeen.put(key, Boolean.TRUE) != null;
    }

    private static final class Shared {
        static final EnginePool POOL = fromProperties();
    }

    /** The JVM's pool, used by every Machine not given one: on unless {@value #PROPERTY} is "off". */
    public static EnginePool shared() {
        return Shared.POOL;
    }

    private static EnginePool fromProperties() {
        if ("off".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) return create(0, 0);
        int engines = DEFAULT_ENGINES;
        long limit = DEFAULT_BYTES;
        try {
            String e = System.getProperty(ENGINES_PROPERTY);
            if (e != null && !e.isBlank()) engines = Integer.parseInt(e.trim());
            String b = System.getProperty(BYTES_PROPERTY);
            if (b != null && !b.isBlank()) limit = parseBytes(b);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("bad engine pool setting: " + ex.getMessage(), ex);
        }
        return create(engines, limit);
    }

    /** "512m", "1g", "65536": bytes with an optional k, m or g suffix. */
    static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (shift != 0) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t) << shift;
    }

    public boolean enabled() {
        return maxEngines > 0 && maxBytes > 0;
    }

    /** Whether an image of {@code size} bytes fits at all. */
    public boolean fits(long size) {
        return enabled() && size <= maxBytes;
    }

    /** Runs that started on an idle engine of the pool (its translations kept). */
    public long enginesReused() {
        return enginesReused.get();
    }

    /** Runs that started from a recorded image, on a pooled engine or (none idle) a fresh one. */
    public long imagesReused() {
        return imagesReused.get();
    }

    /** Images recorded (first runs of a program, or after its file changed or its image was evicted). */
    public long imagesRecorded() {
        return imagesRecorded.get();
    }

    /** Idle engines held now. */
    public synchronized int idleEngines() {
        return idleEngines;
    }

    /** Bytes of guest address space held now (images and idle memories). */
    public synchronized long heldBytes() {
        return bytes;
    }

    /** The image recorded for {@code key}, held for a run until {@link #giveBack} or {@link #abandon}; or null. */
    public synchronized Image take(Object key) {
        Image image = images.get(key);
        if (image == null) return null;
        image.users++;
        imagesReused.incrementAndGet();
        return image;
    }

    /** An idle engine of a taken image, its memory equal to the image, or null when none is idle. */
    public synchronized Idle takeIdle(Image image) {
        Idle idle = image.idle.poll();
        if (idle == null) return null;
        idleEngines--;
        bytes -= idle.memory().mappedBytes();
        enginesReused.incrementAndGet();
        return idle;
    }

    /**
     * Keeps {@code memory} (the loader's address space less the stack, attached to no engine) as the image
     * for {@code key}, held for the calling run as {@link #take} does. The caller checked {@link #fits}.
     */
    public synchronized Image record(Object key, AddressSpace memory, LoadedProgram program, long shimData) {
        Image image = new Image(key, memory, program, shimData);
        Image old = images.put(key, image); // two first runs at once: the later one's image stays
        if (old != null) evict(old);
        image.users = 1;
        bytes += image.bytes;
        imagesRecorded.incrementAndGet();
        for (Idle i : trim(image)) i.dispose();
        return image;
    }

    /** A run ends before it started (its load failed): releases its hold on the image. */
    public synchronized void abandon(Image image) {
        image.users--;
        if (image.evicted && image.users == 0) image.memory.close();
    }

    /**
     * A run from {@code lease} ended: when {@code reusable} (the process still had the image's memory) and
     * the image is still pooled, its memory is reset to the image at once (what the run mapped is freed
     * now, not held until the next run) and the engine becomes idle, room permitting; else the engine is
     * closed (the memory was closed by the execve that replaced it, or is freed here).
     */
    public void giveBack(Lease lease, boolean reusable) {
        Image image = lease.image();
        boolean keep;
        synchronized (this) {
            keep = reusable && !image.evicted && maxEngines > 0;
        }
        Idle idle = new Idle(lease.cpu(), lease.memory());
        lease.cpu().setEvents(null);
        if (keep) {
            try {
                lease.memory().resetTo(image.memory()); // the run's hold on the image keeps its blocks alive
            } catch (RuntimeException e) {
                keep = false; // host memory ran out: the engine is not worth keeping
            }
        }
        List<Idle> dispose = new ArrayList<>();
        synchronized (this) {
            image.users--;
            if (keep && !image.evicted) {
                image.idle.push(idle);
                idleEngines++;
                bytes += idle.memory().mappedBytes();
                images.get(image.key); // most recently used
                dispose.addAll(trim(null));
            } else if (reusable) {
                dispose.add(idle);
            } else {
                lease.cpu().close();
            }
            if (image.evicted && image.users == 0) image.memory.close();
        }
        // Outside the lock: closing engines and unmapping memory takes a while.
        for (Idle d : dispose) d.dispose();
    }

    private void evict(Image image) {
        image.evicted = true;
        bytes -= image.bytes;
        for (Idle i : image.idle) {
            bytes -= i.memory().mappedBytes();
            idleEngines--;
            i.dispose();
        }
        image.idle.clear();
        if (image.users == 0) image.memory.close();
    }

    /**
     * Within the bounds again: idle engines first, least recently used image first, then images no run
     * holds; never {@code keep}. Returns the idle engines to dispose (outside the lock).
     */
    private List<Idle> trim(Image keep) {
        List<Idle> out = new ArrayList<>();
        for (Iterator<Image> it = images.values().iterator(); it.hasNext() && over(); ) {
            Image image = it.next();
            while (!image.idle.isEmpty() && over()) {
                Idle i = image.idle.pollLast();
                idleEngines--;
                bytes -= i.memory().mappedBytes();
                out.add(i);
            }
        }
        for (Iterator<Image> it = images.values().iterator(); it.hasNext() && bytes > maxBytes; ) {
            Image image = it.next();
            if (image == keep || !image.idle.isEmpty()) continue;
            it.remove();
            evict(image);
        }
        return out;
    }

    private boolean over() {
        return idleEngines > maxEngines || bytes > maxBytes;
    }

    /** Closes every idle engine and forgets every image no run holds. */
    public synchronized void clear() {
        for (Iterator<Image> it = images.values().iterator(); it.hasNext(); ) {
            Image image = it.next();
            it.remove();
            evict(image);
        }
    }
}
