package dev.jlibos.syscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

class QuotingTest {
    private static String q(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Quoting.quote(b, b.length, false);
    }

    @Test
    void namedEscapes() {
        assertEquals("\"a\\tb\\n\\r\\f\\v\\\"\\\\\"", q("a\tb\n\r\f\u000b\"\\"));
    }

    @Test
    void octalIsShortUnlessAnOctalDigitFollows() {
        assertEquals("\"\\0\"", q("\0"));
        assertEquals("\"\\0001\"", q("\0" + "1"));
        assertEquals("\"\\18\"", q("\u0001" + "8"));
        assertEquals("\"\\33[0m\"", q("\u001b[0m"));
        assertEquals("\"\\0337\"", q("\u001b7"));
        assertEquals("\"\\177\\200\\377\"", q("\u007f\u0080\u00ff"));
    }

    @Test
    void digitBeyondTheShownPartDoesNotCount() {
        byte[] b = {1, '7'};
        assertEquals("\"\\1\"...", Quoting.quote(b, 1, true));
    }
}
