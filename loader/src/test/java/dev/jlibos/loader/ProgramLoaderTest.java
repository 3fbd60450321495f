package dev.jlibos.loader;

import dev.jlibos.core.Errno;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HeapHostMemory;
import dev.jlibos.core.mem.Vma;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProgramLoaderTest {
    private final AddressSpace space = new AddressSpace(new HeapHostMemory());
    private final Map<String, byte[]> files = new HashMap<>();
    private final ProgramLoader loader = new ProgramLoader(path -> {
        byte[] b = files.get(path);
        if (b == null) throw new LoadException(Errno.ENOENT, path + ": no such file or directory");
        return b;
    });
    private static final LoadOptions OPTIONS = LoadOptions.defaults(0x178bfbffL, 1000, 1000, () -> new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

    private static byte[] busybox() throws Exception {
        Path p = Path.of("/bin/busybox");
        assumeTrue(Files.isRegularFile(p), "busybox-static not installed");
        return Files.readAllBytes(p);
    }

    private String string(long address) {
        return space.readCString(address, 4096, Errno.ENAMETOOLONG);
    }

    /** A vDSO mapper's address goes first into auxv as AT_SYSINFO_EHDR (ARCH_DLINFO), none without one. */
    @Test
    void vdsoIsPassedAsSysinfoEhdrFirst() throws Exception {
        files.put("/bin/busybox", busybox());
        LoadOptions withVdso = OPTIONS.withVdso((s, below) -> {
            long at = s.findFree(AddressSpace.PAGE_SIZE, below);
            s.map(at, AddressSpace.PAGE_SIZE, Cpu.PROT_READ | Cpu.PROT_EXEC, "[vdso]");
            return at;
        });
        LoadedProgram p = loader.load(space, "/bin/busybox", List.of("busybox"), List.of(), withVdso);
        Map.Entry<Integer, Long> first = p.auxv().entrySet().iterator().next();
        assertEquals(Auxv.AT_SYSINFO_EHDR, first.getKey());
        assertEquals("[vdso]", space.find(first.getValue()).name());
        AddressSpace plain = new AddressSpace(new HeapHostMemory());
        LoadedProgram q = loader.load(plain, "/bin/busybox", List.of("busybox"), List.of(), OPTIONS);
        assertTrue(!q.auxv().containsKey(Auxv.AT_SYSINFO_EHDR));
    }

    @Test
    void staticProgramStackFollowsTheAbi() throws Exception {
        files.put("/bin/busybox", busybox());
        LoadedProgram p = loader.load(space, "/bin/busybox", List.of("busybox", "echo", "hi"), List.of("A=1", "B=2"), OPTIONS);
        long sp = p.stackPointer();
        assertEquals(0, sp % 16, "rsp must be 16-byte aligned at process entry");
        assertEquals(3, space.readLong(sp));
        assertEquals("busybox", string(space.readLong(sp + 8)));
        assertEquals("hi", string(space.readLong(sp + 24)));
        assertEquals(0, space.readLong(sp + 32));
        assertEquals("A=1", string(space.readLong(sp + 40)));
        assertEquals("B=2", string(space.readLong(sp + 48)));
        assertEquals(0, space.readLong(sp + 56));
        Map<Long, Long> auxv = new HashMap<>();
        for (long a = sp + 64; ; a += 16) {
            long key = space.readLong(a);
            if (key == Auxv.AT_NULL) break;
            auxv.put(key, space.readLong(a + 8));
        }
        assertEquals(p.entry(), auxv.get((long) Auxv.AT_ENTRY));
        assertEquals(4096L, auxv.get((long) Auxv.AT_PAGESZ));
        assertEquals(0L, auxv.get((long) Auxv.AT_BASE));
        assertEquals("/bin/busybox", string(auxv.get((long) Auxv.AT_EXECFN)));
        assertEquals("x86_64", string(auxv.get((long) Auxv.AT_PLATFORM)));
        assertArrayEquals(OPTIONS.random16().get(), space.read(auxv.get((long) Auxv.AT_RANDOM), 16));
        // AT_PHDR points at the real program headers: the first one's type is readable there.
        long phdr = auxv.get((long) Auxv.AT_PHDR);
        int firstType = space.readInt(phdr);
        assertTrue(firstType == ProgramHeader.PT_LOAD || firstType == ProgramHeader.PT_PHDR || firstType > 0);
        Vma stack = space.find(sp);
        assertEquals("[stack]", stack.name());
        assertEquals(Cpu.PROT_READ | Cpu.PROT_WRITE, stack.prot());
        assertEquals(0, p.brkStart() % AddressSpace.PAGE_SIZE);
        assertTrue(space.find(p.entry()) != null && (space.find(p.entry()).prot() & Cpu.PROT_EXEC) != 0);
    }

    @Test
    void scriptsGetTheirInterpreterAndOneArgument() throws Exception {
        files.put("/bin/busybox", busybox());
        files.put("/s", "#! /bin/busybox  sh -e  \necho hi\n".getBytes(StandardCharsets.UTF_8));
        LoadedProgram p = loader.load(space, "/s", List.of("s", "x"), List.of(), OPTIONS);
        assertEquals(List.of("/bin/busybox", "sh -e", "/s", "x"), p.argv());
        assertEquals("/bin/busybox", p.executable());
        assertEquals("/s", p.execFn());
    }

    @Test
    void scriptErrors() {
        files.put("/missing", "#!/nope\n".getBytes(StandardCharsets.UTF_8));
        LoadException e = assertThrows(LoadException.class, () -> loader.load(space, "/missing", List.of("m"), List.of(), OPTIONS));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("bad interpreter /nope"), e.getMessage());
        files.put("/loop", "#!/loop\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(Errno.ELOOP, assertThrows(LoadException.class,
                () -> loader.load(space, "/loop", List.of("l"), List.of(), OPTIONS)).errno());
        files.put("/crlf", "#!/bin/busybox\r\n".getBytes(StandardCharsets.UTF_8));
        // Linux keeps the \r: the interpreter "/bin/busybox\r" does not exist.
        assertEquals(Errno.ENOENT, assertThrows(LoadException.class,
                () -> loader.load(space, "/crlf", List.of("c"), List.of(), OPTIONS)).errno());
    }

    @Test
    void dynamicProgramsLoadTheirInterpreterHigh() throws Exception {
        Path program = Path.of("/bin/true");
        assumeTrue(Files.isRegularFile(program));
        byte[] bytes = Files.readAllBytes(program);
        ElfFile elf = ElfFile.parse("/bin/true", bytes);
        assumeTrue(elf.interpreter != null);
        Path interp = Path.of(elf.interpreter);
        assumeTrue(Files.isRegularFile(interp));
        files.put("/bin/true", bytes);
        files.put(elf.interpreter, Files.readAllBytes(interp));
        LoadedProgram p = loader.load(space, "/bin/true", List.of("true"), List.of(), OPTIONS);
        assertTrue(p.interpreterBase() > 0x7f0000000000L, Long.toHexString(p.interpreterBase()));
        assertEquals(p.interpreterBase(), p.auxv().get(Auxv.AT_BASE));
        assertEquals(ProgramLoader.PIE_BASE, p.loadBias() + elf.spanStart());
        assertNotNull(space.find(p.entry()));
    }

    /**
     * The engine pool's warm start: restart builds only the stack, in a space that holds the image a
     * first load left (its stack removed), and gives the same entry, break and auxv as that load, with this
     * run's argv, environment and AT_RANDOM. Files without an identity make the program unpoolable.
     */
    @Test
    void restartBuildsOnlyTheStackOverARecordedImage() throws Exception {
        Path program = Path.of("/bin/true");
        assumeTrue(Files.isRegularFile(program));
        byte[] bytes = Files.readAllBytes(program);
        ElfFile elf = ElfFile.parse("/bin/true", bytes);
        assumeTrue(elf.interpreter != null && Files.isRegularFile(Path.of(elf.interpreter)));
        files.put("/bin/true", bytes);
        files.put(elf.interpreter, Files.readAllBytes(Path.of(elf.interpreter)));
        ResolvedProgram first = loader.resolve("/bin/true", List.of("true"));
        assertEquals(null, first.files(), "a source without identities cannot key a pooled image");
        LoadedProgram recorded = loader.map(space, first, List.of("A=1"), OPTIONS);
        Vma stack = space.find(recorded.stackPointer());
        int areas = space.areas().size();
        space.unmap(stack.start(), stack.length());
        ResolvedProgram again = loader.resolve("/bin/true", List.of("true", "--version"));
        LoadedProgram p = loader.restart(space, again, recorded, List.of("B=22"), OPTIONS);
        assertEquals(areas, space.areas().size(), "only the stack was mapped again");
        assertEquals(recorded.entry(), p.entry());
        assertEquals(recorded.brkStart(), p.brkStart());
        assertEquals(recorded.interpreterBase(), p.interpreterBase());
        for (int type : List.of(Auxv.AT_PHDR, Auxv.AT_BASE, Auxv.AT_ENTRY, Auxv.AT_PHNUM)) {
            assertEquals(recorded.auxv().get(type), p.auxv().get(type));
        }
        long argc = space.readLong(p.stackPointer());
        assertEquals(2, argc);
        assertEquals("--version", string(space.readLong(p.stackPointer() + 16)));
        assertEquals("B=22", string(space.readLong(p.stackPointer() + 32)));
        ProgramLoader identified = new ProgramLoader(new ExecutableSource() {
            @Override
            public byte[] read(String path) throws LoadException {
                return loader.resolve(path, List.of()).elf().bytes;
            }

            @Override
            public Identified readIdentified(String path) throws LoadException {
                return new Identified(files.get(path), "id:" + files.get(path).length);
            }
        });
        assertEquals(List.of(List.of("/bin/true", "id:" + bytes.length),
                        List.of(elf.interpreter, "id:" + files.get(elf.interpreter).length)),
                identified.resolve("/bin/true", List.of("true")).files());
    }

    @Test
    void randomMutationsEndInALoadExceptionOrALoad() throws Exception {
        byte[] original = busybox();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 300; i++) {
            byte[] b = original.clone();
            int edits = 1 + random.nextInt(4);
            for (int k = 0; k < edits; k++) {
                int at = random.nextInt(random.nextBoolean() ? 64 + 56 * 12 : b.length);
                b[at] = (byte) random.nextInt(256);
            }
            files.put("/m", b);
            try (AddressSpace fresh = new AddressSpace(new HeapHostMemory())) {
                new ProgramLoader(path -> files.get("/m")).load(fresh, "/m", List.of("m"), List.of(), OPTIONS);
            } catch (LoadException expected) {
                assertNotNull(expected.getMessage());
            }
        }
    }
}
