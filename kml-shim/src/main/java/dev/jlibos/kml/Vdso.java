package dev.jlibos.kml;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HostBlock;

/**
 * The vDSO of jlibos: the generated image ({@link VdsoImage}), the shared vvar page and the clock that
 * keeps it current. {@link #map} gives an address space the pair Linux has, {@code [vvar]} (r--)
 * directly followed by {@code [vdso]} (r-x), and returns the image's address for AT_SYSINFO_EHDR.
 */
public final class Vdso {
    private final VvarBlock vvar;
    private final VdsoClock clock;

    /**
     * @param page   one zeroed host page for the vvar data, owned by this object from now on
     * @param usable false when the host TSC cannot serve as a clock: the vDSO is still mapped, but every
     *               call makes the syscall
     */
    public Vdso(VdsoClock.Source source, HostBlock page, boolean usable) {
        if (page.size() != Vvar.SIZE) throw new IllegalArgumentException("the vvar page is " + Vvar.SIZE + " bytes");
        this.vvar = new VvarBlock(page);
        this.clock = new VdsoClock(source, page, usable);
    }

    public VdsoClock clock() {
        return clock;
    }

    /**
     * Maps [vvar][vdso] in the highest free range below {@code below}, as Linux places them below the
     * interpreter when randomisation is off. The image is a private copy (fork copies it, a debugger could
     * patch it); the vvar page is the shared one.
     */
    public long map(AddressSpace space, long below) {
        long size = VdsoImage.mappedSize();
        long base = space.findFree(Vvar.SIZE + size, below);
        space.mapBlock(base, Vvar.SIZE, Cpu.PROT_READ, "[vvar]", 0, vvar);
        long image = base + Vvar.SIZE;
        space.map(image, size, Cpu.PROT_READ | Cpu.PROT_EXEC, "[vdso]");
        space.initWrite(image, VdsoImage.bytes());
        return image;
    }
}
