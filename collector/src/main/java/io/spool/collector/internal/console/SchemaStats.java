package io.spool.collector.internal.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * For each write key and event name, the top-level properties seen, how often with each JSON type,
 * and when the event was first and last seen: where an engineer spots {@code revenue} sent as a
 * string by one caller. Bounded in event names and in properties per name. Owned by the feed's thread.
 */
final class SchemaStats {
    static final int MAX_EVENTS = 500;
    static final int MAX_PROPERTIES = 100;
    static final String[] TYPES = {"string", "number", "boolean", "object", "array", "null"};

    static final class EventSchema {
        final String writeKey;
        final String name;
        final String type;
        long count;
        long firstSeen;
        long lastSeen;
        final Map<String, long[]> properties = new LinkedHashMap<>();
        long otherProperties;

        EventSchema(String writeKey, String name, String type) {
            this.writeKey = writeKey;
            this.name = name;
            this.type = type;
        }
    }

    private final JsonFactory json = new JsonFactory();
    private final Map<String, EventSchema> events = new LinkedHashMap<>();
    private long droppedEvents;

    /** Counts one event's properties ({@code properties} or traits' raw JSON; may be null). */
    void observe(String writeKey, String type, String name, byte[] array, int offset, int length, long millis) {
        String key = writeKey + '\u0000' + type + '\u0000' + name;
        EventSchema schema = events.get(key);
        if (schema == null) {
            if (events.size() >= MAX_EVENTS) {
                droppedEvents++;
                return;
            }
            schema = new EventSchema(writeKey, name, type);
            schema.firstSeen = millis;
            events.put(key, schema);
        }
        schema.count++;
        schema.lastSeen = Math.max(schema.lastSeen, millis);
        if (array == null || length <= 0) {
            return;
        }
        try (JsonParser p = json.createParser(array, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String property = p.currentName();
                JsonToken value = p.nextToken();
                int kind = kind(value);
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
                long[] counts = schema.properties.get(property);
                if (counts == null) {
                    if (schema.properties.size() >= MAX_PROPERTIES) {
                        schema.otherProperties++;
                        continue;
                    }
                    counts = new long[TYPES.length];
                    schema.properties.put(property, counts);
                }
                counts[kind]++;
            }
        } catch (IOException e) {
            // Stored JSON was validated when it was accepted; a failure here only loses a sample.
        }
    }

    private static int kind(JsonToken token) {
        switch (token) {
            case VALUE_STRING:
                return 0;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return 1;
            case VALUE_TRUE:
            case VALUE_FALSE:
                return 2;
            case START_OBJECT:
                return 3;
            case START_ARRAY:
                return 4;
            default:
                return 5;
        }
    }

    /** Appends {@code "schema":[…]} for the event names of {@code visibleKeys} (all when null). */
    void appendJson(StringBuilder out, Set<String> visibleKeys) {
        out.append("\"schema\":[");
        boolean first = true;
        for (EventSchema s : events.values()) {
            if (visibleKeys != null && !visibleKeys.contains(s.writeKey)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"writeKey\":");
            Json.string(out, s.writeKey);
            out.append(",\"type\":");
            Json.string(out, s.type);
            out.append(",\"name\":");
            Json.string(out, s.name);
            out.append(",\"count\":")
                    .append(s.count)
                    .append(",\"firstSeen\":")
                    .append(s.firstSeen)
                    .append(",\"lastSeen\":")
                    .append(s.lastSeen)
                    .append(",\"otherProperties\":")
                    .append(s.otherProperties)
                    .append(",\"properties\":{");
            boolean firstProperty = true;
            for (Map.Entry<String, long[]> e : s.properties.entrySet()) {
                if (!firstProperty) {
                    out.append(',');
                }
                firstProperty = false;
                Json.string(out, e.getKey());
                out.append(":{");
                boolean firstType = true;
                long[] counts = e.getValue();
                for (int i = 0; i < TYPES.length; i++) {
                    if (counts[i] > 0) {
                        if (!firstType) {
                            out.append(',');
                        }
                        firstType = false;
                        out.append('"').append(TYPES[i]).append("\":").append(counts[i]);
                    }
                }
                out.append('}');
            }
            out.append("}}");
        }
        out.append(']');
    }
}
