package dev.jlibos.kernel;

import dev.jlibos.core.host.HostClocks;
import dev.jlibos.host.memory.MmapHostMemory;
import dev.jlibos.host.tsc.HostTsc;
import dev.jlibos.kml.Vdso;
import dev.jlibos.kml.VdsoClock;
import dev.jlibos.kml.Vvar;

/**
 * The JVM's one vDSO: the host's clocks are global, so every machine shares one vvar page and one
 * calibrated clock line, created (about 2 ms of calibration) when the first shim-path machine runs.
 */
final class VdsoSupport {
    private VdsoSupport() {
    }

    private static final class Holder {
        static final Vdso VDSO = new Vdso(new VdsoClock.Source() {
            @Override
            public long tsc() {
                return HostTsc.read();
            }

            @Override
            public long monotonic() {
                return HostClocks.monotonic();
            }

            @Override
            public long realtime() {
                return HostClocks.realtime();
            }
        }, new MmapHostMemory().allocate(Vvar.SIZE), HostTsc.invariant());
    }

    static Vdso get() {
        return Holder.VDSO;
    }
}
