package dev.jlibos.kml;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry page and site rules of the syscall-site rewriting, checked byte by byte and against objdump. */
class SyscallShimTest {
    private static final int[] SERVED = {39, 102, 104, 107, 108};
    private static final long DATA = 0x7ffff7ff0000L;

    @Test
    void entryPageTrapsBelowTheSledAndSlidesIntoTheStub() {
        byte[] page = SyscallShim.entryPage(DATA, SERVED);
        assertEquals(SyscallShim.PAGE_SIZE, page.length);
        for (int a = 0; a < 39; a++) assertEquals((byte) 0xcc, page[a], "int3 at " + a);
        for (int a = 39; a <= 108; a++) assertEquals((byte) 0x90, page[a], "nop at " + a);
        assertEquals((byte) 0xcc, page[SyscallShim.PAGE_SIZE - 1]);
    }

    /** The stub, disassembled by GNU objdump, is the branch-free sequence the class comment describes. */
    @Test
    void stubDisassemblesAsIntended() throws Exception {
        byte[] page = SyscallShim.entryPage(DATA, SERVED);
        Path bin = Files.createTempFile("kml-entry", ".bin");
        try {
            Files.write(bin, java.util.Arrays.copyOfRange(page, 109, 160));
            Process p;
            try {
                p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "--adjust-vma=109",
                        bin.toString()).redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                Assumptions.abort("objdump not installed");
                return;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<String> insns = out.lines().filter(l -> l.matches("\\s+[0-9a-f]+:\\t.*\\t.*"))
                    .map(l -> l.substring(l.lastIndexOf('\t') + 1).replaceAll("\\s+", " ").trim()).toList();
            List<String> expected = List.of("mov %eax,%eax", "movabs $0x7ffff7ff0000,%rcx", "xor %r11d,%r11d",
                    "cmp $0xff,%eax", "cmova %r11d,%eax", "add 0x400(%rcx,%rax,8),%rcx", "mov 0x0(%rcx,%rax,4),%eax",
                    "ret", "int3");
            assertEquals(expected, insns.subList(0, expected.size()), out);
        } finally {
            Files.deleteIfExists(bin);
        }
    }

    @Test
    void dataPagePoisonsEveryOffsetButTheServedOnes() {
        ByteBuffer b = ByteBuffer.wrap(SyscallShim.dataPage(SERVED)).order(ByteOrder.LITTLE_ENDIAN);
        for (int n = 0; n < SyscallShim.TABLE_ENTRIES; n++) {
            int number = n;
            boolean served = java.util.Arrays.stream(SERVED).anyMatch(s -> s == number);
            assertEquals(served ? 0 : SyscallShim.POISON, b.getLong(SyscallShim.OFFSETS + 8 * n), () -> "offset of " + number);
        }
    }

    @Test
    void onlyTheWrapperShapeIsRewritable() {
        byte[] getpid = {(byte) 0xb8, 39, 0, 0, 0, 0x0f, 0x05, (byte) 0xc3};
        assertTrue(SyscallSite.isWrapper(getpid, 39));
        assertFalse(SyscallSite.isWrapper(getpid, 102), "the number must be the one in the mov");
        byte[] noRet = getpid.clone();
        noRet[7] = (byte) 0x48; // more code after the syscall: the red zone may be live
        assertFalse(SyscallSite.isWrapper(noRet, 39));
        byte[] generic = {0x48, (byte) 0x89, (byte) 0xf8, (byte) 0x90, (byte) 0x90, 0x0f, 0x05, (byte) 0xc3};
        assertFalse(SyscallSite.isWrapper(generic, 39), "mov %rdi,%rax: the number is not known");
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xe0}, SyscallSite.REWRITTEN);
    }

    /** Seccomp puts a rewritten site back: only a window that still holds the rewritten wrapper qualifies. */
    @Test
    void onlyARewrittenWrapperIsRestored() {
        byte[] rewritten = {(byte) 0xb8, 39, 0, 0, 0, (byte) 0xff, (byte) 0xe0, (byte) 0xc3};
        assertTrue(SyscallSite.isRewritten(rewritten));
        byte[] original = {(byte) 0xb8, 39, 0, 0, 0, 0x0f, 0x05, (byte) 0xc3};
        assertFalse(SyscallSite.isRewritten(original), "already a syscall");
        byte[] replaced = rewritten.clone();
        replaced[0] = (byte) 0x90; // the guest put other code there since
        assertFalse(SyscallSite.isRewritten(replaced));
        assertArrayEquals(new byte[] {0x0f, 0x05}, SyscallSite.ORIGINAL);
    }
}
