package io.spool.collector.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The write keys the collector accepts, and the reading of a key from an {@code Authorization} header
 * (HTTP Basic, the key as user name and an empty password, as Segment clients send it).
 */
final class WriteKeys {
    private final Set<String> keys;

    WriteKeys(Set<String> keys) {
        this.keys = Set.copyOf(keys);
    }

    /** Whether the key may write. With no keys configured (an open collector) any key may. */
    boolean accepts(String key) {
        return keys.isEmpty() || keys.contains(key);
    }

    /** The write key in a Basic {@code Authorization} header, or null when the header is not a readable Basic credential. */
    static String fromAuthorization(String header) {
        String h = header.trim();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(h.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String credential = new String(decoded, StandardCharsets.UTF_8);
        int colon = credential.indexOf(':');
        String user = colon >= 0 ? credential.substring(0, colon) : credential;
        return user.isEmpty() ? null : user;
    }
}
