package io.spool.collector.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The key {@code /metrics} asks for, when one is set: {@code Authorization: Bearer <key>}, which is what
 * Prometheus' {@code authorization} scrape setting sends, or Basic auth with the key as password (its
 * {@code basic_auth}, and curl's {@code -u any:KEY}). Compared in constant time.
 */
final class MetricsKey {
    private final byte[] key;

    /** A null key leaves {@code /metrics} open. */
    MetricsKey(String key) {
        this.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a request with this {@code Authorization} header (null when absent) may read the metrics. */
    boolean allows(String authorization) {
        if (key == null) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String h = authorization.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return matches(h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        }
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(h.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            String credential = new String(decoded, StandardCharsets.UTF_8);
            int colon = credential.indexOf(':');
            return colon >= 0 && matches(credential.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        return false;
    }

    private boolean matches(byte[] given) {
        return MessageDigest.isEqual(key, given);
    }
}
