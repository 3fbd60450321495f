package dev.jlibos.host.unicorn;

/**
 * How a {@link UnicornCpu} binds its syscall hook (UC_HOOK_INSN / UC_X86_INS_SYSCALL) and the general-purpose
 * register accesses a syscall handler makes from inside it: the per-syscall native boundary crossings. The
 * rest of the engine API stays on jnr-ffi ({@link UnicornLibrary}).
 *
 * <p>Two implementations: {@link JnrSyscallHookBinding} (a jnr-ffi closure and jnr downcalls; every JDK), and
 * {@code FfmSyscallHookBinding} (a java.lang.foreign upcall stub and critical downcalls; JDK 22+), which is
 * compiled only by the {@code ffm} Maven profile with a JDK 22+ javac (host-abi/src/ffm/java) and used when
 * it is on the class path and the running JVM is 22 or newer. The system property
 * {@code jlibos.unicorn.binding} ({@code auto}, the default, {@code jnr} or {@code ffm}) overrides the choice;
 * {@code ffm} fails when the FFM binding cannot be used instead of falling back.
 *
 * <p>Measured by ffm-probe/ (a counted loop of {@code syscall} with a hook that batch-reads the 7 syscall
 * registers and writes RAX): about 160-170 ns per syscall through jnr-ffi on JDK 17 and 25, about 60 ns
 * through FFM on JDK 25. The difference is almost all in the upcall itself (jnr ~90 ns over an empty native
 * hook, FFM ~20 ns).
 *
 * <p>An instance belongs to one engine and is used by one host thread at a time, like the engine.
 */
public interface SyscallHookBinding extends AutoCloseable {
    /** Adds the syscall hook to the engine; it calls {@code onSyscall} per syscall. Returns a uc_err. */
    int addSyscallHook(Runnable onSyscall);

    /** uc_reg_read of a 64-bit register (all 8 bytes of the value buffer). */
    long read(int regid);

    /** uc_reg_write of a 64-bit register. */
    void write(int regid, long value);

    /** uc_reg_read_batch of the registers given at creation, in that order, into {@code out}. */
    void readBatch(long[] out);

    /** Frees the binding's native memory and hook stub; after uc_close, so the engine can no longer call it. */
    @Override
    void close();

    /** Creates the binding of one engine. */
    interface Factory {
        /**
         * @param engine the uc_engine pointer
         * @param batchRegs the register ids {@link #readBatch} reads
         */
        SyscallHookBinding create(long engine, int[] batchRegs);

        /** A short name for diagnostics and benchmarks: "jnr" or "ffm". */
        String name();
    }

    /** The factory this JVM uses, chosen once (see the class comment). */
    static Factory factory() {
        return Chosen.FACTORY;
    }

    /** Holder of the chosen factory (an interface cannot have private static fields). */
    final class Chosen {
        static final String PROPERTY = "jlibos.unicorn.binding";
        static final String FFM_CLASS = "dev.jlibos.host.unicorn.FfmSyscallHookBinding$FfmFactory";
        static final Factory FACTORY = choose(System.getProperty(PROPERTY, "auto"));

        private Chosen() {
        }

        static Factory choose(String wanted) {
            switch (wanted) {
                case "jnr":
                    return JnrSyscallHookBinding.FACTORY;
                case "auto":
                case "ffm":
                    break;
                default:
                    throw new IllegalArgumentException(PROPERTY + " must be auto, jnr or ffm, not " + wanted);
            }
            boolean required = wanted.equals("ffm");
            if (java.lang.Runtime.version().feature() < 22) {
                if (required) throw new IllegalStateException(PROPERTY + "=ffm needs a JDK 22 or newer");
                return JnrSyscallHookBinding.FACTORY;
            }
            try {
                return (Factory) Class.forName(FFM_CLASS).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // Not built with -Pffm (ClassNotFoundException), or native access denied (IllegalCallerException).
                if (required) throw new IllegalStateException(PROPERTY + "=ffm but the FFM binding is unavailable"
                        + " (build with mvn -Pffm and a JDK 22+ javac)", e);
                return JnrSyscallHookBinding.FACTORY;
            }
        }
    }
}
