package io.spool.sdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties or traits a builder collects: the caller's own map when it gave one (no copy, the
 * common case), or a map of ours once single fields are added.
 */
final class Fields {
    private Map<String, ?> given;
    private LinkedHashMap<String, Object> own;

    void all(Map<String, ?> map) {
        given = map;
        own = null;
    }

    void put(String key, Object value) {
        if (own == null) {
            own = given == null ? new LinkedHashMap<>() : new LinkedHashMap<>(given);
            given = null;
        }
        own.put(key, value);
    }

    Map<String, ?> map() {
        return own != null ? own : given;
    }
}
