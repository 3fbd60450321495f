package dev.jlibos.syscalls;

/** strace's way of printing guest bytes as a C string literal. */
final class Quoting {
    private Quoting() {
    }

    /**
     * Quotes {@code length} bytes of {@code bytes}, appending {@code ...} after the closing quote when the
     * guest's data goes on beyond what is shown.
     *
     * <p>Non-printable bytes use the shortest octal escape ({@code \0}, {@code \33}, {@code \377}) unless
     * the next shown byte is an octal digit, where a short escape would swallow it: then all three digits.
     */
    static String quote(byte[] bytes, int length, boolean truncated) {
        StringBuilder sb = new StringBuilder(length + 8).append('"');
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0b -> sb.append("\\v");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        boolean digitFollows = i + 1 < length && bytes[i + 1] >= '0' && bytes[i + 1] <= '7';
                        String oct = Integer.toOctalString(c);
                        sb.append('\\');
                        if (digitFollows) sb.append("00", 0, 3 - oct.length());
                        sb.append(oct);
                    }
                }
            }
        }
        sb.append('"');
        if (truncated) sb.append("...");
        return sb.toString();
    }
}
