package dev.jlibos.kernel.process;

import java.util.SplittableRandom;

/**
 * Deterministic mode ({@code Machine.Builder.deterministic(long)}): everything a guest can observe that
 * would otherwise come from the host or from timing is derived from a seed and from the guest's own work,
 * so the same program with the same input gives the same output and syscall trace run after run.
 *
 * <ul>
 *   <li>Time: each process has a virtual clock that starts at {@link #EPOCH_SECONDS} (CLOCK_REALTIME) and
 *   {@link #BOOT_NANOS} (CLOCK_MONOTONIC/BOOTTIME) and advances by {@link #NANOS_PER_SYSCALL} per syscall
 *   and {@link #NANOS_PER_BLOCK} per basic block the engine started (counted by the native block hook),
 *   and by the whole duration of a sleep, which returns at once. A forked child starts at its parent's time; a
 *   parent that reaps it (wait4, waitid) moves its own clock up to the child's.</li>
 *   <li>Randomness: AT_RANDOM, getrandom and reads of /dev/urandom and /dev/random come from a
 *   {@link SplittableRandom} seeded with the seed; a forked child gets a split of its parent's.</li>
 *   <li>Identity: uid/gid {@link #UID}/{@link #GID}, hostname and uname fixed; pids are the pid
 *   namespace's own (1000, 1001... in creation order).</li>
 *   <li>Threads: the threads of all the machine's processes take turns on the kernel's one
 *   {@link DeterministicBaton} instead of a fair lock per process with wall-clock slices: a turn ends at a
 *   syscall boundary after {@link #SYSCALLS_PER_TURN} syscalls, after {@link #BLOCKS_PER_TURN} blocks, at
 *   sched_yield or a sleep, or when the thread blocks; the next thread is the one that became ready first,
 *   queued by the guest thread that made it ready (futex wake, clone, fork, a notification of its
 *   process's sleepers: {@code GuestProcess.kickSleepers}).</li>
 * </ul>
 *
 * Limits (README Quirks): waits on events from outside the machine (stdin from the host, host sockets and
 * fds, timeouts of futex and poll, signals from the embedder) still end when the host event happens, so a
 * thread that rejoins after one does so at a host-timed point; interval timers and alarm use host time.
 */
public final class Determinism {
    /** 2024-01-01T00:00:00Z: where CLOCK_REALTIME starts. */
    public static final long EPOCH_SECONDS = 1_704_067_200L;
    /** CLOCK_MONOTONIC at start: the machine looks booted 1000 s earlier. */
    public static final long BOOT_NANOS = 1_000_000_000_000L;
    /** Virtual cost of a syscall and of a basic block (a handful of instructions on a ~GHz CPU). */
    public static final long NANOS_PER_SYSCALL = 1_000, NANOS_PER_BLOCK = 5;
    public static final int SYSCALLS_PER_TURN = 32;
    public static final long BLOCKS_PER_TURN = 200_000;
    public static final int UID = 1000, GID = 1000;
    public static final String HOSTNAME = "jlibos", RELEASE = "6.1.0-jlibos",
            VERSION = "#1 SMP PREEMPT_DYNAMIC Mon Jan  1 00:00:00 UTC 2024";

    public final long seed;

    public Determinism(long seed) {
        this.seed = seed;
    }

    /** A process's virtual clock and random generator; guarded by the process's execution baton. */
    public static final class ProcessState {
        private long nanos;
        private final SplittableRandom random;

        ProcessState(long nanos, SplittableRandom random) {
            this.nanos = nanos;
            this.random = random;
        }

        /** Nanoseconds since the machine's virtual start. */
        public synchronized long elapsed() {
            return nanos;
        }

        public synchronized void advance(long delta) {
            if (delta > 0) nanos = nanos + delta < 0 ? Long.MAX_VALUE : nanos + delta;
        }

        /** Moves the clock forward to {@code elapsed} if it is behind (a reaped child's end). */
        public synchronized void advanceTo(long elapsed) {
            nanos = Math.max(nanos, elapsed);
        }

        public synchronized void nextBytes(byte[] bytes, int length) {
            for (int i = 0; i < length; i += 8) {
                long v = random.nextLong();
                for (int k = 0; k < 8 && i + k < length; k++) bytes[i + k] = (byte) (v >>> (8 * k));
            }
        }

        /** The state of a forked child: same time, an independent generator split off this one. */
        public synchronized ProcessState fork() {
            return new ProcessState(nanos, random.split());
        }
    }

    public ProcessState firstProcess() {
        return new ProcessState(0, new SplittableRandom(seed));
    }

    /** Charges a thread's guest work since its last syscall plus the syscall itself to its process's clock. */
    public static void onSyscall(GuestThread t) {
        ProcessState s = t.process.determinism();
        long blocks = t.cpu.blocksExecuted();
        long delta = blocks - t.blocksSeen;
        t.blocksSeen = blocks;
        t.turnSyscalls++;
        s.advance(NANOS_PER_SYSCALL + Math.max(0, delta) * NANOS_PER_BLOCK);
    }

    /** An endless stream of the process's seeded random bytes: /dev/urandom in deterministic mode. */
    public static java.io.InputStream randomStream(ProcessState s) {
        return new java.io.InputStream() {
            @Override
            public int read() {
                byte[] b = new byte[1];
                s.nextBytes(b, 1);
                return b[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                byte[] b = new byte[length];
                s.nextBytes(b, length);
                System.arraycopy(b, 0, buffer, offset, length);
                return length;
            }
        };
    }
}
