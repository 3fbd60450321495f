package dev.jlibos.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Known differences from Linux, from {@code known-gaps.txt} (sorted, one "case-id: reason" per line),
 * in the spirit of Gramine's LTP expectations file. A listed case must still differ from Linux, so a
 * fixed gap fails the build until its line is removed: nothing is silently skipped.
 */
final class KnownGaps {
    private static final Map<String, String> GAPS = load("/known-gaps.txt");

    private KnownGaps() {
    }

    static String reason(String caseId) {
        return GAPS.get(caseId);
    }

    /** A sorted "id: reason" resource (blank lines and # comments skipped); also libc-test's gap list. */
    static Map<String, String> load(String resource) {
        Map<String, String> gaps = new TreeMap<>();
        try (InputStream in = KnownGaps.class.getResourceAsStream(resource)) {
            if (in == null) return gaps;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String previous = "";
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int colon = line.indexOf(':');
                if (colon < 0) throw new IllegalStateException(resource + ": no reason in: " + line);
                String id = line.substring(0, colon).trim();
                if (id.compareTo(previous) <= 0) throw new IllegalStateException(resource + " is not sorted at " + id);
                previous = id;
                gaps.put(id, line.substring(colon + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gaps;
    }
}
